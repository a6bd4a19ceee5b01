"""The order and grouping `make test` hands the tests to pytest-xdist's workers in.

`make test` runs `pytest -n 4 --dist loadfile --no-loadscope-reorder` with
STREAMLAB_LANES=1, and tests/conftest.py hands xdist `LaneScheduling` for it: a worker takes one
unit at a time, in the order `schedule` gives. Every non-browser file is a unit of its own (its
module fixtures start once), the longest (by measured seconds) first. The browser files form two
units, two lanes that start at once and run side by side for the whole session: a browser test keeps
about one core busy (chromium and a Streamlit server), the other tests mostly wait on the
simulator's clock, so two browser lanes beside two lanes of the rest keep both cores busy from the
first second to the last. (Before, the browser tests queued at the end for two browser slots while
the cores idled through the first half.) With both cores full from start to end, a timing check
must hold under load: a stream a test counts the paints of lasts long enough for a busy browser's
rare frames, and bounds are ratios or generous (tests/support/timing.py, bench/README.md).
`make test LANES=0` keeps the older plan: three workers, the browser tests last."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest
from xdist.scheduler import LoadFileScheduling

__all__ = [
    "BROWSER_SECONDS",
    "ENABLED",
    "LANES",
    "OTHER_TESTS_NICENESS",
    "LaneScheduling",
    "is_browser_file",
    "schedule",
]

ENABLED = os.environ.get("STREAMLAB_LANES") == "1"  # `make test` sets it
# With the lanes, both cores are full from start to end, and a browser test that watches a stream
# needs its chromium and Streamlit server to get the CPU while the stream lasts (else a whole
# answer is painted in one frame and the run must be repeated). A worker that runs the other tests
# therefore yields: its first non-browser test lowers its priority (and its subprocesses') by this
# much, once (tests/conftest.py). It never runs a browser test afterwards: the lanes are the first
# units handed out.
OTHER_TESTS_NICENESS = int(os.environ.get("STREAMLAB_OTHER_NICE", "5"))

LANES = ("browser-a", "browser-b")
# Seconds each browser file took run alone (bench/README.md), to balance the two lanes; a new
# file counts as NEW_FILE_S until it is measured.
BROWSER_SECONDS = {
    "test_lessons_browser.py": 110,  # 50 tokens/s since the fourth round (it was 78 s at 100)
    "test_agents_browser.py": 32,
    "test_presets_browser.py": 24,
    "test_long_buttons_browser.py": 13,
    "test_room_browser.py": 13,
    "test_presenter_browser.py": 11,
    "test_html_safety_browser.py": 9,
    "test_progress_browser.py": 8,
    "test_human_in_the_loop_browser.py": 7,
    "test_reasoning_browser.py": 6,
    "test_subagents_browser.py": 6,
    "test_deep_links_browser.py": 6,
    "test_secrets_browser.py": 6,
    "test_class_board_browser.py": 5,
    "test_navigation_browser.py": 4,
}
NEW_FILE_S = 8
# The other files that take longest (seconds under `make test`'s load, bench/README.md): they
# start first, so none is left running alone at the end. Any other file counts as
# SECONDS_PER_TEST a test.
OTHER_SECONDS = {
    "lessons/test_fastapi.py": 64,
    "run/test_predict.py": 37,
    "take_home/test_scripts.py": 35,
    "lessons/test_latency_lab.py": 24,
    "sim/test_server_lifecycle.py": 18,
    "lessons/test_reasoning.py": 16,
    "lessons/test_use_cases.py": 16,
    "tests/test_seed_cells.py": 13,
    "lessons/test_can_cannot_stream.py": 13,
    "deploy/test_replicas.py": 12,
    "lessons/test_streaming_vs_not.py": 12,
    "lessons/test_sequence.py": 11,
    "lessons/test_agent_events.py": 11,
    "lessons/test_seed_to_agents.py": 11,
    "lessons/test_parallel.py": 10,
    "tools/test_streamlit_client.py": 9,
    "measure/test_load.py": 8,
    "run/test_tables.py": 6,
    "sim/test_clients.py": 6,
}
SECONDS_PER_TEST = 0.3


def is_browser_file(path: Path) -> bool:
    return "e2e" in path.parts


def schedule(items: list[pytest.Item]) -> list[pytest.Item]:
    """Group and order `items` (see the module's docstring); order within a file is kept."""
    files: dict[Path, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.path, []).append(item)
    lanes = browser_lanes([path for path in files if is_browser_file(path)])
    others = sorted((p for p in files if not is_browser_file(p)), key=lambda p: -_seconds(p, files[p]))
    # The first four units go to the four workers, the next four are each one's second: the two
    # browser lanes' second units are the two smallest files, so no long file waits for a lane.
    head, tail = others[:2], others[2:]
    order = [p for lane in LANES for p in files if lanes.get(p) == lane] + head + tail[-2:] + tail[:-2]
    return [item for path in order for item in files[path]]


def _seconds(path: Path, tests: list[pytest.Item]) -> float:
    return OTHER_SECONDS.get("/".join(path.parts[-2:]), SECONDS_PER_TEST * len(tests))


def browser_lanes(paths: list[Path]) -> dict[Path, str]:
    """Longest file first into the lane with less work so far (the two lanes end together)."""
    work = dict.fromkeys(LANES, 0)
    lanes: dict[Path, str] = {}
    for path in sorted(paths, key=lambda p: -BROWSER_SECONDS.get(p.name, NEW_FILE_S)):
        lane = min(LANES, key=lambda name: work[name])
        lanes[path] = lane
        work[lane] += BROWSER_SECONDS.get(path.name, NEW_FILE_S)
    return lanes


class LaneScheduling(LoadFileScheduling):
    """xdist's `--dist loadfile`, but the browser files are two units: the lanes of
    `browser_lanes` (pytest 9 ignores the nodeid suffix `--dist loadgroup` would need)."""

    _lanes: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        file = nodeid.split("::", 1)[0]
        if self._lanes is None:
            files = {PurePosixPath(n.split("::", 1)[0]) for n in self.collection or [nodeid]}
            lanes = browser_lanes([Path(f) for f in files if "e2e" in f.parts])
            self._lanes = {str(PurePosixPath(path)): lane for path, lane in lanes.items()}
        return self._lanes.get(file, file)
