"""The overview lesson's claims, against the installed langchain-openai and the embedded server."""

from __future__ import annotations

import time

from langchain_core.messages import AIMessage, AIMessageChunk

from components.views.overview import arrow_markdown, box_markdown
from streamlab.demos.overview import STAGES, FlowTracker, arrow_chain, invoke_as_stream, mental_model
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.overview import invoke_result, stream_chunks

TEXT = "Streams show text early."


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
    time.sleep(0.05)  # UI work after the result must not count
    summary = recorder.summary()
    assert message.content == TEXT and summary["chunks"] == 1
    assert summary["ttft_ms"] == summary["total_ms"]
