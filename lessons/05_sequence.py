import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.predict import PredictThenRun
from components.run.predictions import PREDICTIONS
from components.run.take_home import render_take_home
from components.views.sequence import NAMES, out_key, replay_variants, run_variants, show_comparison
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
variants = TimedRun("sequence", key="seq")
predict = PredictThenRun("sequence", PREDICTIONS["sequence"], key="seq")


@st.fragment  # Run reruns only this panel, so the requests leave sooner (bench/perceived_latency.py)
def run_panel() -> None:
    topic = st.text_input("Topic", "Runnable streaming", key="seq_topic")
    chosen = st.multiselect(
        "Variants to run", NAMES, default=recipes.DEFAULT_VARIANTS, key="seq_variants"
    )
    options = chosen or NAMES
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
        show_source(*(recipes.VARIANTS[name] for name in chosen or NAMES[:1]))
    predict.ask()
    variants.panel(
        prompt=topic,
        problem=None if chosen else "Pick at least one variant to run.",
        lanes={name: out_key(name) for name in chosen},
        run=predict.run(lambda ctx: run_variants(ctx, chosen, topic, timeline_for)),
        replay=replay_variants,
        show=predict.show(show_comparison),
    )
    render_take_home("sequence", {"TOPIC": topic, "CHOSEN": chosen})


run_panel()
