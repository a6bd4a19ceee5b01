import streamlit as st

from components.charts import render_arrival
from components.code_panel import show_source
from components.metric_cards import render_metric_cards
from components.parallel_view import (
    render_checks,
    render_concurrency,
    render_parallel_stream,
    run_baseline,
)
from components.progress import mark_ran
from components.provider_sidebar import current_provider
from streamlab.branches import build_branch_models, concurrency, describe_total, parallel_checks
from streamlab.recipes.parallel import (
    add_up,
    build_parallel,
    stream_one_after_the_other,
    stream_parallel,
)
from streamlab.recorder import StreamRecorder

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

question = st.text_input("Question", "Explain RAG", key="par_question")
max_tokens = st.slider("max_tokens per branch", 20, 300, 120, step=10, key="par_max_tokens")
baseline_on = st.checkbox("Also time the branches one after the other (the baseline)", value=True,
                          key="par_sequential")
show_source(build_parallel, stream_parallel, add_up, stream_one_after_the_other, caption=(
    "`short` and `detailed` are ChatOpenAI models from the sidebar's provider. With the embedded "
    "simulator they are `sim-fast` and `sim-detailed`: `detailed` waits 4× the sidebar's TTFT and "
    "streams at 0.4× its speed, like gpt-4 next to gpt-3.5-turbo."))

if st.button("Run", key="par_run", type="primary"):
    if not question.strip():
        st.error("Type a question first: the prompt is empty.")
        st.stop()
    mark_ran("parallel")
    models = build_branch_models(current_provider(), max_tokens=max_tokens)
    parallel = build_parallel(**models)
    recorder = StreamRecorder(label="parallel")
    board, columns = render_parallel_stream(
        recorder, lambda: stream_parallel(parallel, question), list(models), max_tokens=max_tokens,
        captions={name: f"model `{llm.model_name}`" for name, llm in models.items()}, key="par_text")
    summary = recorder.summary()
    for name, column in zip(models, columns, strict=True):
        with column:
            render_metric_cards(summary["branches"].get(name, {}), columns=BRANCH_CARDS)
    baseline = StreamRecorder(label="one after the other") if baseline_on else None
    if baseline and not run_baseline(baseline, lambda: stream_one_after_the_other(models, question)):
        baseline = None

    st.subheader("Concurrent, not one after the other")
    render_concurrency(concurrency(summary, baseline.summary() if baseline else None))
    st.subheader("What the chunks prove")
    render_checks(parallel_checks(board, models))
    st.code(f"add_up(chunks) → {describe_total(board.total)}", language=None, wrap_lines=True)
    st.subheader("When did each branch's text arrive?")
    frames = [recorder.to_dataframe(), *([baseline.to_dataframe()] if baseline else [])]
    render_arrival(frames, key="par_arrival")
    st.caption(
        "One line per branch (dotted: its TTFT). In the parallel run both lines start climbing "
        "almost together; in the baseline, `detailed` cannot start before `short` has finished."
    )
