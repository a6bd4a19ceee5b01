from __future__ import annotations

import re
import threading
import time

from streamlab.demos.use_cases.chat_turn import ChatTurn
from tests.support.apptest import open_page, texts

PAGE = "lessons/10_use_cases.py"
# Some latency, so a stopped reply really has something left to stop.
STREAMING = {"sim_ttft_ms": 0.0, "sim_tokens_per_s": 100.0, "sim_jitter_ms": 0.0, "sim_seed": 1}


def _send(at, message: str):
    at.chat_input(key="uc_chat_input").set_value(message).run()
    assert not at.exception, at.exception
    return at


def test_chat_history_grows_over_two_turns():
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


def test_stop_after_n_tokens_keeps_the_partial_reply_and_the_server_counts_the_disconnect():
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


def test_clear_button_empties_the_history():
    at = _send(open_page(PAGE), "Hi")
    at.button(key="uc_clear").click().run()
    assert not at.exception and at.session_state["uc_history"] == [] and not at.chat_message


def test_measuring_early_close_shows_the_parser_draining_the_model():
    at = open_page(PAGE, profile=STREAMING)
    at.button(key="uc_probe_run").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    saw = dict(zip(table["chain"], table["server saw a disconnect"], strict=True))
    assert saw["prompt | llm"] == "✅ yes"
    assert saw["prompt | llm | StrOutputParser()"].startswith("❌")


def test_agent_run_walks_the_status_through_every_step():
    at = open_page(PAGE)
    at.button(key="uc_agent_run").click().run()
    assert not at.exception
    assert [s.label for s in at.status] == ["Answered"]
    steps = [m.value for m in at.status[0].markdown]
    assert [re.sub(r"^\W+", "", s).split(":")[0] for s in steps] == [
        "Searching the notes for What is RAG?", "Found 1 note(s)", "Choosing a tool",
        "Calling lookup_term", "lookup_term returned", "Writing the answer", "Done",
    ]  # fmt: skip
    assert 'tool_call_chunks so far: {"term": "What is RAG?"}' in texts(at)
    assert "The tool returned Retrieval-Augmented Generation" in texts(at)


def test_long_form_word_count_equals_the_final_texts_word_count():
    at = open_page(PAGE)
    at.slider(key="uc_long_max_tokens").set_value(100)
    at.button(key="uc_long_run").click().run()
    assert not at.exception
    words = int({m.label: m.value for m in at.metric}["Words"])
    article = max((m.value for m in at.markdown), key=len)
    assert words == len(article.split()) > 40
    assert f"finish_reason = `length` · {words} words" in texts(at)
    assert len(at.get("plotly_chart")) == 1


def test_empty_agent_question_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="uc_agent_question").set_value(" ")
    at.button(key="uc_agent_run").click().run()
    assert not at.exception
    assert "it is empty" in at.error[0].value


def test_rerun_after_a_stop_click_waits_for_the_stopped_run_to_save_its_reply():
    # fastReruns: the new run starts while the stopped one is still saving in its `finally`.
    at = open_page(PAGE)
    turn = ChatTurn(lambda: iter(()))
    at.session_state["uc_history"] = [{"role": "user", "content": "Explain streaming"}]
    at.session_state["uc_active_turn"] = turn

    def stopped_run_finishes() -> None:
        time.sleep(0.3)
        at.session_state["uc_history"].append(
            {"role": "assistant", "content": "Put simply,", "status": "stopped", "tokens": 3}
        )
        turn.saved.set()

    threading.Thread(target=stopped_run_finishes).start()
    at.run()
    assert not at.exception
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert "(stopped) after 3 tokens" in texts(at)
