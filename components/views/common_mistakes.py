"""The demos of the "Common mistakes" page: a mistake and its fix, both run live, side by side.

Each `demo_*` draws the two recipes' source, one Run button (`mist_<name>_run`) and, under
each recipe, what it produced. Results are kept in `st.session_state`, so pressing Run in
another tab does not wipe them; they are redrawn without the live animation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from components.code_panel import show_source, source_of
from components.figures.charts import render_arrival
from components.figures.loop import render_ticks
from components.run.layered import LAYERS_INTRO, LayeredRun
from components.run.live_output import coalesce, render_run_error, render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.progress import mark_ran
from streamlab.client.async_bridge import catch_error, iterate_sync, run_sync
from streamlab.client.providers import ProviderConfig
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes import common_mistakes as m

__all__ = ["DEMOS", "Lane", "Side"]

LESSON = "common_mistakes"
MAX_TOKENS = 60  # every demo answers briefly: seven of them share one page
TIMING_SIM = {"ttft_ms": 150, "tokens_per_s": 80}  # the loop demo needs a stream that takes time
STREAM_CARDS = ("ttft_ms", "total_ms", "chunks")
PRINT_CARDS = ("chunks", "Characters printed")


@dataclass(frozen=True, slots=True)
class Side:
    """What one recipe produced: redrawn as is on later reruns."""

    text: str  # what the learner saw (a repr, an error text or the answer)
    verdict: str  # one sentence: the concrete outcome
    summary: dict[str, Any] = field(default_factory=dict)  # metric values for the cards
    cards: tuple[str, ...] = STREAM_CARDS
    frame: pd.DataFrame | None = None  # recorder rows, for the arrival chart
    ticks: tuple[float, ...] = ()  # heartbeat tick times (s), for the event-loop chart
    code: bool = False  # show `text` as code (a repr, an error) rather than Markdown
    key: str | None = None  # the container the text was streamed into (a lane's), for redraws


@dataclass(frozen=True, slots=True)
class Lane:
    """One side's share of a three-layer run: where its text is drawn, and its request's trace."""

    layered: LayeredRun
    name: str
    key: str  # the container of this side's text only (what the browser probe watches)
    config: ProviderConfig

    @property
    def sim(self) -> dict[str, str]:
        """Send with this side's request, so the simulator records its send times."""
        return self.layered.lanes()[self.name].sim

    def finish(self, recorder: StreamRecorder) -> None:
        self.layered.finish(self.name, recorder, self.config)


SIDES = ("❌ mistake", "✅ fix")


def _llm(config: ProviderConfig, lane: Lane | None = None, **options: Any):
    sim = {**options.pop("sim", {}), **(lane.sim if lane else {})}
    return m.build_llm_without_flag(config, max_tokens=MAX_TOKENS, sim=sim or None, **options)


def _sources(
    wrong: Iterable[Callable[..., object]],
    right: Iterable[Callable[..., object]],
    notes: tuple[str, str],
) -> None:
    for column, title, fns, note in zip(
        st.columns(2), ("❌ Mistake", "✅ Fix"), (wrong, right), notes, strict=True
    ):
        with column:
            st.markdown(f"**{title}**")
            # Wrapped, so half-width columns show whole lines; same source as show_source.
            st.code(source_of(*fns), language="python", wrap_lines=True)
            st.caption(note)


def _finish(side: Side) -> Side:
    if side.summary:
        render_metric_cards(side.summary, columns=side.cards)
    (st.error if side.verdict.startswith("❌") else st.success)(side.verdict)
    return side


def _redraw(side: Side) -> None:
    if side.code:
        tall = side.text.count("\n") > 12
        st.code(side.text, language=None, height=320 if tall else "content", wrap_lines=True)
    else:
        with st.container(key=side.key):
            st.markdown(side.text or "*(no text)*")
    _finish(side)


class _ErrorShown(Exception):
    """A run failed and its error is already on the page (under the partial output)."""


def _recorded(
    label: str, chunks: Callable[[], Iterable[object]], lane: Lane | None = None
) -> tuple[str, StreamRecorder]:
    recorder = StreamRecorder(label=label)
    live = render_text_stream(recorder.wrap(chunks), key=lane.key if lane else None)  # shows errors
    if lane is not None:
        lane.finish(recorder)
    if live.error is not None:
        raise _ErrorShown from live.error
    return live.text, recorder


