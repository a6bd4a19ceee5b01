import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.take_home import render_take_home
from components.sidebar import current_provider
from components.views.reasoning import (
    LANES,
    reached_answer,
    replay_thinking,
    run_efforts,
    run_thinking,
    show_efforts,
    show_thinking,
)
from streamlab.demos.reasoning import EFFORTS, model_choices
from streamlab.recipes.reasoning import stream_thinking, thinking

st.title("Reasoning tokens")
st.caption(
    "A reasoning model thinks before it answers: `ChatOpenAI(use_responses_api=True, "
    'reasoning={"effort": ..., "summary": "auto"})` streams a summary of its thoughts first.'
)
st.markdown(
    "Reasoning models (OpenAI's o-series and GPT-5, and the simulator's `sim-reasoning`) spend "
    "hidden *reasoning tokens* before the first word of the answer. On the Responses API they can "
    "also stream a **summary** of that thinking. LangChain hands both over in the same "
    "`AIMessageChunk`s, as standard content blocks: `reasoning` for the summary, `text` for the "
    "answer. **Notice** the two first-token times: the first thought comes about as soon as a "
    "plain model's first word would, the first answer word only when the thinking is done. Chat "
    "UIs show the thoughts in a folded *Thinking…* line that fills live; open it while it runs."
)
provider = current_provider()
model = st.selectbox("Model", model_choices(provider.kind, provider.model), key="reasoning_model")
effort = st.segmented_control("Reasoning effort", EFFORTS, default="low", key="reasoning_effort")
question = st.text_input("Question", "Explain RAG", key="reasoning_question")
show_source(
    thinking,
    stream_thinking,
    caption="`llm = ChatOpenAI(model=model, **thinking(effort))`, with the sidebar's base URL and key.",
)
answer = TimedRun("reasoning", key="reasoning")
efforts = TimedRun("reasoning", key="reasoning_efforts", label="Compare the efforts")


@st.fragment  # a click reruns only this panel; the probe's report (a rerun) redraws the last run
def run_panel(question: str, model: str, effort: str | None) -> None:
    answer.panel(
        prompt=question,
        problem=None if effort else "Pick a reasoning effort.",
        lanes=LANES,
        run=lambda ctx: run_thinking(ctx, question, model=model, effort=effort or "low"),
        replay=replay_thinking,
        show=show_thinking,
        reached_lanes=reached_answer,
        layers_titles={"thoughts": "the thoughts (summary)", "answer": "the answer"},
    )


run_panel(question, model, effort)

st.divider()
st.subheader("What does the effort change?")
st.markdown(
    "More effort, more thinking: the same question at `low`, `medium` and `high`, one after the "
    "other. **Notice** that the first thought arrives just as soon each time, while the first "
    "answer word and the hidden reasoning tokens (billed as output) grow with the effort."
)
efforts.panel(
    prompt=question, lanes={}, run=lambda ctx: run_efforts(ctx, question, model=model), show=show_efforts
)
render_take_home(
    "reasoning", {"QUESTION": question, "REASONING_MODEL": model, "EFFORT": effort or "low"}
)
