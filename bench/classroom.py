"""Classroom capacity: N learners, each a real Streamlit session, click Run within a few seconds.

Usage:
    .venv/bin/python -m bench.classroom [--learners 1,5,10,20,30] [--rounds 2] [--spread-s 3]
        [--lesson why_streaming|llm_direct] [--ttft 300] [--no-probe] [--url http://host:port]
        [--replicas N]

Each learner is `tools.streamlit_client.StreamlitSession`: the frontend's own websocket protocol,
so the server does a browser tab's work (page run, deltas, the paint probe's report rerun) without
a browser's CPU on this machine. Per N, the learners open the lesson from a preset link
(`?ttft=300`), then each round every learner clicks Run at a random moment within `--spread-s`
and, like the browser, sends the paint probe's report once the run finished. Measured per click:
first answer token received (the first delta with text inside the lesson's output container)
minus the click's send time minus the configured TTFT, i.e. what the app adds to the model.

Prints per N: p50/p95/max of that overhead, failed runs (timeouts, exceptions, error alerts, no
answer text), page-load p95, the server process's CPU (% of one core over the click phase) and
RSS per open session, the client's own event-loop lag (it shares the 2 cores: a lagging client
reads late), and the knee: the largest N still within the goal.

Goal: 30 learners at once with p95 ≤ 300 ms and no failed run. Without `--url` the app is
started here (`tools.browser.streamlit_app`, the browser tests' way); ~2 min with the defaults.
`--replicas N` starts N app processes behind Debian's HAProxy with deploy/haproxy.cfg instead
(`tools.replicas`, the compose topology on loopback): one Streamlit process runs its sessions
under one GIL, so only replicas put a second core to work. Server CPU and RSS are then the sum
over the replicas.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import psutil
from streamlit.proto.Alert_pb2 import Alert

from tools.browser import streamlit_app
from tools.replicas import haproxy, replicas
from tools.streamlit_client import DeltaEvent, StreamlitSession

# lesson -> (Run button key, the container the answer streams into, the probe's key prefix)
LESSONS = {
    "why_streaming": ("why_run", "why_text_stream", "why_probe_"),
    "llm_direct": ("direct_run", "direct_output", "direct_probe_"),
}
ERROR = Alert.Format.ERROR  # st.error: how a lesson reports a failed run under its partial text
GOAL_P95_MS = 300.0
GOAL_LEARNERS = 30
OPEN_AT_ONCE = 4  # learners opening the link at the same moment (a room arrives over seconds)


@dataclass(slots=True)
class Click:
    overhead_ms: float | None  # first answer token received − click sent − TTFT
    run_ms: float
    failure: str | None


@dataclass(slots=True)
class Level:
    learners: int
    clicks: list[Click] = field(default_factory=list)
    open_ms: list[float] = field(default_factory=list)
    open_failures: int = 0
    server_cpu_pct: float = 0.0
    server_cpu_ms_per_click: float = 0.0  # the run, its deltas and the probe report's rerun
    client_cpu_pct: float = 0.0  # this bench's own learners (they share the 2 cores)
    others_cpu_pct: float = 0.0  # everything else on the machine (other users' work)
    rss_per_session_mb: float = 0.0
    client_lag_p95_ms: float = 0.0

    @property
    def overheads(self) -> list[float]:
        return sorted(c.overhead_ms for c in self.clicks if c.overhead_ms is not None)

    @property
    def failures(self) -> int:
        return self.open_failures + sum(c.failure is not None for c in self.clicks)

    @property
    def within_goal(self) -> bool:
        return not self.failures and bool(self.overheads) and pct(self.overheads, 95) <= GOAL_P95_MS


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of sorted `values`."""
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))]


def busy_s(times: Any) -> float:
    """CPU-seconds the whole machine spent busy (all cores)."""
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))