def _guarded(run: Callable[[], Side]) -> Side | None:
    """Run one side; on failure explain the error (once) and return None: nothing is stored."""
    try:
        return run()
    except _ErrorShown:
        return None
    except Exception as exc:
        render_run_error(exc, partial=False)
        return None


Verdict = Callable[[dict[str, Any]], str]


def _stream_side(
    label: str, chunks: Callable[[], Iterable[object]], verdict: Verdict, lane: Lane | None = None
) -> Side:
    text, recorder = _recorded(label, chunks, lane)
    summary = dict(recorder.summary())
    return _finish(
        Side(
            text,
            verdict(summary),
            summary,
            frame=recorder.to_dataframe(),
            key=lane.key if lane else None,
        )
    )


def _run_pair(
    name: str,
    question: str,
    wrong: Callable[..., Side],
    right: Callable[..., Side],
    *,
    config: ProviderConfig | None = None,
) -> bool:
    """The Run button, then both sides: live when just pressed, else as stored.

    With `config`, each side is a lane of a three-layer run (`_layers` draws it): `wrong` and
    `right` then take their `Lane`, to build their model with `lane.sim` and draw into `lane.key`.
    """
    clicked = st.button("Run", key=f"mist_{name}_run", type="primary")
    state_key = f"mist_{name}_result"
    if clicked:
        if not question.strip():
            st.error("Type a question first: the prompt is empty.")
            st.stop()
        mark_ran(LESSON)
        st.session_state.pop(state_key, None)
        if config is not None:
            layered = LayeredRun(f"mist_{name}")
            keys = dict(zip(SIDES, (f"mist_{name}_mistake_text", f"mist_{name}_fix_text"), strict=True))
            lanes = layered.start(keys)
            wrong, right = (
                partial(side, Lane(layered, lane, keys[lane], config))
                for side, lane in zip((wrong, right), lanes, strict=True)
            )
        left, right_col = st.columns(2)
        # Keyed (CSS class st-key-mist_<name>_mistake / _fix) so browser tests can watch each side.
        with left, st.container(key=f"mist_{name}_mistake"):
            done_wrong = _guarded(wrong)
        with right_col, st.container(key=f"mist_{name}_fix"):
            done_right = _guarded(right)
        if done_wrong is not None and done_right is not None:
            st.session_state[state_key] = (done_wrong, done_right)
    elif state_key in st.session_state:
        for column, side, place in zip(
            st.columns(2), st.session_state[state_key], ("mistake", "fix"), strict=True
        ):
            with column, st.container(key=f"mist_{name}_{place}"):  # the same keys as a live run
                _redraw(side)
    return clicked


def _layers(name: str, clicked: bool, notice: str) -> None:
    """Both sides in three layers; call last in the demo (the browser reports after this run)."""
    layered = LayeredRun(f"mist_{name}")
    if _stored(name):
        layered.render(key=f"mist_{name}_layers", intro=f"{LAYERS_INTRO} {notice}")
    if clicked and layered.lanes():
        layered.end()


def _stored(name: str) -> tuple[Side, Side] | None:
    return st.session_state.get(f"mist_{name}_result")


def _arrival(name: str) -> None:
    pair = _stored(name)
    frames = [side.frame for side in pair or () if side.frame is not None]
    if frames:
        st.markdown("**When the text arrived**")
        render_arrival(frames, key=f"mist_{name}_arrival")


def _chunks_verdict(fix: bool) -> Callable[[dict], str]:
    def verdict(summary: dict) -> str:
        chunks, ttft = summary["content_chunks"], summary["ttft_ms"]
        mark = "✅" if fix else "❌"
        if ttft is None:
            return f"{mark} No text arrived."
        if chunks == 1:
            return f"{mark} 1 chunk: the whole text at once, after {ttft:,.0f} ms."
        return f"{mark} {chunks} chunks with text, the first after {ttft:,.0f} ms."

    return verdict


# --- 1. print(chunk) --------------------------------------------------------------------------


def _live_lines(lines: Iterator[str]) -> str:
    slot, shown = st.empty(), ""
    for piece in coalesce(line + "\n" for line in lines):
        shown += piece
        slot.code(shown, language=None, height=320, wrap_lines=True)
    return shown


