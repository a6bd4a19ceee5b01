"""Lesson "Overview & mental model": its recipes and the flow diagram's state (demo) against the
embedded simulator, then the page under AppTest (one page run per scenario).

AppTest runs no JavaScript, so the browser layer stays empty here; the browser tests
(tests/e2e/test_lessons_browser.py) cover it in chromium.
"""

from __future__ import annotations

import time

import pandas as pd
from langchain_core.messages import AIMessage, AIMessageChunk

from components.views.overview import arrow_markdown, box_markdown
from streamlab.demos.overview import STAGES, FlowTracker, arrow_chain, invoke_as_stream, mental_model
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.overview import invoke_result, stream_chunks
from tests.support.apptest import FAST_PROFILE, SMALL_PROFILE, layer_tables, open_page, texts

PAGE = "lessons/01_overview.py"
TEXT = "Streams show text early."
ANSWER = "A short fixed answer for both lanes."


# --- recipes and the flow diagram's state --------------------------------------------------------


def test_invoke_gives_one_message_and_stream_gives_chunks_that_add_up_to_it(make_llm):
    llm = make_llm(sim={"text": TEXT})
    message = invoke_result(llm, "anything")
    chunks = list(stream_chunks(llm, "anything"))
    assert isinstance(message, AIMessage) and message.content == TEXT
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert "".join(c.text for c in chunks) == TEXT


def test_stream_streams_without_the_seeds_streaming_flag(make_llm):
    llm = make_llm(sim={"text": TEXT})
    assert llm.streaming is False  # never set: the seed's ChatOpenAI(streaming=True) is not needed
    assert sum(1 for c in stream_chunks(llm, "x") if c.content) == 6  # Streams/ show/ text/ early/ .


def test_stream_opens_and_closes_with_empty_chunks_so_chunks_exceed_tokens(make_llm):
    chunks = list(stream_chunks(make_llm(sim={"text": TEXT}), "x"))
    texts = [c.text for c in chunks]
    tokens = sum(c.usage_metadata["output_tokens"] for c in chunks if c.usage_metadata)
    assert texts[0] == "" and texts[-3:] == ["", "", ""]
    assert len(chunks) == tokens + 4 == 10


def test_tracker_frames_follow_a_stream_through_the_pipeline():
    tracker = FlowTracker("Explain RAG", "stream")
    sent = tracker.sent()
    assert sent.active == {"runnable"} and sent.done == {"input"} and sent.packet is None
    assert sent.details["input"] == "'Explain RAG'"
    tracker.arrived(AIMessageChunk(content=""))
    frame = tracker.arrived(AIMessageChunk(content="RAG"))
    assert frame.active == {"runnable", "stream", "ui"}
    assert frame.packet == "chunk #1: 'RAG'" and frame.details["ui"] == "3 chars shown"
    end = tracker.finished()
    assert end.active == frozenset() and end.done == {"input", "runnable", "stream", "ui"}
    assert end.details["stream"] == "2 chunks (1 with text)"
    assert len({sent.step, frame.step, end.step}) == 3


def test_tracker_for_invoke_skips_the_token_stream():
    tracker = FlowTracker("q", "invoke")
    assert tracker.sent().details["stream"] == "not used by invoke()"
    end = tracker.arrived(AIMessage(content="whole answer"))
    assert "stream" not in end.done and end.packet == "1 AIMessage, 12 chars"


def test_diagram_boxes_and_arrows_follow_the_frame_and_quote_model_text_as_code():
    tracker = FlowTracker("q", "stream")
    tracker.sent()
    frame = tracker.arrived(AIMessageChunk(content="<b>`x`</b>"))
    boxes = [box_markdown(frame, stage) for stage in STAGES]
    assert [state for state, _ in boxes] == ["done", "busy", "busy", "busy"]
    assert boxes[2][1] == "**Token Stream** `chunk #0: '<b>ˋxˋ</b>'`"  # inline code: never HTML
    assert arrow_markdown(frame, "runnable") == ":orange[**↓**]"
    assert arrow_markdown(frame, "ui") == ":orange[**↓** `chunk #0: '<b>ˋxˋ</b>'`]"
    end = tracker.finished()
    assert [box_markdown(end, s)[0] for s in STAGES] == ["done"] * 4
    assert arrow_markdown(end, "ui") == ":green[**↓**]"


def test_mental_model_line_shortens_long_streams():
    chain = arrow_chain(["", "a", "b", "c", "d", "e", "f", "g", "h", "", "", ""])
    assert chain.startswith("'' → 'a' → 'b'") and "… 2 more …" in chain and chain.endswith("'' → ''")
    lines = mental_model("Hi", ["", "Hi", ""]).splitlines()
    assert lines == ["invoke() → AIMessage(content='Hi')", "stream() → '' → 'Hi' → ''"]


