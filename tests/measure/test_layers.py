"""Three layers on one timeline: pure merging, and the real simulator's send trace."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from streamlab.measure.layers import (
    BROWSER,
    LANGCHAIN,
    LAYERS,
    SERVER,
    EpochAnchor,
    RunLayers,
    ServerTrace,
    summarize_layers,
    to_layers_frame,
    to_summary_table,
)
from streamlab.measure.recorder import StreamRecorder
from streamlab.sim.answers import LatencyProfile
from tests.support.timing import assert_waited

START_NS = 1_700_000_000_000_000_000  # request start, epoch ns
MS = 1_000_000


def received(*rows: tuple[float, str]) -> pd.DataFrame:
    return pd.DataFrame([{"t_ms": t, "text": text} for t, text in rows])


def test_epoch_anchor_maps_perf_counter_onto_the_epoch():
    anchor = EpochAnchor(epoch_ns=START_NS, perf_ns=5_000)
    assert anchor.to_epoch_ns(5_000) == START_NS
    assert anchor.to_epoch_ns(5_000 + 250 * MS) == START_NS + 250 * MS


def test_epoch_anchor_now_agrees_with_the_wall_clock():
    anchor = EpochAnchor.now()
    later = anchor.to_epoch_ns(time.perf_counter_ns())
    assert abs(later - time.time_ns()) < 5 * MS


def test_frame_puts_all_three_layers_on_the_request_start_origin():
    server = ServerTrace(sent_ns=(START_NS + 200 * MS, START_NS + 210 * MS), texts=("Hel", "lo"))
    langchain = received((0.5, ""), (201.0, "Hel"), (211.0, "lo"), (212.0, ""))
    start_ms = START_NS / MS
    paint = {"samples": [[start_ms + 5, 0], [start_ms + 230, 3], [start_ms + 245, 5]]}
    frame = to_layers_frame(langchain, START_NS, server=server, browser=paint)
    assert frame.to_dict("records") == [
        {"layer": SERVER, "t_ms": 200.0, "text": "Hel", "chars": 3, "cum_chars": 3},
        {"layer": SERVER, "t_ms": 210.0, "text": "lo", "chars": 2, "cum_chars": 5},
        {"layer": LANGCHAIN, "t_ms": 201.0, "text": "Hel", "chars": 3, "cum_chars": 3},
        {"layer": LANGCHAIN, "t_ms": 211.0, "text": "lo", "chars": 2, "cum_chars": 5},
        {"layer": BROWSER, "t_ms": 230.0, "text": "", "chars": 3, "cum_chars": 3},
        {"layer": BROWSER, "t_ms": 245.0, "text": "", "chars": 2, "cum_chars": 5},
    ]


def test_browser_report_without_samples_uses_first_and_last_paint():
    start_ms = START_NS / MS
    paint = {
        "first_paint_ms": start_ms + 240,
        "last_paint_ms": start_ms + 900,
        "chars": 42,
        "samples": [],
    }
    frame = to_layers_frame(received(), START_NS, browser=paint)
    assert frame["t_ms"].tolist() == [240.0, 900.0]
    assert frame["cum_chars"].tolist() == [42, 42]


def test_summary_lists_every_layer_in_order_and_marks_unmeasured_ones():
    frame = to_layers_frame(received((201.0, "Hi"), (260.0, " there")), START_NS)
    summary = summarize_layers(frame)
    assert [s["layer"] for s in summary] == list(LAYERS)
    server, langchain, browser = summary
    assert server == {"layer": SERVER, "first_ms": None, "last_ms": None, "updates": 0, "chars": 0}
    assert langchain == {
        "layer": LANGCHAIN,
        "first_ms": 201.0,
        "last_ms": 260.0,
        "updates": 2,
        "chars": 8,
    }
    assert browser["first_ms"] is None


def test_browser_last_token_is_when_the_whole_answer_showed_not_the_final_markdown_render():
    start_ms = START_NS / MS
    langchain = received((201.0, "**Hi** "), (230.0, "there"))  # 12 characters
    paint = {"samples": [[start_ms + 240, 7], [start_ms + 262, 12], [start_ms + 300, 8]]}
    browser = summarize_layers(to_layers_frame(langchain, START_NS, browser=paint))[2]
    assert (browser["first_ms"], browser["last_ms"], browser["chars"]) == (240.0, 262.0, 8)


def test_summary_table_says_how_far_each_layer_is_behind_the_one_above():
    server = ServerTrace(sent_ns=(START_NS + 200 * MS,), texts=("Hi",))
    start_ms = START_NS / MS
    frame = to_layers_frame(
        received((201.25, "Hi")), START_NS, server=server, browser={"samples": [[start_ms + 231.25, 2]]}
    )
    table = to_summary_table(summarize_layers(frame)).set_index("layer")
    behind = table["first token: + ms after layer above"]
    assert pd.isna(behind[SERVER])
    assert behind[LANGCHAIN] == pytest.approx(1.2, abs=0.06)
    assert behind[BROWSER] == 30.0
    assert table.loc[BROWSER, "first token (ms)"] == pytest.approx(231.25, abs=0.06)


# --- against the real simulator over HTTP ------------------------------------------------------

PROFILE = LatencyProfile(ttft_ms=120, tokens_per_s=200, jitter_ms=0, seed=3)


def test_run_layers_order_server_then_langchain(make_llm, sim_base_url):
    layers = RunLayers.start()
    llm = make_llm(profile=PROFILE, sim=layers.sim, max_tokens=10)
    recorder = StreamRecorder()
    list(recorder.wrap(lambda: llm.stream("Explain RAG")))
    frame = recorder.to_dataframe()
    layers.finish(frame, recorder.start_ns, sim_base_url)
    server, langchain, browser = layers.summary()
    assert server["updates"] == langchain["updates"] == 10
    assert server["chars"] == langchain["chars"] > 0
    # sent before received, and received within a few ms of being sent (same machine)
    assert server["first_ms"] <= langchain["first_ms"] <= server["first_ms"] + 30
    assert server["last_ms"] <= langchain["last_ms"] <= server["last_ms"] + 30
    assert_waited(langchain["first_ms"], PROFILE.ttft_ms)
    assert browser["first_ms"] is None