def demo_print(config: ProviderConfig, question: str) -> None:
    st.markdown(
        "`print(chunk)` prints the whole message object, its pydantic repr with every metadata "
        "field, once per chunk. The text is `chunk.content` (or `chunk.text`). **Notice** the wall "
        "of `content='…' additional_kwargs={} …` lines on the left."
    )
    _sources(
        [m.print_chunks],
        [m.print_contents],
        ("`print(chunk)` writes `str(chunk)`.", "`chunk.content` (or `chunk.text`) is the text."),
    )

    def wrong() -> Side:
        text = _live_lines(m.print_chunks(_llm(config), question))
        summary = {"chunks": text.count("\n"), "Characters printed": len(text)}
        verdict = "❌ One `content='…' additional_kwargs={} …` repr per chunk."
        return _finish(Side(text, verdict, summary, PRINT_CARDS, code=True))

    def right() -> Side:
        llm = _llm(config)
        text, recorder = _recorded("print(chunk.content)", lambda: m.print_contents(llm, question))
        summary = {"chunks": recorder.summary()["chunks"], "Characters printed": len(text)}
        return _finish(Side(text, "✅ Only the answer's text, as it arrives.", summary, PRINT_CARDS))

    _run_pair("print", question, wrong, right)


# --- 2. a prompt / a lambda does not stream ---------------------------------------------------


def demo_lambda(config: ProviderConfig, question: str) -> None:
    st.markdown(
        "A prompt template has nothing to stream: `.stream()` gives one finished `ChatPromptValue`. "
        "A plain function returns once, so its runnable yields one chunk, at the end. A generator "
        "yields while it works. Both sides shout your question's words, 30 ms of work per word. "
        "**Notice** the chart: one step at the end vs a staircase."
    )
    _sources(
        [m.build_prompt, m.build_shout_lambda],
        [m.shout_words, m.build_shout_generator],
        ("Both run on your question's words.", "Same work, written as a generator."),
    )

    def wrong() -> Side:
        prompt_chunks = list(m.build_prompt().stream({"topic": question}))
        st.caption(
            f"`build_prompt().stream(...)` → {len(prompt_chunks)} chunk: "
            f"`{type(prompt_chunks[0]).__name__}`"
        )
        shout = m.build_shout_lambda()
        return _stream_side("❌ lambda", lambda: shout.stream(question), _chunks_verdict(False))

    def right() -> Side:
        return _stream_side(
            "✅ generator", lambda: m.build_shout_generator().stream(question), _chunks_verdict(True)
        )

    _run_pair("lambda", question, wrong, right)
    _arrival("lambda")


# --- 3. one plain step after the model --------------------------------------------------------


def demo_plain_step(config: ProviderConfig, question: str) -> None:
    st.markdown(
        "One plain function after the model and the whole chain yields **one** chunk at the end: "
        "the function wants the complete message, so LangChain gathers the stream first. A "
        "generator function that takes the chunks keeps the chain streaming, as `StrOutputParser` "
        "does. **Notice** the chunk counts and first-text times."
    )
    _sources(
        [m.to_text, m.build_with_plain_step],
        [m.to_text_stream, m.build_with_generator_step],
        ("A plain function after the model.", "A generator function: it takes the chunks."),
    )

    def run(label: str, build: Callable, fix: bool) -> Callable[[Lane], Side]:
        def side(lane: Lane) -> Side:
            chain = build(_llm(config, lane))
            return _stream_side(
                label, lambda: chain.stream({"topic": question}), _chunks_verdict(fix), lane
            )

        return side

    clicked = _run_pair(
        "plain_step",
        question,
        run("❌ plain step", m.build_with_plain_step, False),
        run("✅ generator step", m.build_with_generator_step, True),
        config=config,
    )
    _arrival("plain_step")
    _layers(
        "plain_step",
        clicked,
        "**Here** the server sends both answers token by token; after the "
        "plain step, LangChain and your browser get the text only once the server has finished.",
    )


# --- 4. config not passed on -------------------------------------------------------------------


