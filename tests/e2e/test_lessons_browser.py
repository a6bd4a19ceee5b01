"""Every lesson in a real browser: reached through the sidebar, Run pressed, the output watched.

Streamed text must grow in the DOM in several steps; invoked (non-streamed) text must appear in
one or two (a placeholder, then the answer); parallel branches both grow; charts draw their
traces; no page shows a Streamlit exception. Text lengths are sampled in the page on every DOM
paint (tools/browser.py WATCH_JS). Three tests also take the README screenshots (into a
temporary folder here; `python -m tools.screenshots` writes docs/screenshots/).

Each lesson's page is tested here once, by one run: the same run is then read in three layers
(sent by server → received by LangChain → shown in browser). The browser's row arrives with the
paint probe's report, a rerun that must keep the lesson's results on the page.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.support.accessibility import assert_accessible
from tests.support.browser import (
    BROWSER,
    LANGCHAIN,
    LAYER_ROWS_JS,
    REPORTS_JS,
    RUN_TIMEOUT_MS,
    SERVER,
    assert_appears_at_once,
    assert_grows,
    assert_layers_in_order,
    assert_no_exception,
    click_run,
    go_to_lesson,
    growth,
    layers_with_browser_row,
    plotly_data,
    plotly_traces,
    press_slider,
    rerun_after,
    run_button,
    run_until_layers,
    run_watching,
    samples,
    set_number,
    shown_chars,
    stalled,
    start_app,
    start_run,
    texts,
    tokens_per_s,
    wait_idle,
    wait_run,
    warn_rerun,
    watch,
    watch_texts,
)
from tests.support.timing import BROWSER_LATE_MS, assert_waited
from tools import screenshots

pytestmark = pytest.mark.browser

# Moderate simulator latency: slow enough to see the text grow, fast enough for a quick suite.
# 50 tokens/s: a ~70-token answer lasts ~1.4 s, long enough to be painted in steps even when a busy
# 2-core machine gives the browser a frame only every few hundred ms (at 100, streams were often
# painted in one or two frames and repeated).
PROFILE = {"ttft": "100", "tps": "50", "jitter": "0", "seed": "1"}

# (title in the sidebar, url path) in the navigation's order; the first lesson is the home page.


@pytest.fixture(scope="module")
def app_page(browser, app_url):
    """One learner's browser app_page for the whole module, like a learner going through the lessons.

    Loading the app costs seconds on a 2-core machine, so the tests share the app_page (and its
    Streamlit session, with the PROFILE latency); each test reaches its lesson through the
    sidebar. The viewport is tall enough for the README screenshots (the main area scrolls).
    """
    context = browser.new_context(viewport=screenshots.VIEWPORT)
    page = context.new_page()
    start_app(page, app_url, **PROFILE)
    yield page
    context.close()


def open_from_sidebar(page, title: str) -> None:
    go_to_lesson(page, title)
    assert_no_exception(page)


def layer_tables(page, prefix: str, lanes: int) -> list[dict[str, dict[str, float | None]]]:
    """The three-layer table of each lane (`<prefix>_0` …) of the run that just ended."""
    return [layers_with_browser_row(page, f"{prefix}_{i}") for i in range(lanes)]


def painted_live(page, button_key: str, prefix: str, lanes: int, streaming: int) -> list[dict]:
    """`layer_tables`, from a run whose streaming lane was on screen before LangChain had all of
    it: if a stalled browser painted it only afterwards, the run is done once more (the lesson's
    orders need a live paint; a page that does not stream fails both times)."""
    tables = layer_tables(page, prefix, lanes)
    if tables[streaming][BROWSER]["first"] >= tables[streaming][LANGCHAIN]["last"]:
        warn_rerun(button_key, [f"{prefix}_{streaming}"])
        tables = run_until_layers(page, button_key, [f"{prefix}_{i}" for i in range(lanes)])
    return tables


def assert_invoke_vs_stream(invoked: dict, streamed: dict) -> None:
    """Invoke: one update in every layer, at the end; the stream is on screen while it streams.

    No absolute bounds on the browser's lag: on a busy 2-core machine it ranged from tens of ms
    to over a second (the lesson's point holds either way: these orders).
    """
    for layer in invoked.values():
        assert layer["updates"] == 1 and layer["first"] == layer["last"], invoked
    assert streamed[SERVER]["updates"] > 20, streamed
    assert streamed[BROWSER]["updates"] >= 3, streamed  # painted piece by piece
    assert streamed[BROWSER]["first"] < streamed[LANGCHAIN]["last"], streamed
    assert streamed[BROWSER]["first"] < invoked[BROWSER]["first"], invoked


def assert_one_lane_in_order(table: dict, shown: int) -> None:
    """The shared order checks, plus: the server and LangChain saw the same pieces."""
    assert_layers_in_order(table, shown)
    assert table[SERVER]["updates"] == table[LANGCHAIN]["updates"], table
    assert table[SERVER]["chars"] == table[LANGCHAIN]["chars"], table


def painted_late(lanes: dict, names: list[str], *, within_ms: float | None = None) -> list[str]:
    """Streaming lanes whose browser showed nothing before their server's last chunk (or, with
    `within_ms`, not within that long after the server's first chunk)."""
    late = []
    for name in names:
        sent, shown = lanes[name][SERVER], lanes[name][BROWSER]["first"]
        if shown >= sent["last"] if within_ms is None else shown - sent["first"] >= within_ms:
            late.append(name)
    return late


def text_of(page, key: str) -> str:
    return page.locator(f".st-key-{key}").inner_text().strip()


def assert_png(path, *, min_height: int = 200) -> None:
    assert path.stat().st_size < screenshots.MAX_BYTES, path.stat().st_size
    width, height = Image.open(path).size
    assert width >= 800 and height >= min_height, (width, height)


def test_overview_invoke_appears_at_once_while_stream_grows(app_page):
    open_from_sidebar(app_page, "Overview & mental model")
    lanes = {"invoke": ".st-key-ov_text_invoke", "stream": ".st-key-ov_text_stream"}
    seen = run_watching(app_page, "ov_run", lanes, grows=["stream"])
    assert_appears_at_once(seen["invoke"], what="invoke() lane")
    assert_grows(seen["stream"], what="stream() lane")
    invoked, streamed = painted_live(app_page, "ov_run", "ov_layers", 2, streaming=1)
    assert_layers_in_order(invoked, shown_chars(app_page, "ov_text_invoke"))
    assert_layers_in_order(streamed, shown_chars(app_page, "ov_text_stream"))
    assert_invoke_vs_stream(invoked, streamed)
    # After the report's rerun: both answers (the same text), both diagrams, six metric cards.
    assert text_of(app_page, "ov_text_invoke") == text_of(app_page, "ov_text_stream")
    assert app_page.locator('[data-testid="stMetric"]').count() == 6
    assert app_page.get_by_text("The mental model, filled in by this run").count() == 1
    assert_no_exception(app_page)
    assert_accessible(app_page, "overview")


def test_why_streaming_race_streamed_lane_grows_invoked_lane_jumps(app_page):
    open_from_sidebar(app_page, "Why streaming matters")
    lanes = {"invoke": ".st-key-why_text_invoke", "stream": ".st-key-why_text_stream"}
    seen = run_watching(app_page, "why_run", lanes, grows=["stream"])
    assert_appears_at_once(seen["invoke"], what="llm.invoke() lane")
    assert_grows(seen["stream"], what="llm.stream() lane")
    # Both lanes in three layers, twice in a row: the second run must not count the first run's
    # (stale) text as painted.
    for again in (False, True):
        if again:
            reports = app_page.evaluate(REPORTS_JS)
            run_until_layers(app_page, "why_run", ["why_layers_0", "why_layers_1"])
            assert app_page.evaluate(REPORTS_JS) == reports + 1  # one report (one rerun) per run
        streamed, invoked = painted_live(app_page, "why_run", "why_layers", 2, streaming=0)
        assert_layers_in_order(streamed, shown_chars(app_page, "why_text_stream"))
        assert_layers_in_order(invoked, shown_chars(app_page, "why_text_invoke"))
        assert_invoke_vs_stream(invoked, streamed)
        expect(app_page.get_by_test_id("stAlertContentSuccess").first).to_contain_text("sooner")
        assert app_page.get_by_text("User sees text at").count() == 2
    plotly_traces(app_page, ".st-key-why_arrival")
    assert_no_exception(app_page)
    assert_accessible(app_page, "why_streaming")


def test_internals_chunks_grow_and_tables_fill(app_page):
    open_from_sidebar(app_page, "How streaming works internally")
    press_slider(app_page, "int_max_tokens", "End", value="60")  # 60 tokens: enough to watch
    with tokens_per_s(app_page, 40, was=int(PROFILE["tps"])):  # 60 tokens: 1.5 s
        seen = run_watching(app_page, "int_run", {"text": ".st-key-int_output"}, grows=["text"])
    assert_grows(seen["text"], what="streamed chunks")
    table = layers_with_browser_row(app_page, "int_layers")
    assert_one_lane_in_order(table, shown_chars(app_page, "int_output"))
    assert table[SERVER]["updates"] == 60  # max_tokens: one SSE line per token
    (wire_row,) = app_page.evaluate(LAYER_ROWS_JS, "int_wire")  # layer, first, last, updates, chars
    assert wire_row[0] == "on the wire (SSE tap)", wire_row
    wire = [float(cell.replace(",", "")) for cell in wire_row[1:5]]  # first, last, updates, chars
    sent = table[SERVER]
    assert wire[2:4] == [sent["updates"], sent["chars"]], (wire, table)  # the same pieces
    assert sent["first"] <= wire[0] <= table[LANGCHAIN]["first"], (wire, table)
    # The report's rerun kept the answer, the chunk tables and the arrival chart.
    assert text_of(app_page, "int_output")
    app_page.get_by_test_id("stDataFrame").nth(1).wait_for()  # the chunks, the SSE lines
    assert app_page.locator('[data-testid="stTable"]').count() >= 3  # layers, wire row, kinds
    assert plotly_traces(app_page, ".st-key-int_arrival")["lines"] >= 2  # chunks and SSE lines
    assert_no_exception(app_page)
    assert_accessible(app_page, "internals")


def test_llm_direct_streams_with_the_toggle_on_and_not_with_it_off(app_page):
    open_from_sidebar(app_page, "Streaming an LLM directly")
    output = {"text": ".st-key-direct_output"}
    streamed = run_watching(app_page, "direct_run", output, grows={"text": 8})
    assert_grows(streamed["text"], at_least=8, what="llm.stream() output")
    # Three layers, twice in a row: the second run must not count the first's (stale) text.
    for again in (False, True):
        reports = app_page.evaluate(REPORTS_JS)
        if again:
            (table,) = run_until_layers(app_page, "direct_run", ["direct_layers"])
        else:
            table = layers_with_browser_row(app_page, "direct_layers")
        sent, received, shown = table[SERVER], table[LANGCHAIN], table[BROWSER]
        assert_layers_in_order(table, shown_chars(app_page, "direct_output"))
        assert sent["chars"] == received["chars"], table
        assert_waited(sent["first"], 100, early_ms=0, late_ms=BROWSER_LATE_MS)  # TTFT + request setup
        # Same machine, one socket: a few ms when quiet (bench/README), under 150 on a loaded CI box.
        assert received["first"] - sent["first"] <= 150, table
        assert shown["first"] - received["first"] <= 600, table  # quiet: ~20-50 ms (bench/README)
        assert shown["last"] - received["last"] <= 1000, table
        assert app_page.locator('[data-testid="stMetric"]').count() == 4
    # The report is one rerun: no further report follows it.
    app_page.wait_for_timeout(1000)  # nothing to wait for: proving that no further report arrives
    assert app_page.evaluate(REPORTS_JS) == reports + 1
    streamed_text = text_of(app_page, "direct_output")
    assert streamed_text
    rerun_after(app_page, app_page.locator(".st-key-direct_stream label").click)  # toggle off: invoke()
    watch(app_page, output)
    click_run(app_page, "direct_run")
    invoked = samples(app_page)["text"]
    assert_appears_at_once(invoked, what="llm.invoke() output")
    assert text_of(app_page, "direct_output") == streamed_text  # the same answer, not streamed
    assert_no_exception(app_page)
    assert_accessible(app_page, "llm_direct")


def test_sequence_streams_until_a_plain_function_blocks_it(app_page):
    open_from_sidebar(app_page, "RunnableSequence")
    # Variant outputs by position in recipes.VARIANTS: 0 seed chain, 1 "+ plain function",
    # 3 "+ RunnableGenerator" (all three are in the default selection).
    outputs = {
        "seed": ".st-key-seq_out_0",
        "plain": ".st-key-seq_out_1",
        "generator": ".st-key-seq_out_3",
    }
    seen = run_watching(
        app_page,
        "seq_run",
        outputs,
        grows=["seed", "generator"],
        done=app_page.locator(".st-key-seq_timeline_chart"),
    )
    assert_grows(seen["seed"], what="seed chain")
    assert_grows(seen["generator"], what="+ RunnableGenerator")
    assert_appears_at_once(seen["plain"], what="+ plain function")
    chart = plotly_traces(app_page, ".st-key-seq_timeline_chart")
    assert chart["bars"] >= 4 and chart["markers"] >= 5, chart  # one bar per step, stream ticks
    # Each variant's lane in three layers. Default variants, in recipes.VARIANTS order: 0 seed
    # chain, 1 + plain function, 2 + RunnableLambda(generator), 3 + RunnableGenerator,
    # 6 + plain function + StrOutputParser().
    keys = [f"seq_layers_{i}" for i in range(5)]
    streaming = ["seq_layers_0", "seq_layers_3"]
    lanes = dict(zip(keys, layer_tables(app_page, "seq_layers", 5), strict=True))
    if late := painted_late(lanes, streaming):  # a stalled browser painted everything at the end
        warn_rerun("seq_run", late)
        lanes = dict(zip(keys, run_until_layers(app_page, "seq_run", keys), strict=True))
    outputs = dict(zip(keys, (0, 1, 2, 3, 6), strict=True))
    shown = {key: shown_chars(app_page, f"seq_out_{out}") for key, out in outputs.items()}
    assert all(n > 100 for n in shown.values()), shown  # the report's rerun kept every answer
    for key, table in lanes.items():
        assert_layers_in_order(table, shown[key])
    # Streaming variants: the browser shows text while the server still sends; after a plain
    # function (or a generator inside RunnableLambda) only after the server's last chunk.
    assert not painted_late(lanes, streaming), lanes
    for blocking in ("seq_layers_1", "seq_layers_2", "seq_layers_4"):
        times = lanes[blocking]
        assert times[BROWSER]["first"] >= times[SERVER]["last"], (blocking, times)
    assert app_page.locator('.st-key-seq_table [data-testid="stTable"]').count() == 1
    assert app_page.locator('[data-testid="stMetric"]').count() == 5 * 4
    assert_no_exception(app_page)
    assert_accessible(app_page, "sequence")


def test_parallel_branches_both_grow_side_by_side(app_page, tmp_path):
    open_from_sidebar(app_page, "RunnableParallel")
    # No baseline (the same branches one after the other): it only makes the test slower.
    rerun_after(app_page, app_page.locator(".st-key-par_sequential label").click)
    branches = {"short": ".st-key-par_text_short", "detailed": ".st-key-par_text_detailed"}
    watch(app_page, branches)
    start_run(app_page, run_button(app_page, "par_run").click)
    shot = screenshots.shoot_parallel(app_page, tmp_path)  # mid-stream, as in the README
    wait_run(app_page, done=app_page.locator(".st-key-par_arrival"))
    seen = samples(app_page)
    if flat := stalled(seen, list(branches)):  # see run_watching
        warn_rerun("par_run", flat)
        seen = run_watching(app_page, "par_run", branches, grows=list(branches))
    assert_grows(seen["short"], what="short branch")
    assert_grows(seen["detailed"], what="detailed branch")
    # Concurrent: `detailed` showed text before `short` had finished (its placeholder aside).
    detailed_first = next(t for t, n in growth(seen["detailed"]) if n != len("(nothing yet)"))
    short_done, _ = growth(seen["short"])[-1]
    assert detailed_first < short_done, seen
    checks = app_page.get_by_test_id("stMarkdownContainer")
    for claim in ("Every chunk is a one-key dict", "Chunks from both branches interleave"):
        assert "Holds:" in checks.filter(has_text=claim).first.inner_text(), claim
    # Both branch lanes in three layers. Concurrent: `detailed` starts only its own longer TTFT
    # later (4 × 100 ms), not after `short`'s whole answer; the browser paints it right after.
    short, detailed = layer_tables(app_page, "par_layers", 2)
    assert_layers_in_order(short, shown_chars(app_page, "par_text_short"))
    assert_layers_in_order(detailed, shown_chars(app_page, "par_text_detailed"))
    assert detailed[SERVER]["first"] < short[SERVER]["first"] + 3 * 100 + 250, (short, detailed)
    lanes = {"detailed": detailed}
    if painted_late(lanes, ["detailed"], within_ms=300):  # a stalled browser; see the sequence test
        warn_rerun("par_run", ["detailed"])
        _, detailed = run_until_layers(app_page, "par_run", ["par_layers_0", "par_layers_1"])
        assert not painted_late({"detailed": detailed}, ["detailed"], within_ms=300), detailed
    assert_png(shot)
    assert_no_exception(app_page)
    assert_accessible(app_page, "parallel")


def test_astream_events_counts_live_and_draws_the_timeline(app_page, tmp_path):
    open_from_sidebar(app_page, "astream_events")
    watch_texts(app_page, {"status": ".st-key-ev_status"})
    click_run(app_page, "ev_run", done=app_page.locator(".st-key-ev_timeline"))
    counts = [
        int(m.group(1))
        for text in texts(app_page)["status"]
        if (m := re.search(r"(\d+) events so far", text))
    ]
    assert len(set(counts)) >= 3 and counts == sorted(counts), counts  # the counter moved on live
    chart = plotly_traces(app_page, ".st-key-ev_timeline")
    # One bar per run (RunnableSequence, RunnableLambda, ChatPromptTemplate, ChatOpenAI) and a
    # tick per stream event.
    assert chart["bars"] >= 4 and chart["markers"] >= 10, chart
    assert_png(screenshots.shoot_event_timeline(app_page, tmp_path))
    assert_no_exception(app_page)
    assert_accessible(app_page, "astream_events")


def test_can_cannot_stream_measures_the_rows_one_by_one(app_page):
    open_from_sidebar(app_page, "What can and cannot stream")
    watch_texts(app_page, {"status": '[data-testid="stMain"] [data-testid="stExpander"] summary'})
    click_run(app_page, "cc_run", done=app_page.locator(".st-key-cc_strip"))
    measured = [
        int(m.group(1))
        for text in texts(app_page)["status"]
        if (m := re.search(r"Measured (\d+)/\d+", text))
    ]
    assert len(measured) >= 5 and measured == sorted(measured), measured
    chart = plotly_traces(app_page, ".st-key-cc_strip")
    assert chart["traces"] >= 10, chart  # one row of ticks per runnable
    assert_no_exception(app_page)
    assert_accessible(app_page, "can_cannot_stream")


def test_streaming_vs_not_trials_progress_to_a_verdict(app_page):
    open_from_sidebar(app_page, "Streaming vs non-streaming")
    press_slider(app_page, "cmp_trials", "Home", "ArrowRight", "ArrowRight", value="3")  # per mode
    watch_texts(app_page, {"progress": '[data-testid="stProgress"]'})
    click_run(app_page, "cmp_run", done=app_page.locator(".st-key-cmp_chart"))
    steps = [t for t in texts(app_page)["progress"] if t.startswith("trial")]
    assert len(steps) >= 5, steps  # 6 trials, one progress step each
    expect(app_page.get_by_test_id("stAlertContentSuccess").first).to_contain_text("sooner")
    expect(app_page.get_by_test_id("stAlertContentSuccess").first).to_contain_text("medians of 3 trials")
    assert plotly_traces(app_page, ".st-key-cmp_chart")["traces"] >= 2
    # Then one request per mode is shown, each in three layers.
    streamed, invoked = painted_live(app_page, "cmp_run", "cmp_layers", 2, streaming=0)
    assert_layers_in_order(streamed, shown_chars(app_page, "cmp_text_stream"))
    assert_layers_in_order(invoked, shown_chars(app_page, "cmp_text_invoke"))
    assert_invoke_vs_stream(invoked, streamed)
    assert_no_exception(app_page)
    assert_accessible(app_page, "streaming_vs_not")


def test_use_cases_chat_reply_streams_and_agent_steps_move_on(app_page):
    open_from_sidebar(app_page, "Use cases")
    box = app_page.locator(".st-key-uc_chat_input textarea")
    box.fill("Explain RAG")
    reply = {"reply": ".st-key-uc_reply"}
    for attempt in range(2):  # once more if a stall delivered the reply in one piece
        watch(app_page, reply)
        rerun_after(app_page, lambda: box.press("Enter"))
        seen = samples(app_page)
        if not stalled(seen, ["reply"]) or attempt:
            break
        warn_rerun("uc_chat_input", ["reply"])
        box.fill("Explain RAG")
    assert_grows(seen["reply"], what="chat reply")
    assert app_page.get_by_test_id("stChatMessage").count() >= 2  # the question and the answer

    app_page.get_by_role("tab", name=re.compile("Agent steps")).click()
    watch_texts(app_page, {"status": '.st-key-uc_agent_out [data-testid="stExpander"] summary'})
    click_run(app_page, "uc_agent_run")
    labels = texts(app_page)["status"]
    assert len(labels) >= 4 and "Answered" in labels[-1], labels  # search → tool → answer

    # The long-form article, in three layers: its last token lags (one Markdown render at the end).
    app_page.get_by_role("tab", name=re.compile("Long-form")).click()
    press_slider(app_page, "uc_long_max_tokens", "Home", "ArrowRight", "ArrowRight", value="60")
    (table,) = run_until_layers(app_page, "uc_long_run", ["uc_long_layers"])
    text = text_of(app_page, "uc_long_text")
    assert_one_lane_in_order(table, shown_chars(app_page, "uc_long_text"))
    assert table[LANGCHAIN]["updates"] == 60  # max_tokens
    assert table[BROWSER]["last"] > table[LANGCHAIN]["last"], table
    words = app_page.get_by_test_id("stMetric").filter(has_text="Words").first.inner_text()
    assert f"{len(text.split())}" in words.split(), (words, text)  # the counters survived the rerun
    expect(app_page.locator("body")).to_contain_text(
        f"finish_reason = length · {len(text.split())} words"
    )
    assert_no_exception(app_page)
    assert_accessible(app_page, "use_cases")


def test_common_mistakes_plain_step_blocks_the_stream_and_the_fix_streams(app_page):
    open_from_sidebar(app_page, "Common mistakes")
    # The tabs rerun the page (on_change="rerun"): wait for it, or the Run click can be lost.
    rerun_after(app_page, app_page.get_by_role("tab", name="Plain step after the LLM").click)
    sides = {
        side: f'.st-key-mist_plain_step_{side} [data-testid="stElementContainer"]'
        for side in ("mistake", "fix")
    }
    seen = run_watching(
        app_page,
        "mist_plain_step_run",
        sides,
        grows=["fix"],
        done=app_page.locator(".st-key-mist_plain_step_arrival"),
    )
    assert_appears_at_once(seen["mistake"], what="plain function after the model")
    assert_grows(seen["fix"], what="generator step after the model")
    expect(app_page.locator(".st-key-mist_plain_step_mistake")).to_contain_text("1 chunk")
    assert plotly_traces(app_page, ".st-key-mist_plain_step_arrival")["lines"] >= 2
    assert_mistake_then_fix_in_layers(app_page, "plain_step")
    # `streaming=True` (the seed's advice), in three layers too: `streaming=False` is the mistake.
    rerun_after(app_page, app_page.get_by_role("tab", name="streaming=True").click)
    run_until_layers(
        app_page, "mist_streaming_flag_run", [f"mist_streaming_flag_layers_{i}" for i in (0, 1)]
    )
    assert_mistake_then_fix_in_layers(app_page, "streaming_flag")
    assert_no_exception(app_page)
    assert_accessible(app_page, "common_mistakes")


def assert_mistake_then_fix_in_layers(page, name: str) -> None:
    """After the mistake the browser shows the text in one update, after the server finished;
    the fix is painted while the server still sends. The report's rerun keeps both sides."""
    mistake, fix = painted_live(page, f"mist_{name}_run", f"mist_{name}_layers", 2, streaming=1)
    assert_layers_in_order(mistake, shown_chars(page, f"mist_{name}_mistake_text"))
    assert_layers_in_order(fix, shown_chars(page, f"mist_{name}_fix_text"))
    assert mistake[LANGCHAIN]["updates"] == mistake[BROWSER]["updates"] == 1, mistake
    assert mistake[BROWSER]["first"] >= mistake[SERVER]["last"], mistake
    assert fix[BROWSER]["updates"] >= 3, fix  # painted piece by piece
    assert fix[BROWSER]["first"] < fix[LANGCHAIN]["last"], fix
    verdicts = page.get_by_test_id("stAlertContentSuccess").all_inner_texts()
    assert any("chunks with text" in v for v in verdicts), verdicts


def test_tool_call_arguments_and_final_answer_grow(app_page):
    open_from_sidebar(app_page, "Streaming tool calls")
    outputs = {"args": '.st-key-tools_args [data-testid="stCode"]', "answer": ".st-key-tools_answer"}
    # The arguments are ~36 characters in ~8 chunks, the answer ~74 in ~18: at 20 tokens/s the
    # answer lasts ~0.9 s (at 100 tokens/s, ~0.2 s: a busy browser painted it in one frame three
    # runs in a row). A loaded machine still paints them in a few steps (their chunk counts
    # are tests/lessons/test_tool_calls.py's to check).
    with tokens_per_s(app_page, 20, was=int(PROFILE["tps"])):
        seen = run_watching(
            app_page,
            "tools_run",
            outputs,
            grows={"args": 2, "answer": 3},
            done=app_page.locator(".st-key-tools_answer"),
        )
    assert_grows(seen["args"], at_least=2, what="tool-call arguments")
    assert_grows(seen["answer"], at_least=3, what="final answer")
    args = app_page.locator('.st-key-tools_args [data-testid="stCode"]').first.inner_text()
    assert '"city": "San Francisco"' in args and '"days": 3' in args, args
    # The final answer in three layers; the report's rerun keeps the run on the page.
    table = layers_with_browser_row(app_page, "tools_layers")
    assert_one_lane_in_order(table, shown_chars(app_page, "tools_answer"))
    assert text_of(app_page, "tools_answer").startswith("I checked get_weather. San Francisco")
    call = "get_weather.invoke({'city': 'San Francisco', 'days': 3})"
    expect(app_page.locator("body")).to_contain_text(call)
    assert_no_exception(app_page)
    assert_accessible(app_page, "tool_calls")


def test_fastapi_response_body_arrives_in_pieces(app_page):
    open_from_sidebar(app_page, "Streaming + FastAPI")
    seen = run_watching(
        app_page,
        "fa_run",
        {"body": ".st-key-fa_body"},
        grows=["body"],
        done=app_page.locator(".st-key-fa_timeline"),
    )
    assert_grows(seen["body"], what="/chat response body")
    plotly_traces(app_page, ".st-key-fa_timeline")
    # The paint probe's report (waited for by run_watching) fills "On your screen": after the
    # client got the first text, since the page shows what the client read.
    # The report arrives by its own rerun: on a loaded machine it can still be on its way.
    app_page.get_by_test_id("stMetric").filter(has_text="First shown").filter(has_not_text="—").wait_for(
        timeout=RUN_TIMEOUT_MS
    )
    wait_idle(app_page)
    cards = {
        m.split("\n")[0]: m.split("\n")[-1]
        for m in app_page.get_by_test_id("stMetric").all_inner_texts()
    }
    first_text, first_shown = (
        float(cards[k].split()[0].replace(",", "")) for k in ("First text", "First shown")
    )
    assert first_shown >= first_text, cards
    assert_no_exception(app_page)
    assert_accessible(app_page, "fastapi")


def test_latency_lab_experiment_runs_trial_by_trial_to_a_verdict(app_page, tmp_path):
    open_from_sidebar(app_page, "Latency lab")
    set_number(app_page, "lab_trials", 6)
    set_number(app_page, "lab_max_tokens", 30)
    # Another lesson and back: the form keeps its values (Streamlit drops undrawn widgets' state).
    go_to_lesson(app_page, "Use cases")
    go_to_lesson(app_page, "Latency lab")
    assert app_page.locator(".st-key-lab_trials input").input_value() == "6"
    assert app_page.locator(".st-key-lab_prompts textarea").input_value().strip()
    watch_texts(app_page, {"progress": '[data-testid="stProgress"]'})
    click_run(app_page, "lab_run", done=app_page.locator(".st-key-lab_res_dist"))
    done = [
        int(m.group(1))
        for text in texts(app_page)["progress"]
        if (m := re.match(r"(\d+) of 12 trials", text))
    ]
    # Painted trial by trial, in order. (Not necessarily up to "12 of 12": a stalled browser can
    # paint the last count and the results that replace the bar in one frame.)
    assert len(set(done)) >= 3 and done == sorted(done) and done[-1] <= 12, done
    dots = [len(trace["y"]) for trace in plotly_data(app_page, ".st-key-lab_res_dist")]
    assert dots == [6, 6], dots  # every trial of both configurations is in the results
    verdict = app_page.get_by_test_id("stAlertContentSuccess").first.inner_text()
    assert "streaming showed first text" in verdict and "sooner" in verdict, verdict
    assert plotly_traces(app_page, ".st-key-lab_res_dist")["traces"] >= 2
    assert_png(screenshots.shoot_latency_lab(app_page, tmp_path), min_height=600)
    assert_no_exception(app_page)
    assert_accessible(app_page, "latency_lab")


def test_takeaways_chains_counted_and_quiz_shown(app_page):
    open_from_sidebar(app_page, "Takeaways & quiz")
    click_run(app_page, "takeaways_run", done=app_page.locator(".st-key-takeaways_counts_chart"))
    assert plotly_traces(app_page, ".st-key-takeaways_counts_chart")["bars"] == 4
    (bars,) = plotly_data(app_page, ".st-key-takeaways_counts_chart")
    counts = dict(zip(bars["y"], bars["x"], strict=True))  # chain → chunks with text
    assert counts.pop("llm | plain function") == 1, counts  # one chunk, at the end
    assert all(n > 1 for n in counts.values()), counts
    assert app_page.get_by_role("heading", name="Quiz", exact=True).is_visible()
    assert_no_exception(app_page)
    assert_accessible(app_page, "takeaways")