def test_invoke_as_stream_calls_lazily_and_stops_the_clock_when_invoke_returns(make_llm):
    llm = make_llm(sim={"text": TEXT})
    recorder = StreamRecorder(label="invoke")
    stream = invoke_as_stream(recorder, lambda: invoke_result(llm, "x"))
    assert recorder.start_ns is None  # nothing sent until the page starts iterating
    (message,) = list(stream)
    time.sleep(0.05)  # UI work after the result must not count: this wait is the work
    summary = recorder.summary()
    assert message.content == TEXT and summary["chunks"] == 1
    assert summary["ttft_ms"] == summary["total_ms"]


# --- the page --------------------------------------------------------------------------------------


def test_when_run_then_both_modes_flows_mental_model_metrics_and_layers_show():
    at = open_page(PAGE)
    assert "streaming=True" in at.warning[0].value and "not needed" in at.warning[0].value  # seed fix
    at.text_input(key="ov_prompt").set_value("Explain RAG")
    at.button(key="ov_run").click().run()
    assert not at.exception
    page = texts(at)
    assert "return llm.invoke(prompt)" in page and "return llm.stream(prompt)" in page
    assert page.count("Retrieval-Augmented Generation") >= 2  # both answers are shown
    # The mental model line: invoke gives one AIMessage, stream starts with the empty role chunk.
    assert "invoke() → AIMessage(content=" in page
    assert "stream() → '' → " in page
    cards = [(m.label, m.value) for m in at.metric]
    chunks = [value for label, value in cards if label == "Chunks"]
    assert chunks[0] == "1" and int(chunks[1]) > 20  # invoke: one; stream: many
    # The notice counts the stream's chunks against its tokens: role + finish + usage + last.
    notice = next(i.value for i in at.info if "empty chunks" in i.value)
    counts = notice.split("gave ")[1].split(" tokens")[0].split(" chunks for ")
    assert int(counts[0]) == int(counts[1]) + 4 == int(chunks[1])
    # The flow diagram of each mode ends all green, except the stream box that invoke skips.
    done = [s.value for s in at.success]
    assert sum(v.startswith("**UI / Client**") for v in done) == 2
    assert sum(v.startswith("**Token Stream**") for v in done) == 1
    assert any("**Token Stream** `skipped: one AIMessage`" in c.value for c in at.markdown)
    charts = [chart.key for chart in at.get("plotly_chart")]  # arrival, then each lane's layers
    assert charts == ["ov_arrival", "ov_layers_0_chart", "ov_layers_1_chart"]
    assert "overview" in at.session_state["lessons_run"]
    # Each lane has its own layer table: invoke sends once, stream many times.
    assert [tab.label for tab in at.tabs] == ["llm.invoke()", "llm.stream()"]
    invoked, streamed = layer_tables(at)
    for table in (invoked, streamed):
        assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
        assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] > 100  # the LLM's text
        assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"]
        assert pd.isna(table.loc[BROWSER, "first token (ms)"])
    assert invoked.loc[SERVER, "updates"] == invoked.loc[LANGCHAIN, "updates"] == 1
    assert streamed.loc[SERVER, "updates"] == streamed.loc[LANGCHAIN, "updates"] > 20
    assert "needs a real browser tab" in page
    assert "On this page" in page


def test_when_run_then_stream_starts_after_invoke_ended_as_the_page_says():
    at = open_page(PAGE, profile=SMALL_PROFILE)
    assert "one after the other" in at.markdown[0].value  # the text matches what runs
    at.button(key="ov_run").click().run()
    lanes = at.session_state["_layered_run_ov"]["lanes"]
    invoked, streamed = lanes["llm.invoke()"], lanes["llm.stream()"]
    invoke_end_ns = invoked.start_epoch_ns + invoked.received["t_ms"].max() * 1e6
    assert invoke_end_ns <= streamed.start_epoch_ns  # sequential, not a race


def test_when_rerun_then_both_answers_diagrams_metrics_and_layers_are_redrawn():
    at = open_page(PAGE, profile={**FAST_PROFILE, "sim_text": ANSWER})
    at.button(key="ov_run").click().run()
    at.run()  # e.g. the browser's report, or any other widget
    assert not at.exception
    assert [m.value for m in at.markdown].count(ANSWER) == 2
    assert [m.label for m in at.metric] == ["TTFT", "Total", "Chunks"] * 2
    assert sum(s.value.startswith("**UI / Client**") for s in at.success) == 2
    assert "invoke() → AIMessage(content=" in texts(at)
    assert [t.loc[LANGCHAIN, "chars"] for t in layer_tables(at)] == [len(ANSWER)] * 2
    assert len(at.get("plotly_chart")) == 3


def test_when_prompt_empty_then_refused_and_nothing_runs():
    at = open_page(PAGE)
    at.text_input(key="ov_prompt").set_value("  ")
    at.button(key="ov_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value
    assert not at.metric and not layer_tables(at)
    assert "lessons_run" not in at.session_state  # not counted as run


def test_when_stream_drops_then_partial_text_is_kept_and_the_error_explained():
    profile = {**FAST_PROFILE, "sim_fault": "drop_after", "sim_drop_after": 5}
    at = open_page(PAGE, profile=profile)
    at.button(key="ov_run").click().run()
    assert not at.exception
    assert "connection broke" in at.error[0].value
    assert any("Incomplete" in c.value for c in at.caption)
