"""The seed's streaming ideas next to their LangChain 1.x agent forms, each pair run live and
counted: what each side yields, how many pieces, and when the first one came.

Each `Pairing` names the seed's code and its agent-era equivalent; `measure` runs the pairs one by
one (the seed side with the lessons' own recipes, the agent side with this lesson's), so a page
can fill its table row by row. A pair that fails keeps its row and says why.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from langchain_core._api.beta_decorator import suppress_langchain_beta_warning
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, ToolMessage
from langchain_openai import ChatOpenAI

from streamlab.client.async_bridge import run_sync
from streamlab.demos.agent_streaming import Described, Kind, short
from streamlab.measure import wire
from streamlab.recipes.agent_events import watch_agent
from streamlab.recipes.agent_streaming import build_agent
from streamlab.recipes.astream_events import build_seed_chain, collect_events
from streamlab.recipes.llm_direct import stream_answer
from streamlab.recipes.parallel import build_parallel, stream_parallel
from streamlab.recipes.seed_to_agents import read_agent_sse, stream_steps, stream_tokens

__all__ = [
    "COLUMNS",
    "DOCS_SCRIPT",
    "PAIRINGS",
    "Counted",
    "PairInputs",
    "Pairing",
    "describe_sse",
    "measure",
    "to_table",
]

COLUMNS = [
    "seed",
    "seed: pieces",
    "seed: first (ms)",
    "LangChain 1.x",
    "1.x: pieces",
    "1.x: first (ms)",
    "1.x: what came",
]


@dataclass(frozen=True, slots=True)
class Counted:
    """One side of a pair, run once: how many pieces it yielded, the first one's time, what they were."""

    pieces: int | None
    first_ms: float | None
    detail: str


@dataclass(frozen=True, slots=True)
class PairInputs:
    """What every pair runs with: models from the sidebar's provider, the question, the chat server."""

    seed_llm: Callable[[], ChatOpenAI]
    agent_llm: Callable[[], BaseChatModel]
    question: str
    chat_url: str
    """The chat server of "Streaming + FastAPI" (it serves the seed's `/chat` and `/agent/sse`)."""
    params: dict[str, Any]
    """Query parameters every chat-server request carries (the `cfg` token of the provider)."""


@dataclass(frozen=True, slots=True)
class Pairing:
    id: str
    seed: str
    agent: str
    run_seed: Callable[[PairInputs], Counted]
    run_agent: Callable[[PairInputs], Counted]


def _count(
    items: Iterable[Any], has_text: Callable[[Any], bool] = bool
) -> tuple[list[Any], float | None]:
    """The items, and when the first one that `has_text` arrived (ms since the first `next`)."""
    start, first, seen = time.perf_counter_ns(), None, []
    for item in items:
        if first is None and has_text(item):
            first = (time.perf_counter_ns() - start) / 1e6
        seen.append(item)
    return seen, first


def _llm_stream(inputs: PairInputs) -> Counted:
    chunks, first = _count(stream_answer(inputs.seed_llm(), inputs.question), lambda c: bool(c.text))
    return Counted(len(chunks), first, "AIMessageChunks of one answer")


def _messages_mode(inputs: PairInputs) -> Counted:
    answer = lambda pair: isinstance(pair[0], AIMessageChunk) and bool(pair[0].text)  # noqa: E731
    pairs, first = _count(stream_tokens(build_agent(inputs.agent_llm()), inputs.question), answer)
    kinds = Counter(
        "tool results" if isinstance(t, ToolMessage) else "answer tokens" if t.text else "other chunks"
        for t, _ in pairs
    )
    return Counted(len(pairs), first, ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))


def _chain_stream(inputs: PairInputs) -> Counted:
    chain = build_seed_chain(inputs.seed_llm())
    chunks, first = _count(chain.stream(inputs.question), lambda c: bool(c.text))
    return Counted(len(chunks), first, "the model's chunks, passed through the chain")


def _updates_mode(inputs: PairInputs) -> Counted:
    steps, first = _count(stream_steps(build_agent(inputs.agent_llm()), inputs.question))
    return Counted(len(steps), first, " → ".join(node for step in steps for node in step))


def _parallel(inputs: PairInputs) -> Counted:
    both = build_parallel(inputs.seed_llm(), inputs.seed_llm())
    chunks, first = _count(
        stream_parallel(both, inputs.question), lambda c: any(m.text for m in c.values())
    )
    per = Counter(key for chunk in chunks for key in chunk)
    return Counted(len(chunks), first, ", ".join(f"{k}: {n}" for k, n in per.items()))


def _parallel_tools(inputs: PairInputs) -> Counted:
    steps, first = _count(stream_steps(build_agent(inputs.agent_llm()), inputs.question))
    asked = [c["name"] for s in steps if "model" in s for c in s["model"]["messages"][-1].tool_calls]
    done = [s["tools"]["messages"][-1].name for s in steps if "tools" in s]
    return Counted(len(done), first, f"asked {', '.join(asked)}; finished {', '.join(done)}")


def _events_v2(inputs: PairInputs) -> Counted:
    captured = run_sync(collect_events(build_seed_chain(inputs.seed_llm()), inputs.question))
    first = next((e.t_ms for e in captured.events if e.event["event"] == "on_chat_model_stream"), None)
    return Counted(len(captured.events), first, "one flat list of on_* events")


