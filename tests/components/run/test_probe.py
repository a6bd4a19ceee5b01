"""The paint probe's Python side: what it sends to the browser, and how results are kept.

The JavaScript itself is exercised in a real browser: tests/e2e/test_llm_direct_browser.py.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components.run.probe import PROBE_JS, PaintProbe


def mount_page() -> None:
    import streamlit as st

    from components.run.probe import PaintProbe

    probe = PaintProbe("t")
    probe.mount(target_key="t_output", run_id="abc123")
    with st.container(key="t_output"):
        st.markdown("streamed text")
    probe.mark_end("abc123")


def test_mount_tells_the_browser_what_to_watch_and_which_marker_ends_the_run():
    at = AppTest.from_function(mount_page).run()
    assert not at.exception
    [probe] = at.get("bidi_component")
    data = json.loads(probe.proto.json)
    assert data["run_id"] == "abc123"
    assert data["targets"] == {"output": ".st-key-t_output"}  # one target: the default lane
    assert data["end"] == ".st-key-t_probe_end_abc123"
    assert "t_probe_abc123" in probe.proto.id


def test_probe_script_waits_for_the_end_marker_and_an_idle_app_before_reporting():
    # Reporting is a rerun; a rerun while the script still streams would cut the stream off.
    assert "document.querySelector(data.end)" in PROBE_JS
    assert '"data-test-script-state"' in PROBE_JS and "setTimeout(report, 30)" in PROBE_JS
    assert "data-stale" in PROBE_JS  # the previous run's text is not this run's paint
    assert PROBE_JS.count("setTriggerValue(") == 1


def receive_page() -> None:
    import streamlit as st

    from components.run.probe import PaintProbe

    probe = PaintProbe("t")
    for i in range(10):
        lanes = {"output": {"run_id": f"r{i}", "first_paint_ms": 1.0 + i}}
        st.session_state[f"t_probe_r{i}"] = {"paint": {"run_id": f"r{i}", "lanes": lanes}}
        probe._receiver(f"t_probe_r{i}")()
    st.session_state["t_probe_bad"] = {"paint": "not a report"}
    probe._receiver("t_probe_bad")()
    st.session_state["seen"] = {i: probe.result(f"r{i}") for i in range(10)}
    st.session_state["none"] = probe.result(None)


def test_results_are_kept_per_run_id_and_only_the_last_few():
    at = AppTest.from_function(receive_page).run()
    assert not at.exception
    seen = at.session_state["seen"]
    assert [i for i, r in seen.items() if r is None] == [0, 1]
    assert seen[9]["first_paint_ms"] == 10.0
    assert at.session_state["none"] is None


def replay_page() -> None:
    import streamlit as st

    from components.run.last_run import LastRun
    from components.run.live_output import LiveText

    last = LastRun("t_last")
    if st.session_state.get("first", True):
        st.session_state["first"] = False
        last.save(live=LiveText("partial answer", ConnectionError("cut")), n=1)
    last.replay_text(key="t_output")
    st.write(last.get()["n"])


def test_last_run_replays_text_and_error_on_a_later_rerun():
    at = AppTest.from_function(replay_page).run()
    at.run()
    assert not at.exception
    assert "partial answer" in [m.value for m in at.markdown]
    assert at.error and "Incomplete" in at.caption[0].value


@pytest.mark.parametrize("run_id", ["", "a b", "x'],body", "x" * 65])
def test_ids_that_would_break_a_css_selector_are_refused(run_id):
    with pytest.raises(ValueError, match="run_id"):
        PaintProbe("t").mount(target_key="t_output", run_id=run_id)


def lanes_page() -> None:
    import streamlit as st

    from components.run.probe import PaintProbe

    probe = PaintProbe("t")
    probe.mount(run_id="run2", targets={"stream": "t_left", "invoke": "t_right"})
    lanes = {
        "stream": {"run_id": "run1", "first_paint_ms": 5.0},
        "invoke": {"run_id": "run1", "first_paint_ms": 9.0},
    }
    st.session_state["t_probe_run1"] = {"paint": {"run_id": "run1", "lanes": lanes}}
    probe._receiver("t_probe_run1")()
    st.session_state["seen"] = (
        probe.result("run1", "stream"),
        probe.result("run1", "invoke"),
        probe.result("run1"),
        probe.results("other"),
    )


def test_one_probe_watches_several_lanes_and_reports_each_on_its_own_clock():
    at = AppTest.from_function(lanes_page).run()
    assert not at.exception
    [probe] = at.get("bidi_component")
    data = json.loads(probe.proto.json)
    assert data["targets"] == {"stream": ".st-key-t_left", "invoke": ".st-key-t_right"}
    stream, invoke, default, other = at.session_state["seen"]
    assert (stream["first_paint_ms"], invoke["first_paint_ms"]) == (5.0, 9.0)
    assert default is None and other == {}  # no "output" lane in this run; unknown run: nothing


def test_a_lane_key_that_would_break_a_css_selector_is_refused():
    with pytest.raises(ValueError, match="target_key"):
        PaintProbe("t").mount(run_id="ok", targets={"a": "t_ok", "b": "bad key"})
    with pytest.raises(ValueError, match="needs target_key or targets"):
        PaintProbe("t").mount(run_id="ok")
