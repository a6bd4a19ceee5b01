"""Lesson "Use cases": a Stop that really stops the server, agent steps, live word counts (recipe
and demo); the page's three tabs: the chat, the agent's status box, and the long-form article
measured in three layers.

AppTest runs no JavaScript, so "shown in browser" stays empty here; the browser test
(tests/e2e/test_lessons_browser.py) covers it in chromium.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time

import openai
import pandas as pd
import pytest
from langchain_core.messages import AIMessage, HumanMessage
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from streamlab.demos.use_cases import stop_probe
from streamlab.demos.use_cases.agent_steps import AgentTrace
from streamlab.demos.use_cases.chat_turn import ChatTurn, to_messages
from streamlab.demos.use_cases.stop_probe import measure_early_close, prove_stopped
from streamlab.demos.use_cases.word_meter import WordMeter
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.recipes import use_cases as uc
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page, texts

SLOW = {"ttft_ms": 0, "tokens_per_s": 40}  # ~3 s for a full answer: plenty left to stop
PAGE = "lessons/10_use_cases.py"
# Some latency, so a stopped reply really has something left to stop.
STREAMING = {**FAST_PROFILE, "sim_tokens_per_s": 100.0}
ARTICLE = "Streams carry long articles. " * 12  # forced by the simulator: a known text
AGENT_STEPS = [
    "Searching the notes for What is RAG?",
    "Found 1 note(s)",
    "Choosing a tool",
    "Calling lookup_term",
    "lookup_term returned",
    "Writing the answer",
    "Done",
]


@pytest.fixture
def stats_url(sim_base_url):
    return sim_base_url


def _turn(llm, **kwargs) -> ChatTurn:
    chat = uc.build_chat(llm)
    return ChatTurn(lambda: uc.stream_reply(chat, [], "Explain streaming"), **kwargs)


@pytest.fixture
def whole_answer(make_llm, server_stats):
    """How many chunks the simulator sends for a whole reply to `question` (streamed instantly)."""

    def chunks(question: str = "Explain streaming") -> int:
        before = server_stats()["chunks_sent"]
        list(uc.stream_reply(uc.build_chat(make_llm()), [], question))
        return server_stats()["chunks_sent"] - before

    return chunks


def _assert_server_stopped(server_stats, before: dict[str, int]) -> None:
    deadline = time.monotonic() + 3
    while server_stats()["streams_disconnected"] == before["streams_disconnected"]:
        assert time.monotonic() < deadline, "the server never saw the client go away"
        time.sleep(0.02)
    sent = server_stats()["chunks_sent"]
    time.sleep(0.3)  # at 40 tokens/s, a stream still running would send ~12 more chunks
    assert server_stats()["chunks_sent"] == sent


def test_closing_the_turn_early_makes_the_server_count_a_disconnect_and_stop(
    make_llm, server_stats, whole_answer
):
    whole = whole_answer()
    before = server_stats()
    turn = _turn(make_llm(sim=SLOW))
    for _ in zip(range(3), turn.pieces(), strict=False):
        pass
    turn.close()
    _assert_server_stopped(server_stats, before)
    # Not the whole answer. (Not "3 and one in flight" either: while a busy machine stalls the
    # reader, the server keeps writing into the socket's buffer at 40 chunks/s.)
    assert server_stats()["chunks_sent"] - before["chunks_sent"] < whole / 2, whole
    assert turn.status == "stopped" and turn.tokens == 3 and turn.text


def test_prove_stopped_reads_the_same_counters(make_llm, stats_url, whole_answer):
    whole = whole_answer()
    before = stop_probe.server_stats(stats_url)
    turn = _turn(make_llm(sim=SLOW))
    for _ in zip(range(3), turn.pieces(), strict=False):
        pass
    turn.close()
    proof = prove_stopped(stats_url, before)
    assert proof is not None and proof.stopped, proof
    assert proof.disconnected >= 1 and proof.chunks_after == 0
    assert proof.chunks_sent < whole / 2, whole  # role chunk, 3 pieces and what was in flight
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


def test_closing_a_parser_stream_drains_the_model_but_the_model_stream_stops(
    make_llm, stats_url, whole_answer
):
    whole = whole_answer("Explain RAG")
    # langchain-core 1.8.3: sync _transform_stream_with_config reads the input to the end on close.
    llm = make_llm(sim={"ttft_ms": 0, "tokens_per_s": 100})  # a whole answer takes ~0.8 s
    bare, parsed = (
        measure_early_close(label, lambda b=build: uc.stream_reply(b(llm), [], "Explain RAG"), stats_url)
        for label, build in uc.STOP_VARIANTS.items()
    )
    assert bare.disconnected and bare.chunks_sent < whole / 2, (bare, whole)
    assert not parsed.disconnected and parsed.chunks_sent == whole  # the whole answer was generated
    assert parsed.close_ms > 400  # close() waited for it
    assert bare.close_ms < parsed.close_ms / 2, (bare, parsed)  # the bare stream did not


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
    assert [step.label for step in trace.steps] == AGENT_STEPS
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


# --- the page: chat ---------------------------------------------------------------------------


def _send(at, message: str):
    at.chat_input(key="uc_chat_input").set_value(message).run()
    assert not at.exception, at.exception
    return at


def test_page_chat_history_grows_over_two_turns_and_clear_empties_it():
    at = _send(open_page(PAGE), "Explain RAG")
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    at = _send(at, "And what is TTFT?")
    assert [m.name for m in at.chat_message] == ["user", "assistant", "user", "assistant"]
    history = at.session_state["uc_history"]
    assert [m["role"] for m in history] == ["user", "assistant", "user", "assistant"]
    assert all(m["status"] == "complete" for m in history if m["role"] == "assistant")
    assert "Retrieval-Augmented Generation" in history[1]["content"]
    assert "time to first token" in history[3]["content"]
    assert at.chat_message[3].markdown[0].value == history[3]["content"]
    assert "use_cases" in at.session_state["lessons_run"]
    at.button(key="uc_clear").click().run()
    assert not at.exception and at.session_state["uc_history"] == [] and not at.chat_message


def test_page_stop_after_n_tokens_keeps_the_partial_reply_and_the_server_counts_the_disconnect():
    at = open_page(PAGE, profile=STREAMING)
    at.number_input(key="uc_stop_after").set_value(5).run()
    at = _send(at, "Explain streaming")
    reply = at.session_state["uc_history"][-1]
    assert reply["status"] == "stopped" and reply["tokens"] == 5 and reply["content"]
    assert reply["proof"]["disconnected"] >= 1 and reply["proof"]["chunks_after"] == 0
    caption = next(c.value for c in at.caption if "(stopped)" in c.value)
    assert "after 5 tokens" in caption and "counted the disconnect and sent nothing after it" in caption
    at = _send(at, "And now?")  # the stopped reply stays in the history, marked
    assert "(stopped)" in texts(at) and len(at.chat_message) == 4


def test_page_rerun_after_a_stop_click_waits_for_the_stopped_run_to_save_its_reply():
    # fastReruns: the new run starts while the stopped one is still saving in its `finally`.
    at = open_page(PAGE)
    turn = ChatTurn(lambda: iter(()))
    at.session_state["uc_history"] = [{"role": "user", "content": "Explain streaming"}]
    at.session_state["uc_active_turn"] = turn

    def stopped_run_finishes() -> None:
        time.sleep(0.3)  # the stopped run is still in its `finally` when the new run starts
        at.session_state["uc_history"].append(
            {"role": "assistant", "content": "Put simply,", "status": "stopped", "tokens": 3}
        )
        turn.saved.set()

    threading.Thread(target=stopped_run_finishes).start()
    at.run()
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert "(stopped) after 3 tokens" in texts(at)


def test_page_measuring_early_close_shows_the_parser_draining_the_model():
    at = open_page(PAGE, profile=STREAMING)
    at.button(key="uc_probe_run").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    saw = dict(zip(table["chain"], table["server saw a disconnect"], strict=True))
    assert saw["prompt | llm"] == "yes"
    assert saw["prompt | llm | StrOutputParser()"] == "no, it finished the answer"


# --- the page: agent steps ----------------------------------------------------------------------


def _agent_steps(at) -> list[str]:
    return [re.sub(r"^:material/\w+: ", "", m.value).split(":")[0] for m in at.status[0].markdown]


def test_page_agent_refuses_an_empty_question_then_walks_the_status_through_every_step():
    at = open_page(PAGE)
    at.text_input(key="uc_agent_question").set_value(" ")
    at.button(key="uc_agent_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value and not at.status

    at.text_input(key="uc_agent_question").set_value("What is RAG?")
    at.button(key="uc_agent_run").click().run()
    assert not at.exception
    assert [s.label for s in at.status] == ["Answered"]
    assert _agent_steps(at) == AGENT_STEPS
    assert 'tool_call_chunks so far: {"term": "What is RAG?"}' in texts(at)
    assert "I checked lookup_term. Retrieval-Augmented Generation" in texts(at)
    at.run()  # any other widget: the last run is drawn again
    assert not at.exception
    assert [s.label for s in at.status] == ["Answered"] and _agent_steps(at) == AGENT_STEPS
    assert 'tool_call_chunks so far: {"term": "What is RAG?"}' in texts(at)


# --- the page: long-form, in three layers ---------------------------------------------------------


def _run_article(**profile):
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    at.slider(key="uc_long_max_tokens").set_value(100)
    at.button(key="uc_long_run").click().run()
    assert not at.exception, at.exception
    return at


def test_page_article_counts_its_words_and_shows_server_and_langchain_layers():
    at = _run_article()
    metrics = {m.label: m.value for m in at.metric}
    words = int(metrics["Words"])
    article = next(m.value for m in at.markdown if "a practical guide**" in m.value)  # its title
    assert words == len(article.split()) > 40
    assert f"finish_reason = `length` · {words} words" in texts(at)
    (table,) = layer_tables(at)
    assert list(table.index) == [SERVER, LANGCHAIN, BROWSER]
    assert (
        table.loc[SERVER, "updates"] == table.loc[LANGCHAIN, "updates"] == int(metrics["Tokens"]) == 100
    )
    assert table.loc[SERVER, "chars"] == table.loc[LANGCHAIN, "chars"] > 300
    assert table.loc[SERVER, "first token (ms)"] <= table.loc[LANGCHAIN, "first token (ms)"]
    assert pd.isna(table.loc[BROWSER, "first token (ms)"])
    assert len(at.get("plotly_chart")) == 1
    assert "needs a real browser tab" in texts(at)
    assert "*last token* column" in texts(at)  # the article's note under the one explanation


def test_page_a_rerun_redraws_the_article_counters_metrics_and_layers_unchanged():
    at = _run_article(sim_text=ARTICLE)
    before = {m.label: m.value for m in at.metric}
    at.run()  # e.g. the browser's report
    assert not at.exception
    assert ARTICLE.strip() in [m.value for m in at.markdown]
    after = {m.label: m.value for m in at.metric}
    assert after == before  # the Elapsed card is the run's, not the time since
    assert after["Words"] == str(len(ARTICLE.split()))
    assert {"TTFT", "Chunks", "Elapsed"} <= set(after)
    (table,) = layer_tables(at)
    assert table.loc[LANGCHAIN, "chars"] == len(ARTICLE.strip()) + 1  # the trailing space
    assert f"finish_reason = `stop` · {len(ARTICLE.split())} words" in texts(at)


def test_page_article_on_other_providers_has_no_server_layer(sim_base_url):
    at = _run_article(provider_kind="compatible", compat_url=sim_base_url, compat_model="sim-detailed")
    (table,) = layer_tables(at)
    assert pd.isna(table.loc[SERVER, "first token (ms)"])
    assert table.loc[LANGCHAIN, "updates"] == 100
    assert "measured only by the embedded simulator" in texts(at)