def streamlit_process() -> psutil.Process:
    """The `streamlit run` child this bench started (the server whose CPU and memory count)."""
    for child in psutil.Process().children(recursive=True):
        if "streamlit" in " ".join(child.cmdline()):
            return child
    raise RuntimeError("no streamlit child process found")


def listening_process(url: str) -> psutil.Process:
    """The local process listening on `url`'s port (another user's streamlit may run too)."""
    port = urlsplit(url).port
    for conn in psutil.net_connections("tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return psutil.Process(conn.pid)
    raise RuntimeError(f"nothing of ours listens on port {port}")


@dataclass(frozen=True, slots=True)
class Times:
    user: float
    system: float


@dataclass(frozen=True, slots=True)
class Memory:
    rss: int


@dataclass(frozen=True, slots=True)
class ServerGroup:
    """Several app processes measured as one server (the replicas behind the load balancer)."""

    processes: tuple[psutil.Process, ...]

    def cpu_times(self) -> Times:
        times = [p.cpu_times() for p in self.processes]
        return Times(sum(t.user for t in times), sum(t.system for t in times))

    def memory_info(self) -> Memory:
        return Memory(sum(p.memory_info().rss for p in self.processes))


@contextmanager
def loop_lag(samples: list[float]) -> Iterator[None]:
    """Sample how late a 10 ms sleep wakes up on this event loop (the client's own congestion)."""

    async def tick() -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            samples.append((time.perf_counter() - start - 0.01) * 1000)

    task = asyncio.get_running_loop().create_task(tick())
    try:
        yield
    finally:
        task.cancel()


async def learner_click(
    s: StreamlitSession, lesson: str, ttft_ms: float, delay_s: float, probe: bool
) -> Click:
    button, output, probe_prefix = LESSONS[lesson]
    await asyncio.sleep(delay_s)
    first: list[float] = []

    def on_delta(event: DeltaEvent) -> None:
        if (
            not first
            and event.node is not None
            and event.node.text
            and output in s.keys_around(event.path)
        ):
            first.append(event.at)

    try:
        run = await s.click(button, on_delta=on_delta)
    except (TimeoutError, ConnectionError, OSError, KeyError) as exc:
        return Click(None, float("nan"), f"{type(exc).__name__}: {exc}"[:300])
    failure = None
    if not run.ok:
        failure = f"script finished with status {run.status}"
    elif s.exceptions:
        failure = f"exception: {s.exceptions[0].exception.message[:80]}"
    elif errors := [
        n.text for n in s.elements("alert") if n.element and n.element.alert.format == ERROR
    ]:
        failure = f"error alert: {errors[0][:80]}"
    elif not first:
        failure = "no answer text"
    overhead = (first[0] - run.sent_at) * 1000 - ttft_ms if first else None
    assert run.finished_at is not None
    click = Click(overhead, (run.finished_at - run.sent_at) * 1000, failure)
    if probe and failure is None:
        await report_paint(s, probe_prefix, first[0], run.finished_at)
    return click


async def report_paint(s: StreamlitSession, prefix: str, first_at: float, last_at: float) -> None:
    """Send what the browser's paint probe sends after a run (its report reruns the panel)."""
    key = next((k for k in s.all_keys() if k.startswith(prefix) and "_end_" not in k), None)
    if key is None:
        return
    data = s.component_data(key)
    epoch = time.time() * 1000 - time.perf_counter() * 1000
    first_ms, last_ms = epoch + first_at * 1000, epoch + last_at * 1000
    lanes = {
        lane: {
            "run_id": data["run_id"],
            "first_paint_ms": first_ms,
            "last_paint_ms": last_ms,
            "chars": 200,
            "samples": [[first_ms, 4], [last_ms, 200]],
        }
        for lane in data["targets"]
    }
    await s.report(key, "paint", {"run_id": data["run_id"], "lanes": lanes})


async def open_learner(url: str, lesson: str, ttft_ms: float, gate: asyncio.Semaphore, level: Level):
    async with gate:
        s = StreamlitSession(url, page=lesson, query={"ttft": int(ttft_ms)}, timeout_s=60)
        start = time.perf_counter()
        try:
            await s.connect()
            run = await s.run()
        except (TimeoutError, ConnectionError, OSError):
            level.open_failures += 1
            await s.close()
            return None
        if not run.ok or s.exceptions:
            level.open_failures += 1
        level.open_ms.append((time.perf_counter() - start) * 1000)
        return s


async def measure(
    url: str, server: psutil.Process | ServerGroup, learners: int, args: argparse.Namespace
) -> Level:
    level = Level(learners)
    rss_before = server.memory_info().rss
    gate = asyncio.Semaphore(OPEN_AT_ONCE)
    opened = await asyncio.gather(
        *(open_learner(url, args.lesson, args.ttft, gate, level) for _ in range(learners))
    )
    sessions = [s for s in opened if s is not None]
    rng = random.Random(learners)
    lags: list[float] = []
    try:
        await asyncio.sleep(1)  # the room settles before the presenter says "Run"
        cpu_before, wall_before = server.cpu_times(), time.perf_counter()
        machine_before = busy_s(psutil.cpu_times())
        client_before = busy_s(psutil.Process().cpu_times())
        with loop_lag(lags):
            for _ in range(args.rounds):
                level.clicks += await asyncio.gather(
                    *(
                        learner_click(
                            s, args.lesson, args.ttft, rng.uniform(0, args.spread_s), args.probe
                        )
                        for s in sessions
                    )
                )
        cpu_after, wall = server.cpu_times(), time.perf_counter() - wall_before
        busy = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
        level.server_cpu_pct = 100 * busy / wall
        level.server_cpu_ms_per_click = 1000 * busy / max(1, len(level.clicks))
        client = busy_s(psutil.Process().cpu_times()) - client_before
        level.client_cpu_pct = 100 * client / wall
        level.others_cpu_pct = 100 * (busy_s(psutil.cpu_times()) - machine_before - busy - client) / wall
        # Memory a learner costs: what opening and running added (freed pages of an earlier level
        # are reused first, so a level that fits in them reads ~0).
        rss_after = server.memory_info().rss
        level.rss_per_session_mb = (rss_after - rss_before) / max(1, len(sessions)) / 2**20
        level.client_lag_p95_ms = pct(sorted(lags), 95)
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
        await asyncio.sleep(1)  # let the server drop the sessions before the next level
    return level


COLUMNS = (
    ("N", 4, "learners"),
    ("clicks", 6, "clicks measured"),
    ("p50", 6, "overhead median, ms"),
    ("p95", 6, "overhead p95, ms"),
    ("max", 6, "overhead max, ms"),
    ("fails", 5, "failed opens and runs"),
    ("open95", 6, "page open p95, ms"),
    ("srv%", 5, "server CPU, % of one core, click phase"),
    ("ms/clk", 6, "server CPU-ms per click"),
    ("cli%", 5, "this client's CPU"),
    ("oth%", 5, "other processes' CPU (2 cores = 200)"),
    ("MB/ses", 6, "server RSS added per learner"),
    ("RSS", 5, "server RSS after, MB"),
    ("lag95", 5, "client event-loop lag p95, ms"),
)


def print_level(level: Level, server: psutil.Process | ServerGroup) -> None:
    o = level.overheads
    values = (
        level.learners,
        len(level.clicks),
        pct(o, 50),
        pct(o, 95),
        o[-1] if o else float("nan"),
        level.failures,
        pct(sorted(level.open_ms), 95),
        level.server_cpu_pct,
        level.server_cpu_ms_per_click,
        level.client_cpu_pct,
        level.others_cpu_pct,
        level.rss_per_session_mb,
        server.memory_info().rss / 2**20,
        level.client_lag_p95_ms,
    )
    cells = [
        f"{v:>{width}.1f}" if name in ("MB/ses", "lag95") else f"{v:>{width}.0f}"
        for (name, width, _), v in zip(COLUMNS, values, strict=True)
    ]
    print(" ".join(cells), " ok" if level.within_goal else " MISSED", flush=True)
    for failure in sorted({c.failure for c in level.clicks if c.failure})[:3]:
        print(f"      failure: {failure}")


async def bench(
    url: str, server: psutil.Process | ServerGroup, args: argparse.Namespace, warm_urls: list[str]
) -> list[Level]:
    if args.renice:
        for process in (server, psutil.Process()):
            process.nice(args.renice)
            for thread in process.threads():  # Linux: niceness is per thread, set at creation
                psutil.Process(thread.id).nice(args.renice)
    print(
        f"{args.replicas} app process(es){' behind HAProxy' if args.replicas > 1 else ''}, "
        f"lesson {args.lesson}, TTFT {args.ttft:.0f} ms, {args.rounds} round(s) of clicks within "
        f"{args.spread_s:g} s, paint probe report {'on' if args.probe else 'off'}, "
        f"niceness {args.renice}, load average {os.getloadavg()[0]:.1f}; overhead = first "
        "answer token received − click − TTFT (ms)"
    )
    print("; ".join(f"{name}: {meaning}" for name, _, meaning in COLUMNS))
    print(" ".join(f"{name:>{width}}" for name, width, _ in COLUMNS))
    # The presenter's own first run: imports (langchain, openai, plotly) and caches warm up once
    # per server (each replica, reached directly), not per learner, so it is not a learner's number.
    for warm_url in warm_urls:
        warm_up = await open_learner(warm_url, args.lesson, args.ttft, asyncio.Semaphore(1), Level(1))
        if warm_up is not None:
            await learner_click(warm_up, args.lesson, args.ttft, 0, args.probe)
            await warm_up.close()
    levels = []
    for learners in args.learners:
        level = await measure(url, server, learners, args)
        print_level(level, server)
        levels.append(level)
    fit = [lv.learners for lv in levels if lv.within_goal]
    knee = next((lv.learners for lv in levels if not lv.within_goal), None)
    goal = (
        "met" if GOAL_LEARNERS in fit else "not met" if GOAL_LEARNERS in args.learners else "not tried"
    )
    print(
        f"knee: within the goal (p95 ≤ {GOAL_P95_MS:.0f} ms, no failure) up to N = "
        f"{max(fit) if fit else 0}"
        + (f"; first miss at N = {knee}" if knee else "")
        + f". Goal {GOAL_LEARNERS} learners: {goal}"
    )
    return levels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--learners", default="1,5,10,20,30", type=lambda v: [int(n) for n in v.split(",")]
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--spread-s", type=float, default=3.0)
    parser.add_argument("--lesson", choices=sorted(LESSONS), default="why_streaming")
    parser.add_argument("--ttft", type=float, default=300.0)
    parser.add_argument("--no-probe", dest="probe", action="store_false")
    parser.add_argument(
        "--renice",
        type=int,
        default=0,
        help="run the server and these learners at this niceness (e.g. -10, as root): a machine "
        "the room has to itself, when other users' work shares this one",
    )
    parser.add_argument("--url", help="an app already running on this machine (measured by its port)")
    parser.add_argument(
        "--replicas", type=int, default=1, help="app processes behind HAProxy (deploy/haproxy.cfg)"
    )
    args = parser.parse_args()
    if args.url:
        asyncio.run(bench(args.url, listening_process(args.url), args, [args.url]))
    elif args.replicas > 1:
        with replicas(args.replicas) as apps, haproxy(apps) as url:
            group = ServerGroup(tuple(psutil.Process(app.process.pid) for app in apps))
            asyncio.run(bench(url, group, args, [app.url for app in apps]))
    else:
        with streamlit_app() as url:
            asyncio.run(bench(url, streamlit_process(), args, [url]))


if __name__ == "__main__":
    main()
