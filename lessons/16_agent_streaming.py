import streamlit as st

from components.code_panel import show_source
from components.run.layered import LAYERS_INTRO
from components.run.panel import TimedRun
from components.run.take_home import render_take_home
from components.views.agent_streaming import (
    ANSWER,
    ANSWER_KEY,
    reached_answer,
    replay_agent,
    run_agent,
    show_agent,
)
from streamlab.demos.agent_streaming import MODES
from streamlab.recipes.agent_streaming import ask, build_agent, get_local_time, get_weather, stream_agent

st.title("Streaming an agent")
st.caption("LangChain 1.x: `create_agent(...).stream(stream_mode=...)`, one lane per mode.")
st.markdown(
    "An agent is a loop: the model asks for tools, the tools run, the model answers. "
    "`agent.stream()` can show that loop in four ways, its **stream modes**, alone or several at "
    "once. This agent has two tools; `get_weather` reports its progress through "
    "`get_stream_writer()`. **Notice** that the answer's words arrive in `messages` token by "
    "token, long before `updates` hands over the finished answer, and that `custom` is the only "
    "mode that shows the slow tool while it works."
)
st.markdown(
    "| To show… | use | what it yields here |\n|---|---|---|\n"
    "| the answer as it is written | `messages` | `(AIMessageChunk, metadata)` per token; "
    "also tool-call chunks and tool results |\n"
    "| which step the agent is on | `updates` | `{node: update}` after each node: `model`, `tools`… |\n"
    "| a tool's own progress | `custom` | whatever the tool passed to `get_stream_writer()` |\n"
    "| the whole state each step (to redraw a chat from scratch) | `values` | the full state |"
)
question = st.text_input(
    "Question", "What is the weather and local time in Paris?", key="agent_question"
)
modes = st.multiselect("stream_mode", MODES, default=list(MODES), key="agent_modes")
st.caption(
    "One mode: each chunk is that mode's data. A list: each chunk is a `(mode, data)` pair. "
    "Only `messages` carries the answer token by token, so only then is it timed in three layers."
)
show_source(get_weather.func, get_local_time.func, build_agent, ask, stream_agent)
agent = TimedRun("agent_streaming", key="agent")


@st.fragment  # a click reruns only this panel; the probe's report (a rerun) redraws the last run
def run_panel(question: str, modes: list[str]) -> None:
    agent.panel(
        prompt=question,
        problem=None if modes else "Pick at least one stream mode.",
        lanes={ANSWER: ANSWER_KEY} if "messages" in modes else {},
        run=lambda ctx: run_agent(ctx, question, modes),
        replay=replay_agent,
        show=show_agent,
        reached_lanes=reached_answer,
        layers_intro=f"{LAYERS_INTRO}\n\n**Here** the clocks start when the agent starts: the "
        "first model call and the tools come before the first answer token.",
    )


run_panel(question, modes)
render_take_home("agent_streaming", {"QUESTION": question, "MODES": modes})
