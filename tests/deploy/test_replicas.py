"""The scale-out topology of deploy/compose.yaml, on loopback and without containers: real
`streamlit run app.py` replicas behind Debian's HAProxy running deploy/haproxy.cfg itself
(tools/replicas.py), driven by learners that speak Streamlit's websocket protocol
(tools/streamlit_client.py). HAProxy names the replica that answered in `X-Streamlab-Replica`.

One test walks the whole story on one topology: starting replicas costs seconds of CPU
(each imports langchain on its first run), too much to pay per test, and pytest-xdist could hand
separate tests of this file to separate workers. A missing haproxy fails it: `make test` installs it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tools.replicas import (
    HAPROXY_CFG,
    REPLICA_HEADER,
    SERVERS_MARK,
    Replica,
    ReplicaSession,
    haproxy,
    haproxy_config,
    haproxy_path,
    replicas,
)

# Two replicas show every behaviour three would (spread, pinning, a crash leaving the other's
# sessions intact) for two thirds of the CPU: each replica's first run imports langchain (~2.5 CPU-s).
COUNT = 2
LEARNERS = 4
NAMES = {f"app{i}" for i in range(1, COUNT + 1)}


@pytest.fixture
def room() -> Iterator[tuple[list[Replica], str]]:
    """COUNT replicas and the proxy in front of them: (replicas, the proxy's URL)."""
    if haproxy_path() is None:  # before paying for the replicas
        pytest.fail("haproxy is not installed: `make test` installs Debian's haproxy")
    try:
        with replicas(COUNT) as apps, haproxy(apps) as url:
            yield apps, url
    except RuntimeError as exc:  # haproxy missing, or a replica that did not start
        pytest.fail(str(exc))


def test_haproxy_config_when_made_for_loopback_then_only_the_server_list_differs():
    source = HAPROXY_CFG.read_text().splitlines()
    made = haproxy_config({"app1": 4001, "app2": 4002}).splitlines()

    at = next(i for i, line in enumerate(source) if line.strip().startswith(SERVERS_MARK)) + 1
    assert source[at].strip().startswith("server-template app 1-")
    assert made[at : at + 2] == ["    server app1 127.0.0.1:4001", "    server app2 127.0.0.1:4002"]
    assert made[:at] + made[at + 2 :] == source[:at] + source[at + 1 :]


async def open_session(session: ReplicaSession) -> None:
    await session.connect()
    run = await session.run()
    assert run.ok and session.exceptions == [], session.exceptions


async def rerun(session: ReplicaSession) -> None:
    run = await session.run()
    assert run.ok and session.exceptions == []


async def test_room_when_learners_rerun_reconnect_and_a_replica_crashes_then_each_stays_on_its_replica(
    room,
):
    apps, url = room
    # Learners open the app at once: every replica gets some of them.
    sessions = [ReplicaSession(url, page="overview", timeout_s=60) for _ in range(LEARNERS)]
    try:
        await asyncio.gather(*(open_session(s) for s in sessions))
        assert {s.replica for s in sessions} == NAMES
        assert len({s.session_id for s in sessions}) == LEARNERS

        # One learner: page load, websocket, two reruns and a websocket reconnect all reach the
        # replica that made its session, which resumes it (same session id, so same session state).
        first = sessions[0]
        set_cookie = first.response.headers["set-cookie"] if first.response else ""
        assert set_cookie.startswith("SERVERID=") and "HttpOnly" in set_cookie
        await rerun(first)
        await rerun(first)
        await first.reconnect()
        await rerun(first)
        assert set(first.replicas) == {first.replica} and len(first.replicas) >= 6
        assert first.session_ids == [first.session_id] * 4

        # It is the cookie that pins: without it, requests spread; with it, they all go to one.
        async def replica_of(cookies: httpx.Cookies | None) -> str:
            async with httpx.AsyncClient(base_url=url, cookies=cookies, trust_env=False) as tab:
                return (await tab.get("/_stcore/health")).headers[REPLICA_HEADER]

        spread = {await replica_of(None) for _ in range(6)}
        pinned = {await replica_of(first.cookies) for _ in range(6)}
        assert len(spread) > 1 and pinned == {first.replica}

        # One replica crashes (SIGKILL): the others' learners go on in their sessions, across a
        # rerun and a reconnect; the crashed one's learners get a new session on another replica.
        stopped = sessions[1].replica
        next(app for app in apps if app.name == stopped).kill()
        for session in sessions:
            before = session.session_id
            if session.replicas[0] != stopped:
                await rerun(session)  # its websocket did not even notice
            await session.reconnect()
            await rerun(session)
            if session.replicas[0] == stopped:
                assert session.replica in NAMES - {stopped} and session.session_id != before
            else:
                assert session.replica == session.replicas[0] and session.session_id == before
    finally:
        await asyncio.gather(*(s.close() for s in sessions))
