import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.take_home import render_take_home
from components.views.subagents import TEXT_KEYS, reached_answers, replay_team, run_team, show_team
from streamlab.recipes.subagents import build_team, stream_team, stream_team_flat

st.title("Subgraphs and subagents")
st.caption("Two agents as the nodes of one graph, streamed side by side with their namespaces.")
st.markdown(
    "A subagent is a whole agent used as one node of a bigger graph: a **subgraph**. Here two "
    "`create_agent` agents, each with its own tool, are nodes of a parent `StateGraph`, both "
    "started by edges from `START`: the agent-era `RunnableParallel`. With "
    "`stream(..., subgraphs=True)` every part says where it came from, as a `(namespace, mode, "
    "data)` triple: `()` is the parent graph, `('weather:<task id>',)` is inside the weather agent. "
    "**Notice** both lanes filling at once, each with its own steps, the weather tool's progress "
    "and its answer's tokens, while the parent's lane only hears of a subagent when it is done."
)
st.markdown(
    "| Stream it… | a part is | you see a subagent's… |\n|---|---|---|\n"
    "| `subgraphs=True` | `(namespace, mode, data)` | steps, tool progress and tokens, live |\n"
    "| without | `(mode, data)` of the parent | messages whole, once it has finished: no tokens, "
    "no `custom` progress |"
)
question = st.text_input("Question", "What is the weather and local time in Paris?", key="sub_question")
subgraphs = st.toggle("`subgraphs=True`", value=True, key="sub_subgraphs")
show_source(build_team, stream_team if subgraphs else stream_team_flat)
team = TimedRun("subagents", key="sub")


@st.fragment  # a click reruns only this panel; the probe's report (a rerun) redraws the last run
def run_panel(question: str, subgraphs: bool) -> None:
    team.panel(
        prompt=question,
        lanes=TEXT_KEYS,
        run=lambda ctx: run_team(ctx, question, subgraphs=subgraphs),
        replay=replay_team,
        show=show_team,
        reached_lanes=reached_answers,
        layers_titles={"weather": "the weather agent's answer", "clock": "the time agent's answer"},
    )


run_panel(question, subgraphs)
render_take_home("subagents", {"QUESTION": question, "SUBGRAPHS": subgraphs})