def demo_config(config: ProviderConfig, question: str) -> None:
    st.markdown(
        "Chat UIs often take tokens from `astream_events` (`on_chat_model_stream`) while a custom "
        "step calls the model. Those events come only from model runs that carry the chain's "
        "callbacks, i.e. its `config`. Hand the call to a thread of your own without `config` and "
        "the UI gets no tokens: the answer appears all at once at the end (langchain #16944). "
        "**Notice** the chunk counts and the arrival chart."
    )
    _sources(
        [m.build_thread_without_config],
        [m.build_thread_with_config],
        (
            "Shown with `chat_ui_text` below, the way a chat UI reads `astream_events`.",
            "`config` in the signature: RunnableLambda passes the run's config in.",
        ),
    )
    show_source(m.chat_ui_text)

    def run(label: str, build: Callable, fix: bool) -> Callable[[Lane], Side]:
        def side(lane: Lane) -> Side:
            chain = build(_llm(config, lane))
            return _stream_side(
                label, lambda: iterate_sync(m.chat_ui_text(chain, question)), _chunks_verdict(fix), lane
            )

        return side

    wrong = run("❌ own thread, no config", m.build_thread_without_config, False)
    right = run("✅ own thread + config", m.build_thread_with_config, True)
    clicked = _run_pair("config", question, wrong, right, config=config)
    if _stored("config"):
        _config_control(config, question, rerun=clicked)
    _arrival("config")
    _layers(
        "config",
        clicked,
        "**Here** the mistake is not even streamed at the server: with no "
        "callbacks, `invoke()` has nobody to stream to, so it asks for the whole answer (one "
        "update in every layer). With `config`, `invoke()` sees the `astream_events` handler and "
        "streams: every layer fills token by token.",
    )


def _config_control(config: ProviderConfig, question: str, *, rerun: bool) -> None:
    state_key = "mist_config_control"
    if rerun or state_key not in st.session_state:
        chain = m.build_same_thread(_llm(config))
        pieces, error = catch_error(lambda: list(iterate_sync(m.chat_ui_text(chain, question))))
        if error is not None:
            render_run_error(error, partial=False)
            return
        st.session_state[state_key] = len([p for p in pieces if p])
    st.info(
        f"**Control:** `build_same_thread` calls `llm.invoke(question)` with no config and no thread "
        f"of its own → the UI got **{st.session_state[state_key]} token pieces**. Inside the same "
        "thread the run's config travels by itself (a context variable); only code that hops to "
        "its own thread (a pool, `loop.run_in_executor`) must pass `config` on."
    )
    show_source(m.build_same_thread)


# --- 5. sync .stream() inside async code ------------------------------------------------------


def demo_sync_in_async(config: ProviderConfig, question: str) -> None:
    st.markdown(
        "Inside `async def`, a sync `for chunk in llm.stream(...)` holds the event loop for the "
        "whole answer: no other task runs meanwhile (other requests, timers, UI updates). A "
        "heartbeat task tries to tick every 20 ms during each stream. **Notice** how many ticks "
        "it gets: the simulator is slowed down here so each stream takes about a second."
    )
    _sources(
        [m.ticker, m.answer_blocking],
        [m.answer_async, m.count_ticks],
        (
            "A 20 ms heartbeat task runs while the answer streams.",
            "`count_ticks` runs the heartbeat next to either answer.",
        ),
    )

    def run(answer: Callable, fix: bool) -> Callable[[], Side]:
        def side() -> Side:
            llm = _llm(config, sim=TIMING_SIM)
            with st.spinner("Streaming while the heartbeat tries to tick…"):
                text, ticks, elapsed = run_sync(m.count_ticks(answer, llm, question))
            expected = int(elapsed / 0.02)
            summary = {"Ticks": len(ticks), "Expected": expected, "total_ms": elapsed * 1000}
            mark = "✅" if fix else "❌"
            verdict = f"{mark} {len(ticks)} of ~{expected} heartbeat ticks in {elapsed * 1000:,.0f} ms."
            st.markdown(text)
            cards = ("Ticks", "Expected", "total_ms")
            return _finish(Side(text, verdict, summary, cards=cards, ticks=tuple(ticks)))

        return side

    _run_pair("sync_in_async", question, run(m.answer_blocking, False), run(m.answer_async, True))
    pair = _stored("sync_in_async")
    if pair:
        runs = {
            label: (side.ticks, side.summary["total_ms"] / 1000)
            for label, side in zip(("sync .stream()", ".astream()"), pair, strict=True)
        }
        render_ticks(runs, key="mist_sync_in_async_ticks")