def _events_v3(inputs: PairInputs) -> Counted:
    seen: Counter[str] = Counter()
    start = time.perf_counter_ns()
    first: list[float] = []

    def show(name: str, _: Any) -> None:
        seen[name] += 1
        if name == "text" and not first:
            first.append((time.perf_counter_ns() - start) / 1e6)

    with suppress_langchain_beta_warning():  # experimental: the lesson "Event streaming v3" says so
        run_sync(watch_agent(build_agent(inputs.agent_llm()), inputs.question, show))
    return Counted(
        sum(seen.values()), first[0] if first else None, ", ".join(f"{n} {k}" for k, n in seen.items())
    )


def _fastapi_seed(inputs: PairInputs) -> Counted:
    recording = wire.record(
        f"{inputs.chat_url}/chat", params={"q": inputs.question, **inputs.params}, timeout=60
    )
    if recording.error or recording.status != 200:
        raise RuntimeError(recording.error or f"HTTP {recording.status}")
    return Counted(len(recording.chunks), recording.first_text_ms, "text/plain body chunks")


def _fastapi_agent(inputs: PairInputs) -> Counted:
    params = {"q": inputs.question, **inputs.params}
    events, first = _count(
        read_agent_sse(f"{inputs.chat_url}/agent/sse", params), lambda e: e[0] == "token"
    )
    names = Counter(name for name, _ in events)
    return Counted(len(events), first, ", ".join(f"{n} {name}" for name, n in names.items()))


PAIRINGS: tuple[Pairing, ...] = (
    Pairing(
        "llm.stream",
        "llm.stream(q)",
        'agent.stream(…, stream_mode="messages")',
        _llm_stream,
        _messages_mode,
    ),
    Pairing(
        "chain.stream",
        "chain.stream(x)",
        'agent.stream(…, stream_mode="updates")',
        _chain_stream,
        _updates_mode,
    ),
    Pairing(
        "RunnableParallel",
        "RunnableParallel(short=…, detailed=…).stream(q)",
        "two tool calls in one model message: the tools node runs them at once",
        _parallel,
        _parallel_tools,
    ),
    Pairing(
        "astream_events v2",
        'chain.astream_events(q, version="v2")',
        'await agent.astream_events(…, version="v3"), typed projections',
        _events_v2,
        _events_v3,
    ),
    Pairing(
        "StreamingResponse",
        'StreamingResponse(token_stream(), media_type="text/plain")',
        "EventSourceResponse(agent_sse_events(agent, q)): token and step events",
        _fastapi_seed,
        _fastapi_agent,
    ),
)


def _side(run: Callable[[PairInputs], Counted], inputs: PairInputs) -> Counted:
    try:
        return run(inputs)
    except Exception as exc:  # keep the row: say what failed instead
        return Counted(None, None, f"failed: {type(exc).__name__}: {exc}")


def measure(ids: Sequence[str], inputs: PairInputs) -> Iterator[dict[str, Any]]:
    """The pairs named in `ids`, in the table's order, each as one table row once both sides ran."""
    for pairing in (p for p in PAIRINGS if p.id in ids):
        seed, agent = _side(pairing.run_seed, inputs), _side(pairing.run_agent, inputs)
        values = (pairing.seed, seed.pieces, seed.first_ms, pairing.agent, agent.pieces, agent.first_ms)
        yield dict(zip(COLUMNS, (*values, agent.detail), strict=True))


def to_table(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS).round({"seed: first (ms)": 1, "1.x: first (ms)": 1})


def describe_sse(event: str, data: Any) -> tuple[str, Described]:
    """The lane (`step` or `token`) and the description of one event of `/agent/sse`."""
    if event == "token":
        return "token", ("answer token", short(repr(data)), str(data), "model")
    if event == "step" and isinstance(data, dict):
        node, calls = str(data.get("node", "")), data.get("tool_calls") or []
        if calls:
            return "step", ("model step", short(f"{node}: calls {', '.join(calls)}"), "", node)
        kind: Kind = "model step" if node == "model" else "tool result"
        return "step", (kind, short(f"{node}: {data.get('text', '')}"), "", node)
    return "step", ("step", short(f"{event}: {data}"), "", "")


DOCS_SCRIPT = """\
from langchain.agents import create_agent


def get_weather(city: str) -> str:
    \"\"\"Get weather for a given city.\"\"\"
    return f"It's always sunny in {city}!"


agent = create_agent(model="gpt-5-nano", tools=[get_weather])
question = {"messages": [{"role": "user", "content": "What is the weather in SF?"}]}

for chunk in agent.stream(question, stream_mode="updates"):
    for step, data in chunk.items():
        print(f"step: {step}")
        print(f"content: {data['messages'][-1].content_blocks}")

run = agent.stream_events(question, version="v3")
for message in run.messages:
    for delta in message.text:
        print(delta, end="", flush=True)
final_state = run.output
"""
"""Agent code as LangChain 1.x's docs write it: only OPENAI_BASE_URL and OPENAI_API_KEY point it here."""
