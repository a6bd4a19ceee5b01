"""Shared fixtures: one embedded simulator per test session, and models pointed at it."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from streamlit.components.v2 import manifest_scanner

from streamlab.client.providers import build_chat_model, embedded_config
from streamlab.client.warm import warm_up
from streamlab.sim.answers import LatencyProfile
from streamlab.sim.server import start_embedded
from tests.support import loopback
from tests.support.factories import INSTANT
from tests.support.rewrite_cache import is_xdist_controller, warm_rewrite_cache
from tests.support.schedule import ENABLED as LANES
from tests.support.schedule import OTHER_TESTS_NICENESS, LaneScheduling, is_browser_file, schedule

# Every new AppTest scans the metadata of every installed package for Streamlit components:
# ~0.1 s of CPU, about nine tenths of a whole page run here. The installed packages do not change
# during a test session, so the first scan's answer serves every AppTest after it.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


@pytest.fixture(scope="session", autouse=True)
def isolated_history(tmp_path_factory):
    """Never write the latency lab's history into the real user data dir during tests."""
    path = tmp_path_factory.mktemp("history") / "experiments.sqlite3"
    previous = os.environ.get("STREAMLAB_DB")
    os.environ["STREAMLAB_DB"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("STREAMLAB_DB", None)
    else:
        os.environ["STREAMLAB_DB"] = previous


@pytest.fixture(scope="session")
def sim_server():
    running = start_embedded()
    warm_up(embedded_config(running.base_url))  # as the app does: no test times a cold start
    yield running
    running.stop()


@pytest.fixture(scope="session")
def sim_base_url(sim_server) -> str:
    """OpenAI-style base URL of the embedded simulator (ends in /v1)."""
    return sim_server.base_url + "/v1"


@pytest.fixture
def make_llm(sim_base_url):
    """Build a ChatOpenAI against the simulator; zero latency unless a profile is given."""

    def make(*, model: str = "sim-fast", profile: LatencyProfile | None = INSTANT, sim=None, **kwargs):
        config = embedded_config(sim_base_url, model=model, profile=profile)
        return build_chat_model(config, sim=sim, **kwargs)

    return make


@pytest.fixture
def chat_model(make_llm):
    """A zero-latency ChatOpenAI talking HTTP to the embedded simulator."""
    return make_llm()


@pytest.fixture
def server_stats(sim_server):
    def read() -> dict[str, int]:
        return loopback.get(sim_server.base_url + "/v1/sim/stats").json()

    return read


def pytest_sessionstart(session):
    """In xdist's controller, before its workers start: rewrite the test modules' asserts once
    for all of them (tests/support/rewrite_cache.py)."""
    if is_xdist_controller(session.config):
        warm_rewrite_cache(session.config, Path(__file__).parent)


@pytest.hookimpl(tryfirst=True)  # before xdist's own (the first answer wins)
def pytest_xdist_make_scheduler(config, log):
    """With LANES: `--dist loadfile` with the browser files in two lanes beside the rest."""
    if LANES and config.getvalue("dist") == "loadfile":
        return LaneScheduling(config, log)
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:  # `-m "not browser"` (make test-fast) leaves out every real-browser test
        if is_browser_file(item.path):
            item.add_marker(pytest.mark.browser)
    if LANES:
        items[:] = schedule(items)
    else:  # `make test LANES=0`, or plain pytest: the browser tests last
        items.sort(key=lambda item: is_browser_file(item.path))  # stable: order kept otherwise


_yielded = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """With the lanes, a worker of the other tests yields the CPU to the browser lanes, once
    (tests/support/schedule.py, OTHER_TESTS_NICENESS)."""
    global _yielded
    if LANES and not _yielded and not is_browser_file(item.path):
        os.nice(OTHER_TESTS_NICENESS)
        _yielded = True
