import streamlit as st

from components.code_panel import show_source
from components.room import ShareWithRoom
from components.run.panel import TimedRun
from components.run.predict import PredictThenRun
from components.run.predictions import PREDICTIONS
from components.run.take_home import render_take_home
from components.views.why_streaming import LANES, race_result, replay_race, run_race, show_race
from streamlab.recipes.why_streaming import invoked_lane, streamed_lane

st.title("Why streaming matters")
st.caption("A race: the same prompt, streamed and not streamed, started at the same moment.")
st.markdown(
    "Two requests leave together, one through `llm.stream()`, one through `llm.invoke()`. The "
    "number that matters to a person is **time until they see something**; the number that matters "
    "to a program is **time until done**. **Notice** that streaming wins the first by a wide margin "
    "and does not win the second at all: both answers finish at about the same moment."
)
st.warning(
    '**The seed says** that with streaming "tokens arrive immediately". **Actually** the first '
    "token still waits for the model's time to first token (TTFT, set in the sidebar): streaming "
    "removes the wait for the *rest* of the answer, not that first wait, and it does not finish sooner."
)

prompt = st.text_input("Prompt", "Explain why streaming tokens matters", key="why_prompt")
show_source(streamed_lane, invoked_lane)
st.caption(
    "Each lane runs in its own thread and both wait at a barrier, so the requests leave "
    "together; this page drains their shared queue into the two columns."
)
NOTICE = (
    " **In this race** the `llm.invoke()` tab has one update per layer, all near the end; in the "
    "`llm.stream()` tab your browser shows the first words a few tens of ms after the server "
    "sent them. That gap, not the model, is the cost of showing text live."
)
race = TimedRun("why_streaming", key="why")
predict = PredictThenRun("why_streaming", PREDICTIONS["why_streaming"], key="why")
sharing = ShareWithRoom("why_streaming", key="why")


@st.fragment  # Run reruns only this panel; the browser's report (a rerun) then redraws the last run
def run_panel(prompt: str) -> None:
    predict.ask()
    sharing.ask()
    race.panel(
        prompt=prompt,
        lanes=LANES,
        run=sharing.run(predict.run(lambda ctx: run_race(ctx, prompt)), race_result),
        replay=replay_race,
        show=sharing.show(predict.show(show_race)),
        layers_intro=NOTICE,
    )


run_panel(prompt)
render_take_home("why_streaming", {"PROMPT": prompt})
