"""The order and units `make test` hands pytest-xdist (tests/support/schedule.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.schedule import (
    ENABLED,
    LANES,
    OTHER_TESTS_NICENESS,
    LaneScheduling,
    browser_lanes,
    schedule,
)


@dataclass
class FakeItem:
    path: Path
    name: str


def items(files: dict[str, int]) -> list[FakeItem]:
    return [FakeItem(Path(f), f"{f}::t{i}") for f, n in files.items() for i in range(n)]


FILES = {
    "tests/lab/test_a.py": 3,
    "tests/e2e/test_lessons_browser.py": 4,
    "tests/sim/test_big.py": 9,
    "tests/e2e/test_agents_browser.py": 1,
    "tests/e2e/test_presets_browser.py": 2,
    "tests/client/test_small.py": 1,
    "tests/lessons/test_mid.py": 5,
    "tests/e2e/test_new_browser.py": 1,
    "tests/measure/test_tiny.py": 2,
}


def test_browser_files_split_into_two_lanes_of_about_equal_seconds():
    lanes = browser_lanes([Path(f) for f in FILES if "/e2e/" in f])
    assert set(lanes.values()) == set(LANES)
    by_lane = {lane: sorted(p.name for p, got in lanes.items() if got == lane) for lane in LANES}
    # 110 s alone in one lane; presets (24), the new file (8 s by default) and agents (32) in the other
    assert by_lane == {
        "browser-a": ["test_lessons_browser.py"],
        "browser-b": ["test_agents_browser.py", "test_new_browser.py", "test_presets_browser.py"],
    }


def test_schedule_puts_both_lanes_first_then_the_longest_files_but_two_small_ones_third():
    ordered = [item.name for item in schedule(items(FILES))]  # type: ignore[arg-type]
    files = list(dict.fromkeys(name.split("::")[0].split("/")[-1] for name in ordered))
    assert files[:3] == ["test_lessons_browser.py", "test_agents_browser.py", "test_presets_browser.py"]
    # lane b's files, then the two longest others, then the two smallest, then the rest
    assert files[4:] == ["test_big.py", "test_mid.py", "test_tiny.py", "test_small.py", "test_a.py"]
    assert sorted(ordered) == sorted(i.name for i in items(FILES))  # nothing lost or repeated
    assert [n for n in ordered if "test_big" in n] == [f"tests/sim/test_big.py::t{i}" for i in range(9)]


def test_lane_scheduling_makes_each_lane_one_unit_and_every_other_file_its_own():
    scheduler = LaneScheduling.__new__(LaneScheduling)  # only the scope split is under test
    scheduler.collection = [item.name for item in items(FILES)]
    scopes = {n: scheduler._split_scope(n) for n in scheduler.collection}
    assert (
        scopes["tests/e2e/test_presets_browser.py::t1"] == scopes["tests/e2e/test_agents_browser.py::t0"]
    )
    assert (
        scopes["tests/e2e/test_lessons_browser.py::t0"] != scopes["tests/e2e/test_agents_browser.py::t0"]
    )
    assert scopes["tests/sim/test_big.py::t3"] == "tests/sim/test_big.py"
    assert len(set(scopes.values())) == 2 + 5  # two lanes, five other files


@pytest.mark.skipif(not ENABLED, reason="only `make test` (STREAMLAB_LANES=1) yields the CPU")
def test_under_the_lanes_a_worker_of_the_other_tests_runs_at_a_lower_priority():
    assert os.getpriority(os.PRIO_PROCESS, 0) >= OTHER_TESTS_NICENESS > 0
