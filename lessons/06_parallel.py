import streamlit as st

from components.code_panel import show_source
from components.figures.arrival import render_arrival
from components.run.last_run import LastRun
from components.run.layered import LayeredRun
from components.run.metric_cards import render_metric_cards
from components.run.progress import mark_ran
from components.sidebar import current_provider
from components.views.parallel import (
    render_checks,
    render_concurrency,
    render_parallel_board,
    render_parallel_stream,
    run_baseline,
)
from streamlab.demos.parallel import (
    BRANCH_MODELS,
    BranchRecording,
    build_branch_models,
    concurrency,
    describe_total,
    parallel_checks,
)
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.parallel import (
    add_up,
    build_parallel,
    stream_one_after_the_other,
    stream_parallel,
)

BRANCH_CARDS = ("ttft_ms", "total_ms", "chunks")

st.title("RunnableParallel")
st.caption("The seed's cell 3: `short` and `detailed` answer the same question at the same time.")
st.markdown(
    "`RunnableParallel(short=…, detailed=…)` hands the input to every branch at once (on a thread "
    "pool). Its `.stream()` yields each chunk the moment *any* branch produces one, wrapped in a dict "
    "with that branch's key. **Notice** that `short` starts and finishes first while `detailed` is "
    "still thinking, that every chunk has exactly one key, and that the whole run lasts about as long "
    "as the slowest branch, not as long as both together."
)
st.warning(
    "**The seed shows** only `{'short': …}` chunks, which reads as if `short` streams first and "
    "`detailed` after it. **Actually** its printout is just cut off: both branches stream at the same "
    "time and their chunks interleave. Watch the raw log below, and the checks under it."
)


@st.fragment  # Run reruns only this panel, so the requests leave sooner (bench/perceived_latency.py)
def run_panel() -> None:
    question = st.text_input("Question", "Explain RAG", key="par_question")
    max_tokens = st.slider("max_tokens per branch", 20, 300, 120, step=10, key="par_max_tokens")
    baseline_on = st.checkbox(
        "Also time the branches one after the other (the baseline)", value=True, key="par_sequential"
    )
    show_source(
        build_parallel,
        stream_parallel,
        add_up,
        stream_one_after_the_other,
        caption=(
            "`short` and `detailed` are ChatOpenAI models from the sidebar's provider. "
            "With the embedded simulator they are `sim-fast` and `sim-detailed`: "
            "`detailed` waits 4× the sidebar's TTFT and streams at 0.4× its speed, "
            "like gpt-4 next to gpt-3.5-turbo."
        ),
    )

    layered, last = LayeredRun("par"), LastRun("par_last")  # the probe's report reruns this
    if ran_now := st.button("Run", key="par_run", type="primary"):
        if not question.strip():
            st.error("Type a question first: the prompt is empty.")
            st.stop()
        mark_ran("parallel")
        config = current_provider()
        # One lane per branch: each branch's request gets its own server trace.
        lanes = layered.start({name: f"par_text_{name}" for name in BRANCH_MODELS})
        models = build_branch_models(
            config, max_tokens=max_tokens, extra_sims={name: lane.sim for name, lane in lanes.items()}
        )
        parallel = build_parallel(**models)
        recorder = StreamRecorder(label="parallel")
        captions = {name: f"model `{llm.model_name}`" for name, llm in models.items()}
        board, columns = render_parallel_stream(
            recorder,
            lambda: stream_parallel(parallel, question),
            list(models),
            max_tokens=max_tokens,
            captions=captions,
            key="par_text",
        )
        for name in models:
            layered.finish(name, BranchRecording(recorder, name), config)
        summary = recorder.summary()
        draw_branch_cards(summary, columns, list(models))
        baseline = StreamRecorder(label="one after the other") if baseline_on else None
        if baseline and not run_baseline(baseline, lambda: stream_one_after_the_other(models, question)):
            baseline = None
        done = last.save(
            board=board,
            names=list(models),
            captions=captions,
            max_tokens=max_tokens,
            summary=summary,
            timing=concurrency(summary, baseline.summary() if baseline else None),
            checks=parallel_checks(board, models),
            frames=[recorder.to_dataframe(), *([baseline.to_dataframe()] if baseline else [])],
        )
    elif done := last.get():
        columns = render_parallel_board(
            done["board"],
            done["names"],
            max_tokens=done["max_tokens"],
            captions=done["captions"],
            key="par_text",
        )
        draw_branch_cards(done["summary"], columns, done["names"])
    if done:
        render_results(done, layered)
    if ran_now:
        layered.end()  # everything is drawn: the browser may report (one rerun)


def draw_branch_cards(summary: dict, columns: list, names: list[str]) -> None:
    for name, column in zip(names, columns, strict=True):
        with column:
            render_metric_cards(summary["branches"].get(name, {}), columns=BRANCH_CARDS)


def render_results(done: dict, layered: LayeredRun) -> None:
    st.subheader("Concurrent, not one after the other")
    render_concurrency(done["timing"])
    st.subheader("What the chunks prove")
    render_checks(done["checks"])
    st.code(f"add_up(chunks) → {describe_total(done['board'].total)}", language=None, wrap_lines=True)
    st.subheader("When did each branch's text arrive?")
    render_arrival(done["frames"], key="par_arrival")
    st.caption(
        "One line per branch (dotted: its TTFT). In the parallel run both lines start climbing "
        "almost together; in the baseline, `detailed` cannot start before `short` has finished."
    )
    st.subheader("From the server to your screen, per branch")
    st.markdown(
        "**Notice** that both tabs count from the same request start, and each branch's *shown in "
        "browser* row starts right after its own *sent by server* row: `detailed` reaches your "
        "screen only its longer TTFT later, while `short` is still being painted, not after it."
    )
    st.caption(
        "Layers are measured for the parallel run only; the one-after-the-other baseline has none."
    )
    layered.render(key="par_layers")


run_panel()
