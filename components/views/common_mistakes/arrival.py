"""The mistakes about *when* text arrives: all at once at the end, or piece by piece.

A lambda, a plain step after the model, a model called from your own thread without `config`,
and `streaming=False` each turn a stream into one chunk. The last three are measured in three
layers (server, LangChain, browser), one lane per side, so the learner sees where it collapses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd
import streamlit as st

from components.code_panel import show_source
from components.run.live_output import render_run_error
from components.run.panel import RunContext, Saved
from components.views.common_mistakes.pair import (
    MAX_TOKENS,
    Side,
    SideFn,
    SideRun,
    chunks_verdict,
    render_pair_arrival,
    render_sources,
    run_pair,
    stream_side,
)
from streamlab.client.async_bridge import catch_error, iterate_sync
from streamlab.recipes import common_mistakes as m

__all__ = ["demo_config", "demo_lambda", "demo_plain_step", "demo_streaming_flag"]


def demo_lambda(question: str) -> None:
    st.markdown(
        "A prompt template has nothing to stream: `.stream()` gives one finished `ChatPromptValue`. "
        "A plain function returns once, so its runnable yields one chunk, at the end. A generator "
        "in `RunnableGenerator` (or piped bare: `chain | generator`) yields while it works and "
        "takes its input as a stream too. Not `RunnableLambda(generator)`: that one first waits "
        "for its whole input, which after a model means the whole answer. Both sides shout your "
        "question's words, 30 ms of work per word. **Notice** the chart: one step at the end vs "
        "a staircase."
    )
    render_sources(
        [m.build_prompt, m.build_shout_lambda],
        [m.shout_words, m.build_shout_generator],
        (
            "Both run on your question's words.",
            "Same work, as a generator in `RunnableGenerator`.",
        ),
    )

    def wrong(side: SideRun) -> Side:
        prompt_chunks = list(m.build_prompt().stream({"topic": question}))
        st.caption(
            f"`build_prompt().stream(...)` → {len(prompt_chunks)} chunk: "
            f"`{type(prompt_chunks[0]).__name__}`"
        )
        shout = m.build_shout_lambda()
        return stream_side(
            "mistake: lambda", lambda: shout.stream(question), chunks_verdict, False, side
        )

    def right(side: SideRun) -> Side:
        shout = m.build_shout_generator()
        return stream_side("fix: generator", lambda: shout.stream(question), chunks_verdict, True, side)

    run_pair(
        "lambda", question, wrong, right, show=lambda saved: render_pair_arrival("lambda", saved["pair"])
    )


def _chain_side(label: str, build: Callable, question: str, ok: bool) -> SideFn:
    def side(run: SideRun) -> Side:
        chain = build(run.llm())
        return stream_side(label, lambda: chain.stream({"topic": question}), chunks_verdict, ok, run)

    return side


def demo_plain_step(question: str) -> None:
    st.markdown(
        "One plain function after the model and the whole chain yields **one** chunk at the end: "
        "the function wants the complete message, so LangChain gathers the stream first. A "
        "generator function that takes the chunks keeps the chain streaming, as `StrOutputParser` "
        "does, when it is piped bare (`llm | to_text_stream` becomes a `RunnableGenerator`) or "
        "wrapped in `RunnableGenerator`; wrapped in `RunnableLambda` it would wait for the whole "
        "message too. **Notice** the chunk counts and first-text times."
    )
    render_sources(
        [m.to_text, m.build_with_plain_step],
        [m.to_text_stream, m.build_with_generator_step],
        ("A plain function after the model.", "A generator function: it takes the chunks."),
    )
    run_pair(
        "plain_step",
        question,
        _chain_side("mistake: plain step", m.build_with_plain_step, question, False),
        _chain_side("fix: generator step", m.build_with_generator_step, question, True),
        show=lambda saved: render_pair_arrival("plain_step", saved["pair"]),
        layers_notice="**Here** the server sends both answers token by token; after the plain "
        "step, LangChain and your browser get the text only once the server has finished.",
    )


def _chat_ui_side(label: str, build: Callable, question: str, ok: bool) -> SideFn:
    def side(run: SideRun) -> Side:
        chain = build(run.llm())

        def chunks() -> Iterator[str]:
            return iterate_sync(m.chat_ui_text(chain, question))

        return stream_side(label, chunks, chunks_verdict, ok, run)

    return side


def demo_config(question: str) -> None:
    st.markdown(
        "Chat UIs often take tokens from `astream_events` (`on_chat_model_stream`) while a custom "
        "step calls the model. Those events come only from model runs that carry the chain's "
        "callbacks, i.e. its `config`. Hand the call to a thread of your own without `config` and "
        "the UI gets no tokens: the answer appears all at once at the end (langchain #16944). "
        "**Notice** the chunk counts and the arrival chart."
    )
    render_sources(
        [m.build_thread_without_config],
        [m.build_thread_with_config],
        (
            "Shown with `chat_ui_text` below, the way a chat UI reads `astream_events`.",
            "`config` in the signature: RunnableLambda passes the run's config in.",
        ),
    )
    show_source(m.chat_ui_text)

    def control(ctx: RunContext) -> Saved:
        """The same-thread control: how many token pieces reach the UI with no config at all."""
        chain = m.build_same_thread(SideRun(ctx).llm())
        pieces, error = catch_error(lambda: list(iterate_sync(m.chat_ui_text(chain, question))))
        if error is not None:
            render_run_error(error, partial=False)
            return {"control": None}
        return {"control": len([p for p in pieces or () if p])}

    def show(saved: Saved) -> None:
        if saved.get("control") is not None:
            st.info(
                "**Control:** `build_same_thread` calls `llm.invoke(question)` with no config and no "
                f"thread of its own → the UI got **{saved['control']} token pieces**. Inside the same "
                "thread the run's config travels by itself (a context variable); only code that hops "
                "to its own thread (a pool, `loop.run_in_executor`) must pass `config` on."
            )
            show_source(m.build_same_thread)
        render_pair_arrival("config", saved["pair"])

    run_pair(
        "config",
        question,
        _chat_ui_side("mistake: own thread, no config", m.build_thread_without_config, question, False),
        _chat_ui_side("fix: own thread + config", m.build_thread_with_config, question, True),
        extra=control,
        show=show,
        layers_notice="**Here** the mistake is not even streamed at the server: with no "
        "callbacks, `invoke()` has nobody to stream to, so it asks for the whole answer (one "
        "update in every layer). With `config`, `invoke()` sees the `astream_events` handler and "
        "streams: every layer fills token by token.",
    )


def _flag_side(label: str, build: Callable, question: str, ok: bool) -> SideFn:
    def side(run: SideRun) -> Side:
        llm = run.llm(build)
        return stream_side(label, lambda: m.stream_answer(llm, question), chunks_verdict, ok, run)

    return side


def demo_streaming_flag(question: str) -> None:
    st.markdown(
        'The seed\'s first mistake is "Forgetting `streaming=True`". Measured: with the flag '
        "**unset**, `.stream()` streams; the real mistake is an explicit `streaming=False` (or "
        "`disable_streaming=True`), which turns `.stream()` into one `AIMessage` at the end."
    )
    render_sources(
        [m.build_llm_streaming_off, m.stream_answer],
        [m.build_llm_without_flag, m.stream_answer],
        ("`streaming=False` set explicitly.", "`streaming` not set at all."),
    )

    def invoke_tokens(ctx: RunContext) -> Saved:
        """What `streaming=True` does change: `on_llm_new_token` calls during `invoke()`."""
        builds = {"unset": m.build_llm_without_flag, "streaming=True": m.build_llm_streaming_on}
        counts, error = catch_error(lambda: {
            flag: m.count_invoke_tokens(build(ctx.config, max_tokens=MAX_TOKENS), question)
            for flag, build in builds.items()
        })  # fmt: skip
        if error is not None:
            render_run_error(error, partial=False)
        return {"invoke_tokens": counts}

    def show(saved: Saved) -> None:
        if (counts := saved.get("invoke_tokens")) is not None:
            st.markdown(
                "**So what does `streaming=True` do?** It makes `.invoke()` stream under the hood:"
            )
            show_source(m.TokenCounter, m.count_invoke_tokens)
            table = {
                "llm built with": list(counts),
                "on_llm_new_token calls during invoke()": list(counts.values()),
            }
            st.dataframe(pd.DataFrame(table), hide_index=True)
        render_pair_arrival("streaming_flag", saved["pair"])

    run_pair(
        "streaming_flag",
        question,
        _flag_side("mistake: streaming=False", m.build_llm_streaming_off, question, False),
        _flag_side("fix: streaming unset", m.build_llm_without_flag, question, True),
        extra=invoke_tokens,
        show=show,
        layers_notice="**Here** `streaming=False` asks the server for the whole answer: one update "
        "in every layer, at the end. Unset, every layer streams.",
    )
