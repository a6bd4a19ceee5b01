"""The use-cases lesson: a Stop that really stops the server, agent steps, live word counts."""

from __future__ import annotations

import asyncio
import time

import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from streamlab.demos.use_cases import stop_probe
from streamlab.demos.use_cases.agent_steps import AgentTrace
from streamlab.demos.use_cases.chat_turn import ChatTurn, to_messages
from streamlab.demos.use_cases.stop_probe import measure_early_close, prove_stopped
from streamlab.demos.use_cases.word_meter import WordMeter
from streamlab.recipes import use_cases as uc

SLOW = {"ttft_ms": 0, "tokens_per_s": 40}  # ~3 s for a full answer: plenty left to stop


@pytest.fixture
def stats_url(sim_base_url):
    return sim_base_url


def _turn(llm, **kwargs) -> ChatTurn:
    chat = uc.build_chat(llm)
    return ChatTurn(lambda: uc.stream_reply(chat, [], "Explain streaming"), **kwargs)


def _assert_server_stopped(server_stats, before: dict[str, int]) -> None:
    deadline = time.monotonic() + 3
    while server_stats()["streams_disconnected"] == before["streams_disconnected"]:
        assert time.monotonic() < deadline, "the server never saw the client go away"
        time.sleep(0.02)
    sent = server_stats()["chunks_sent"]
    time.sleep(0.3)  # at 40 tokens/s, a stream still running would send ~12 more chunks
    assert server_stats()["chunks_sent"] == sent


def test_closing_the_turn_early_makes_the_server_count_a_disconnect_and_stop(make_llm, server_stats):
    before = server_stats()
    turn = _turn(make_llm(sim=SLOW))
    for _ in zip(range(3), turn.pieces(), strict=False):
        pass
    turn.close()
    _assert_server_stopped(server_stats, before)
    assert server_stats()["chunks_sent"] - before["chunks_sent"] < 10  # not the whole answer
    assert turn.status == "stopped" and turn.tokens == 3 and turn.text


def test_prove_stopped_reads_the_same_counters(make_llm, stats_url):
    before = stop_probe.server_stats(stats_url)
    turn = _turn(make_llm(sim=SLOW))
    for _ in zip(range(3), turn.pieces(), strict=False):
        pass
    turn.close()
    proof = prove_stopped(stats_url, before)
    assert proof is not None and proof.stopped, proof
    assert proof.disconnected >= 1 and proof.chunks_after == 0
    assert proof.chunks_sent < 10  # role chunk + 3 pieces (+ one in flight), not the whole answer
    assert stop_probe.server_stats("http://127.0.0.1:9/v1", timeout_s=0.2) is None  # nothing there


def test_streamlit_interrupt_mid_stream_closes_upstream_when_turn_is_closed_in_finally(
    make_llm, server_stats
):
    # What a Stop click does: Streamlit raises StopException at the consumer's next st.* call.
    before = server_stats()
    turn = _turn(make_llm(sim=SLOW))
    with pytest.raises(StopException):
        try:
            for i, _ in enumerate(turn.pieces()):
                if i == 4:
                    raise StopException()
        finally:
            turn.close()
    _assert_server_stopped(server_stats, before)
    assert turn.status == "stopped" and turn.tokens == 5  # the partial reply is kept
    assert turn.to_message()["content"] == turn.text


def test_stop_after_n_tokens_closes_the_stream_by_itself(make_llm, server_stats):
    before = server_stats()
    turn = _turn(make_llm(sim=SLOW), stop_after=4)
    pieces = list(turn.pieces())
    assert len(pieces) == 4 and turn.stopped_early and turn.status == "stopped"
    _assert_server_stopped(server_stats, before)


def test_turn_when_streamed_to_the_end_is_complete_and_closing_twice_is_harmless(make_llm):
    turn = _turn(make_llm(max_tokens=6))
    text = "".join(turn.pieces())
    turn.close()
    turn.close()
    assert turn.status == "complete" and text == turn.text and turn.tokens == 6
    assert turn.to_message() == {"role": "assistant", "content": text, "status": "complete", "tokens": 6}


def test_turn_when_the_server_drops_the_stream_then_error_keeps_partial_text(make_llm):
    turn = _turn(make_llm(sim={"fault": "drop_after:4"}))
    with pytest.raises(openai.APIConnectionError):  # the connection was cut mid-stream
        list(turn.pieces())
    assert turn.status == "error" and turn.text  # role chunk + 3 pieces arrived


