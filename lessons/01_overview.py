import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.predict import PredictThenRun
from components.run.predictions import PREDICTIONS
from components.run.take_home import render_take_home
from components.views.overview import LANES, replay_both, run_both, show_results
from streamlab.recipes.overview import invoke_result, stream_chunks

st.title("Overview & mental model")
st.caption("`invoke() → result` versus `stream() → chunk → chunk → chunk`, on the same prompt.")
st.markdown(
    "Every LangChain runnable has both methods. `invoke()` hands you one finished `AIMessage`; "
    "`stream()` hands you `AIMessageChunk`s while the model is still writing. Press **Run** to send "
    "the same prompt both ways, **one after the other** (first `invoke()`, then `stream()`; the "
    "race where both leave together is the next lesson), and watch each run travel through the "
    "seed's diagram **Input → Runnable (LLM) → Token Stream → UI / Client** (amber = busy, green = "
    "done). **Notice** that the invoke screen stays blank until its whole answer is back, while "
    "the streamed text starts after a fraction of that wait, and that the cards give both runs "
    "about the same total time."
)
st.warning(
    "**The seed's code** builds `ChatOpenAI(streaming=True)` before calling `.stream()`. "
    "**Actually** the flag is not needed: the model below is built without it and still streams "
    "chunk by chunk (count them in the cards)."
)

prompt = st.text_input("Prompt", "Explain streaming runnables", key="ov_prompt")
show_source(invoke_result, stream_chunks, caption="`llm` is the ChatOpenAI built from the sidebar.")
NOTICE = (
    " **On this page** the `llm.invoke()` tab has one update per layer, all at about the same "
    "late moment; in the `llm.stream()` tab the browser shows the first words a few tens of "
    "ms after the server sent them, long before the answer is done."
)
timed = TimedRun("overview", key="ov")
predict = PredictThenRun("overview", PREDICTIONS["overview"], key="ov")


@st.fragment  # Run reruns only this panel; the browser's report (a rerun) then redraws the last run
def run_panel(prompt: str) -> None:
    predict.ask()
    timed.panel(
        prompt=prompt,
        lanes=LANES,
        run=predict.run(lambda ctx: run_both(ctx, prompt)),
        replay=replay_both,
        show=predict.show(show_results),
        layers_intro=NOTICE,
    )


run_panel(prompt)
render_take_home("overview", {"PROMPT": prompt})
