import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.take_home import render_take_home
from components.views.tool_calls import (
    ANSWER,
    ANSWER_NOTE,
    ARGS_SIM,
    reached_answer,
    replay_steps,
    run_steps,
)
from streamlab.recipes.tool_calls import (
    add_up,
    bind_weather_tool,
    get_weather,
    run_tool_calls,
    stream_final_answer,
    stream_tool_call,
)

st.title("Streaming tool calls")
st.caption("Beyond the seed: when the model calls a tool, what streams is partial JSON, not text.")
st.markdown(
    "Bind a tool to the model and it may answer with a **tool call** instead of text. While "
    "streaming, each `AIMessageChunk` then carries `tool_call_chunks` whose `args` is a raw slice "
    'of a JSON string: `{"cit`, `y": "`, `San F`… No single slice is usable on its own. '
    "**Notice** the table: adding the chunks up (`chunk1 + chunk2 + …`) joins the slices, and the "
    "running sum's `tool_calls` parses whatever is complete so far. Only the finished sum holds "
    "the call you can run (langchain #31620)."
)
question = st.text_input(
    "Question", "What's the weather in San Francisco for the next 3 days?", key="tools_question"
)
show_source(
    get_weather.func, bind_weather_tool, stream_tool_call, add_up, run_tool_calls, stream_final_answer
)
tools = TimedRun("tool_calls", key="tools")


@st.fragment  # Run reruns only this panel; the probe's report (a rerun) redraws the last run
def run_panel(question: str) -> None:
    tools.panel(
        prompt=question,
        lanes={ANSWER: "tools_answer"},
        run=lambda ctx: run_steps(ctx, question),
        replay=replay_steps,
        layers_intro=ANSWER_NOTE,
        reached_lanes=reached_answer,
    )


run_panel(question)
render_take_home("tool_calls", {"QUESTION": question, "ARGS_SIM": ARGS_SIM})
