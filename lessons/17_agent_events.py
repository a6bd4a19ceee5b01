import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.take_home import render_take_home
from components.sidebar import current_provider
from components.views.agent_events import LANES, reached_answer, replay_runs, run_both, show_runs
from streamlab.demos.agent_events import installed_versions
from streamlab.recipes.agent_events import (
    read_custom,
    read_message,
    read_messages,
    read_tool_calls,
    read_v2,
    read_values,
    watch_agent,
)

st.title("Event streaming v3")
st.caption('The same agent through `await agent.astream_events(..., version="v3")`, next to v2.')
versions = ", ".join(f"{name} {version}" for name, version in installed_versions().items())
st.warning(
    f"**Experimental** in the installed versions ({versions}). On an agent, "
    '`astream_events(version="v3")` warns `LangChainBetaWarning: The v3 streaming protocol on Pregel '
    "is experimental.` (once per process). It chooses the stream modes itself (passing "
    "`stream_mode=` raises `TypeError`); "
    "`run.custom` and `run.updates` exist only with `transformers=[CustomTransformer]` or "
    "`[UpdatesTransformer]`; each projection takes one reader (a second raises `RuntimeError`: use "
    "`.atee(n)`). v2 is stable and warns nothing.",
    icon=":material/science:",
)
st.markdown(
    "v2 hands you **one flat list**: every `on_*_start/stream/end` of every run, and you tell the "
    "answer's tokens from tool-call chunks and steps by event and run name. v3 hands you a **run "
    "object with typed projections**: `run.messages` (one stream per model call, with `.text`, "
    "`.reasoning`, `.tool_calls` and `.output`), `run.tool_calls`, `run.values`. Each projection "
    "has its own cursor, so four coroutines read four of them at once and none takes another's "
    "items. **Notice** the two runs fill at the same pace; v2 just makes you sort more."
)
st.markdown(
    "| To get… | v3 | v2 |\n|---|---|---|\n"
    "| the answer's text | `async for delta in message.text` | keep `on_chat_model_stream` chunks with "
    "text (tool-call chunks come the same way) |\n"
    "| each tool run and its result | `run.tool_calls`: a handle, then `.output` | pair `on_tool_start` "
    "with `on_tool_end` by `run_id` |\n"
    "| the state after each step | `run.values` | not there: read `on_chain_stream` outputs |\n"
    "| a tool's own progress | `run.custom` (with `CustomTransformer`) | not there: "
    "`get_stream_writer()` writes never become v2 events |\n"
    "| the final message | `await message.output`: its content is a list of content blocks | "
    "`on_chat_model_end`'s output |"
)
question = st.text_input(
    "Question", "What is the weather and local time in Paris?", key="agent_ev_question"
)
embedded = current_provider().kind == "embedded"
reasoning = st.toggle(
    "A reasoning model (the simulator's `sim-reasoning` on the Responses API), so `.reasoning` fills",
    value=False,
    key="agent_ev_reasoning_model",
    disabled=not embedded,
    help=None if embedded else "Only with the embedded simulator: pick a reasoning model yourself.",
)
show_source(read_message, read_messages, read_tool_calls, read_values, read_custom, watch_agent, read_v2)
events = TimedRun("agent_events", key="agent_ev")


@st.fragment  # a click reruns only this panel; the probe's report (a rerun) redraws the last run
def run_panel(question: str, reasoning: bool) -> None:
    events.panel(
        prompt=question,
        lanes=LANES,
        run=lambda ctx: run_both(ctx, question, reasoning=reasoning and embedded),
        replay=replay_runs,
        show=show_runs,
        reached_lanes=reached_answer,
        layers_titles={"v3": "v3: message.text", "v2": "v2: on_chat_model_stream"},
    )


run_panel(question, reasoning)
render_take_home("agent_events", {"QUESTION": question, "REASONING": reasoning and embedded})