def test_closing_a_parser_stream_drains_the_model_but_the_model_stream_stops(make_llm, stats_url):
    # langchain-core 1.8.3: sync _transform_stream_with_config reads the input to the end on close.
    llm = make_llm(sim={"ttft_ms": 0, "tokens_per_s": 100})  # a whole answer takes ~0.8 s
    bare, parsed = (
        measure_early_close(label, lambda b=build: uc.stream_reply(b(llm), [], "Explain RAG"), stats_url)
        for label, build in uc.STOP_VARIANTS.items()
    )
    assert bare.disconnected and bare.chunks_sent < 10 and bare.close_ms < 200
    assert not parsed.disconnected and parsed.chunks_sent > 30  # the whole answer was generated
    assert parsed.close_ms > 400  # close() waited for it


async def test_closing_an_async_parser_stream_does_stop_the_model(make_llm, stats_url):
    before = stop_probe.server_stats(stats_url)
    stream = uc.build_chat_with_parser(make_llm(sim=SLOW)).astream({"history": [], "question": "x"})
    for _ in range(3):
        await anext(stream)
    await stream.aclose()
    proof = await asyncio.to_thread(prove_stopped, stats_url, before)
    assert proof is not None and proof.stopped  # async: aclose() propagates to the model


def test_to_messages_keeps_stopped_replies_and_skips_empty_ones():
    history = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "Hel", "status": "stopped"},
        {"role": "assistant", "content": "", "status": "stopped"},
    ]
    assert to_messages(history) == [HumanMessage("hi"), AIMessage("Hel")]


def test_agent_events_drive_the_steps_in_order(make_llm):
    agent = uc.build_agent(make_llm())
    trace = AgentTrace()

    async def run() -> None:
        async for event in uc.agent_events(agent, "What is RAG?"):
            trace.apply(event)

    asyncio.run(run())
    assert [step.label for step in trace.steps] == [
        "Searching the notes for What is RAG?",
        "Found 1 note(s)",
        "Choosing a tool",
        "Calling lookup_term",
        "lookup_term returned",
        "Writing the answer",
        "Done",
    ]
    assert trace.tool_args == '{"term": "What is RAG?"}'  # summed from partial-JSON chunks
    assert trace.steps[4].detail == "Retrieval-Augmented Generation"
    assert "Retrieval-Augmented Generation" in trace.answer
    assert trace.done and trace.label == "Answered"


def test_lookup_term_and_notes_retriever():
    assert uc.lookup_term.invoke({"term": "what is TTFT?"}) == "time to first token"
    assert uc.lookup_term.invoke({"term": "LCEL"}) == "no glossary entry for 'LCEL'"
    found = uc.NotesRetriever(delay_s=0).invoke("RAG and TTFT")
    assert [doc.metadata["on"] for doc in found] == ["rag", "ttft"]


def test_word_meter_counts_the_final_text_of_a_long_answer(make_llm):
    meter = WordMeter()
    llm = make_llm(model="sim-detailed", max_tokens=400)
    for chunk in uc.stream_article(llm, "streaming runnables"):
        meter.add(chunk.text)
    assert meter.words == len(meter.text.split()) > 60
    assert meter.pieces > meter.words  # tokens are smaller than words


def test_stream_article_when_max_tokens_is_low_then_finish_reason_is_length(make_llm):
    chunks = list(uc.stream_article(make_llm(model="sim-detailed", max_tokens=15), "streaming"))
    reasons = [c.response_metadata.get("finish_reason") for c in chunks]
    assert "length" in reasons
    assert sum(bool(c.text) for c in chunks) == 15


def test_word_meter_when_word_split_across_pieces_then_counted_once():
    ticks = iter([0.0, 1.0, 2.0, 3.0])
    meter = WordMeter(clock=lambda: next(ticks))
    meter.start()
    assert meter.words_per_s is None
    for piece in ["Retr", "ieval is", ""]:  # the empty piece is ignored (no clock read)
        meter.add(piece)
    assert meter.words == 2 and meter.pieces == 2
    assert meter.words_per_s == 2.0  # 2 words between the first (t=1) and last (t=2) piece
