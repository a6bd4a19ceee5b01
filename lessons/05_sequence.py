import streamlit as st

from components.code_panel import show_source
from components.figures.charts import render_arrival, render_event_timeline
from components.run.last_run import LastRun
from components.run.layered import LayeredRun
from components.run.live_output import render_run_error, render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.progress import mark_ran
from components.sidebar import current_provider
from streamlab.client.providers import build_chat_model
from streamlab.client.validation import prompt_problem
from streamlab.measure.events import capture_events_sync, to_dataframe, to_spans
from streamlab.measure.streamability import MeasuredRun, to_table
from streamlab.recipes import sequence as recipes

st.title("RunnableSequence")
st.caption("The seed's cell 2, `RunnableLambda(...) | prompt | ChatOpenAI(...)`, plus one more step.")
st.markdown(
    "`chain.stream()` pushes chunks through the steps with each step's `transform`. Models, parsers "
    "and `RunnableGenerator` handle one chunk at a time; a plain function (`RunnableLambda`) first "
    "collects its whole input. Pick variants to compare: they run one after another, live (the metric "
    "deltas compare each with the first)."
)
st.warning(
    "**The seed says** only the final runnable (the LLM) needs streaming, and a sequence streams "
    "*if the final step streams*. **Actually** every step **from the LLM onward** must stream "
    "(implement `transform`): `… | llm | plain_function | StrOutputParser()` yields **1 chunk** "
    "although its last step streams. Steps *before* the LLM never block the stream: they only delay it."
)
with st.expander("Which import? `langchain_classic.prompts` vs `langchain_core.prompts`"):
    show_source(recipes.same_prompt_class)
    st.success(
        f"`SeedImport is CanonicalImport` → **{recipes.same_prompt_class()}**: the seed's "
        "import works, but `from langchain_core.prompts import ChatPromptTemplate` is canonical."
    )

CARDS = ("ttft_ms", "total_ms", "chunks", "content_chunks")
names = list(recipes.VARIANTS)


def out_key(name: str) -> str:
    return f"seq_out_{names.index(name)}"  # browser tests watch each variant's text


@st.fragment  # Run reruns only this panel, so the requests leave sooner (bench/perceived_latency.py)
def run_panel() -> None:
    topic = st.text_input("Topic", "Runnable streaming", key="seq_topic")
    chosen = st.multiselect(
        "Variants to run", names, default=recipes.DEFAULT_VARIANTS, key="seq_variants"
    )
    options = chosen or names
    timeline_for = st.selectbox(
        "Step timeline (astream_events) for", options, index=min(1, len(options) - 1), key="seq_timeline"
    )
    steps_tab, chains_tab = st.tabs(["The steps", "The chains you picked"])
    with steps_tab:
        show_source(
            recipes.build_seed_chain,
            recipes.shout,
            recipes.shout_words,
            recipes.shout_chunks,
            recipes.look_up_topic,
            caption="`prompt = ChatPromptTemplate.from_template("
            '"Explain this concept briefly:\\n{topic}")`; `llm` comes from the sidebar.',
        )
    with chains_tab:
        show_source(*(recipes.VARIANTS[name] for name in chosen or names[:1]))

    layered, last = LayeredRun("seq"), LastRun("seq_last")  # the probe's report reruns this
    if ran_now := st.button("Run", key="seq_run", type="primary"):
        if problem := prompt_problem(topic) or (None if chosen else "Pick at least one variant to run."):
            st.error(problem)
            st.stop()
        mark_ran("sequence")
        config, lanes = current_provider(), layered.start({name: out_key(name) for name in chosen})
        results, lives, summaries = [], {}, []
        for name in chosen:  # one LLM request per variant, each with its own server trace
            st.markdown(f"**{name}**")
            run, llm = MeasuredRun(name), build_chat_model(config, sim=lanes[name].sim)
            chunks = run.stream(recipes.VARIANTS[name](llm), topic)
            lives[out_key(name)] = render_text_stream(chunks, key=out_key(name))
            layered.finish(name, run.recorder, config)
            summaries.append(run.recorder.summary())
            render_metric_cards(summaries[-1], columns=CARDS, delta_from=first_of(summaries))
            results.append(run.result())
        timeline_error = None
        try:
            with st.spinner(f"Recording the events of “{timeline_for}”…"):
                captured = capture_events_sync(
                    recipes.VARIANTS[timeline_for](build_chat_model(config)), topic
                )
        except Exception as exc:
            render_run_error(exc, partial=False)
            captured, timeline_error = None, exc
        last.save(
            **lives,
            ran=chosen,
            summaries=summaries,
            table=to_table(results),
            frames=[m.frame for m in results],
            ttft={m.label: m.ttft_ms for m in results},
            timeline_for=timeline_for,
            spans=to_spans(captured or []),
            events=to_dataframe(captured or []),
            timeline_error=timeline_error,
        )
    elif done := last.get():
        for index, name in enumerate(done["ran"]):
            st.markdown(f"**{name}**")
            last.replay_text(key=out_key(name), field=out_key(name))
            render_metric_cards(
                done["summaries"][index],
                columns=CARDS,
                delta_from=first_of(done["summaries"][: index + 1]),
            )
        if done["timeline_error"] is not None:
            render_run_error(done["timeline_error"], partial=False)
    if (done := last.get()) is not None:
        render_results(done, layered)
    if ran_now:
        layered.end()  # everything is drawn: the browser may report (one rerun)


def first_of(summaries: list) -> dict | None:
    """The first variant's summary, as the metric deltas' base (None for the first one itself)."""
    return summaries[0] if len(summaries) > 1 else None


def render_results(done: dict, layered: LayeredRun) -> None:
    st.subheader("Compare the variants")
    st.dataframe(done["table"], hide_index=True, key="seq_table")
    st.markdown(
        "**Notice** `first text` vs `LLM done`: after a plain function, or a generator inside "
        "`RunnableLambda`, nothing arrives before the model has finished. `RunnableGenerator`, a bare "
        "generator function and `StrOutputParser` keep streaming; a slow step *before* the LLM shifts "
        "the curve right without flattening it."
    )
    render_arrival(done["frames"], done["ttft"], key="seq_arrival")
    st.markdown(f"**Each step** of “{done['timeline_for']}” (bar: start → end; tick: stream event)")
    render_event_timeline(done["spans"], done["events"], key="seq_timeline_chart")
    st.subheader("From the server to your screen, per variant")
    st.markdown(
        "**Notice** in the tabs: after a plain function (or a generator inside `RunnableLambda`) "
        "LangChain and the browser both get the text only after the server finished sending, "
        "while the streaming variants follow the server closely. Upper-cased text can count a few "
        "characters more than the server sent (`shout_words` adds a space after each word)."
    )
    layered.render(key="seq_layers")


run_panel()
