import streamlit as st

from components.code_panel import show_source
from components.run.live_output import render_run_error
from components.run.progress import mark_ran
from components.sidebar import current_provider
from components.views.can_cannot_stream import render_chunk_strip
from streamlab.client.providers import build_chat_model
from streamlab.demos.can_cannot_stream import measure_cases, to_components_table, verdict_counts
from streamlab.measure.streamability import MIN_SPREAD_SHARE
from streamlab.recipes import can_cannot_stream as recipes

SIM_LATENCY = {"ttft_ms": 100, "tokens_per_s": 150}  # enough time for "early" vs "at the end" to show

st.title("What can and cannot stream")
st.caption("The seed's table, every row measured live instead of claimed.")
st.markdown(
    "Each row streams one runnable with `.stream()` and times every chunk. Steps that *change* a "
    "stream (lambdas, generators, parsers) are measured right after the model. **Verdict:** "
    f"*streams* when several chunks carry text and they spread over at least {MIN_SPREAD_SHARE:.0%} of "
    "the run; *partial* when there are several chunks but they all arrive together at the end; "
    "*doesn't* when the whole output is one chunk."
)
st.warning(
    "**The seed says** `RunnableLambda` ❌ and `RunnableSequence` ✅ *if the final step streams*. "
    "**Actually** a `RunnableLambda` around a generator yields many chunks, all after the model "
    "finished; `RunnableGenerator` streams; and a sequence streams only if **every step from the LLM "
    "onward** streams: `plain lambda | StrOutputParser()` ends in a streaming step yet gives 1 chunk. "
    "The seed's table also leaves out parsers: `StrOutputParser` streams, and `JsonOutputParser` "
    "streams *cumulative* partial objects (`{}` → `{'topic': ''}` → …)."
)
with st.expander("The code behind each row"):
    show_source(
        *dict.fromkeys(case.build for case in recipes.CASES),
        recipes.build_retriever,
        caption="`llm` is the sidebar's model; the simulator is pinned at "
        f"{SIM_LATENCY['ttft_ms']} ms TTFT and {SIM_LATENCY['tokens_per_s']} tokens/s here.",
    )

if st.button("Run", key="cc_run", type="primary"):
    mark_ran("can_cannot_stream")
    llm = build_chat_model(current_provider(), sim=SIM_LATENCY)
    table, results = st.empty(), []
    try:
        with st.status(f"Measuring {len(recipes.CASES)} rows…", expanded=False) as status:
            for case, measurement in measure_cases(recipes.CASES, llm):
                results.append((case, measurement))
                table.dataframe(to_components_table(results), hide_index=True)
                status.update(label=f"Measured {len(results)}/{len(recipes.CASES)}: {case.component}")
            status.update(label="All rows measured", state="complete")
    except Exception as exc:  # e.g. a bad key: keep the rows measured so far
        render_run_error(exc, partial=bool(results))
    table.empty()
    st.session_state["cc_results"] = results

if results := st.session_state.get("cc_results"):
    rows = to_components_table(results)
    for column, (verdict, count) in zip(st.columns(3), verdict_counts(results).items(), strict=False):
        column.metric(verdict, count)
    st.dataframe(rows, hide_index=True, height=35 * len(rows) + 38, key="cc_table")  # no scrolling
    st.markdown(
        "**Notice** the LLM, `RunnableGenerator`, the parsers and the seed chain spread their ticks "
        "over the run, while a plain `RunnableLambda` (even as the second-to-last step) puts everything "
        "at the end, and the prompt and the retriever answer at once in a single chunk."
    )
    render_chunk_strip(
        [m.frame for _, m in results], {m.label: m.verdict for _, m in results}, key="cc_strip"
    )
    st.caption(
        "Chunk times are LangChain's clock (the *received by LangChain* layer). No answer is "
        "drawn here token by token, so there is no *shown in browser* layer: *Streaming an "
        "LLM directly* shows all three layers of one run."
    )