# --- 6. forgetting async for ------------------------------------------------------------------


def demo_async_for(config: ProviderConfig, question: str) -> None:
    st.markdown(
        "`astream()` returns an *async* generator. A plain `for` cannot iterate it: Python raises "
        "`TypeError` before a single chunk is read. Use `async for` inside `async def` (here the page "
        "drives it with an event loop; in FastAPI the framework does)."
    )
    _sources(
        [m.read_astream_with_for],
        [m.read_astream_with_async_for],
        ("A plain `for` over `astream()`.", "`async for`, inside an `async def`."),
    )

    def wrong() -> Side:
        _, error = catch_error(m.read_astream_with_for, _llm(config), question)
        text = f"{type(error).__name__}: {error}" if error else "(no error)"
        st.code(text, language=None)
        return _finish(Side(text, "❌ The loop fails before one chunk is read.", code=True))

    def right() -> Side:
        llm = _llm(config)

        def chunks() -> Iterator[str]:
            return iterate_sync(m.read_astream_with_async_for(llm, question))

        return _stream_side("async for", chunks, _chunks_verdict(True))

    _run_pair("async_for", question, wrong, right)


# --- 7. streaming=True ------------------------------------------------------------------------


def demo_streaming_flag(config: ProviderConfig, question: str) -> None:
    st.markdown(
        'The seed\'s first mistake is "Forgetting `streaming=True`". Measured: with the flag '
        "**unset**, `.stream()` streams; the real mistake is an explicit `streaming=False` (or "
        "`disable_streaming=True`), which turns `.stream()` into one message at the end."
    )
    _sources(
        [m.build_llm_streaming_off, m.stream_answer],
        [m.build_llm_without_flag, m.stream_answer],
        ("`streaming=False` set explicitly.", "`streaming` not set at all."),
    )

    def run(build: Callable, label: str, fix: bool) -> Callable[[Lane], Side]:
        def side(lane: Lane) -> Side:
            llm = build(config, max_tokens=MAX_TOKENS, sim=lane.sim)
            return _stream_side(
                label, lambda: m.stream_answer(llm, question), _chunks_verdict(fix), lane
            )

        return side

    wrong = run(m.build_llm_streaming_off, "❌ streaming=False", False)
    right = run(m.build_llm_without_flag, "✅ streaming unset", True)
    clicked = _run_pair("streaming_flag", question, wrong, right, config=config)
    if _stored("streaming_flag"):
        _invoke_tokens(config, question, rerun=clicked)
    _arrival("streaming_flag")
    _layers(
        "streaming_flag",
        clicked,
        "**Here** `streaming=False` asks the server for the whole "
        "answer: one update in every layer, at the end. Unset, every layer streams.",
    )


def _invoke_tokens(config: ProviderConfig, question: str, *, rerun: bool) -> None:
    state_key = "mist_streaming_flag_invoke"
    if rerun or state_key not in st.session_state:
        builds = {"unset": m.build_llm_without_flag, "streaming=True": m.build_llm_streaming_on}
        counts, error = catch_error(lambda: {
            flag: m.count_invoke_tokens(build(config, max_tokens=MAX_TOKENS), question)
            for flag, build in builds.items()
        })  # fmt: skip
        if error is not None:
            render_run_error(error, partial=False)
            return
        st.session_state[state_key] = counts
    counts = st.session_state[state_key]
    st.markdown("**So what does `streaming=True` do?** It makes `.invoke()` stream under the hood:")
    show_source(m.TokenCounter, m.count_invoke_tokens)
    st.dataframe(
        pd.DataFrame(
            {
                "llm built with": list(counts),
                "on_llm_new_token calls during invoke()": list(counts.values()),
            }
        ),
        hide_index=True,
    )


DEMOS: dict[str, Callable[[ProviderConfig, str], None]] = {
    "print(chunk)": demo_print,
    "Prompt / lambda": demo_lambda,
    "Plain step after the LLM": demo_plain_step,
    "Config not passed": demo_config,
    "Sync stream in async": demo_sync_in_async,
    "Forgetting async for": demo_async_for,
    "streaming=True": demo_streaming_flag,
}
