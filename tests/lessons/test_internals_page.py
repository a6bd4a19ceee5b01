from __future__ import annotations

from tests.support.apptest import open_page, texts

PAGE = "lessons/03_internals.py"


def _run(max_tokens: int = 12):
    at = open_page(PAGE)
    at.slider(key="int_max_tokens").set_value(max_tokens)
    at.button(key="int_run").click().run()
    assert not at.exception
    return at


def _table(at, column: str):
    """The first table on the page that has `column` (AppTest does not expose dataframe keys)."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_chunk_table_shows_role_content_finish_usage_and_last_chunks():
    at = _run(12)
    chunks = _table(at, "chunk_position")
    assert list(chunks["kind"]) == ["role", *["content"] * 12, "finish", "usage", "last"]
    assert chunks.iloc[0]["content"] == "''"
    assert '"finish_reason": "length"' in chunks.iloc[13]["response_metadata"]  # cut by max_tokens
    assert '"output_tokens": 12' in chunks.iloc[14]["usage_metadata"]
    assert chunks.iloc[-1]["chunk_position"] == "last"
    assert chunks.iloc[-1]["running sum output_tokens"] == 12
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Chunks"], metrics["Content chunks"], metrics["Output tokens"]) == ("16", "12", "12")
    assert "internals" in at.session_state["lessons_run"]


def test_raw_sse_lines_end_with_done_and_match_the_content_chunks():
    at = _run(7)
    sse, chunks = _table(at, "line"), _table(at, "chunk_position")
    assert list(sse["line"])[-1] == "data: [DONE]"
    assert (sse["kind"] == "content").sum() == (chunks["kind"] == "content").sum() == 7
    assert '"role":"assistant"' in sse.iloc[0]["line"]
    page = texts(at)
    assert "lc_run--" in page and "chatcmpl-" in page  # chunk id vs provider id


def test_merging_chunks_works_and_mixing_message_and_chunk_does_not():
    at = _run(5)
    assert "`AIMessageChunk + AIMessageChunk` → **AIMessageChunk**" in at.success[0].value
    assert "output_tokens': 5" in at.success[0].value  # content chunk + usage chunk
    outcomes = " ".join(w.value for w in at.warning)
    assert "`AIMessage + AIMessageChunk` → **ChatPromptTemplate**" in outcomes
    assert "`AIMessageChunk + AIMessage` → **TypeError**" in at.error[0].value
    assert "return left + right" in texts(at)


def test_results_survive_a_rerun():
    at = _run(3)
    at.run()
    assert len(_table(at, "chunk_position")) == 3 + 4


def test_empty_question_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="int_question").set_value(" ")
    at.button(key="int_run").click().run()
    assert not at.exception
    assert "question" in at.error[0].value


def test_forced_html_answer_is_shown_as_text_in_the_tables():
    at = open_page(
        PAGE,
        profile={
            "sim_ttft_ms": 0.0,
            "sim_tokens_per_s": 0.0,
            "sim_jitter_ms": 0.0,
            "sim_seed": 1,
            "sim_text": "<b>bold</b>",
        },
    )
    at.button(key="int_run").click().run()
    assert not at.exception
    sse = _table(at, "line")
    assert "".join(_table(at, "chunk_position")["content"]).count("<") == 2  # repr'd, plain cells
    assert any('"content":"<' in line for line in sse["line"])
