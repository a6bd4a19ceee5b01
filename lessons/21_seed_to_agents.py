import streamlit as st

from components.code_panel import show_source
from components.run.layered import LAYERS_INTRO
from components.run.panel import TimedRun
from components.run.take_home import render_take_home
from components.views.seed_to_agents import (
    SSE_KEY,
    SSE_LANE,
    SSE_NOTE,
    reached_tokens,
    replay_sse,
    run_pairs,
    run_sse,
    show_pairs,
    show_sse,
)
from streamlab.demos.seed_to_agents import DOCS_SCRIPT, PAIRINGS
from streamlab.recipes.seed_to_agents import (
    agent_sse_events,
    chat_agent_sse,
    read_agent_sse,
    step_data,
    stream_steps,
    stream_tokens,
)

st.title("From the seed to LangChain 1.x")
st.caption("Each streaming idea of the seed, next to its form for an agent, both run live and counted.")
st.markdown(
    "The seed streams a chain; the LangChain 1.x docs stream an agent built with `create_agent`. "
    "The ideas carry over, the shapes change. Each row runs the seed lessons' own code on the left "
    "and the agent of *Streaming an agent* on the right, on the same question. **Notice** that "
    "the agent's first piece comes later (a whole model call and the tools come first), but every "
    "piece says what it is: which node, which tool, which kind of event."
)
question = st.text_input("Question", "What is the weather and local time in Paris?", key="s2a_question")
ids = st.multiselect(
    "Pairs to run", [p.id for p in PAIRINGS], default=[p.id for p in PAIRINGS], key="s2a_rows"
)
show_source(
    stream_tokens, stream_steps, caption="The v3 row runs `watch_agent` of *Event streaming v3*."
)
TimedRun("seed_to_agents", key="s2a", label="Run the pairs").panel(
    prompt=question,
    problem=None if ids else "Pick at least one pair.",
    lanes={},  # counts, not text drawn token by token: nothing to time in three layers
    run=lambda ctx: run_pairs(ctx, question, ids),
    show=show_pairs,
)

st.divider()
st.subheader("The FastAPI pattern, for an agent")
st.markdown(
    "The seed's route returns `StreamingResponse(token_stream())`: bare text, fine for one chain. "
    "An agent also has steps to show, so the route streams **Server-Sent Events**: `step` after "
    'each node (from `stream_mode="updates"`) and `token` for each word of the answer (from '
    '`"messages"`), one `astream` with both modes. The chat server of *Streaming + FastAPI* serves '
    "it at `/agent/sse`, behind the same guards as its other routes (loopback `Host` only, a bounded "
    "question, a step limit); the client below is the page's own."
)
show_source(step_data, agent_sse_events, chat_agent_sse, read_agent_sse)
sse = TimedRun("seed_to_agents", key="s2a_sse", label="Ask the agent over SSE")


@st.fragment  # a click reruns only this panel; the probe's report (a rerun) redraws the last run
def sse_panel(question: str) -> None:
    sse.panel(
        prompt=question,
        lanes={SSE_LANE: SSE_KEY},
        run=lambda ctx: run_sse(ctx, question),
        replay=replay_sse,
        show=show_sse,
        reached_lanes=reached_tokens,
        layers_intro=f"{LAYERS_INTRO}\n\n{SSE_NOTE}",
    )


sse_panel(question)

st.divider()
st.subheader("Your own agent code, as the docs write it")
st.markdown(
    "Code copied from the LangChain 1.x docs runs against the simulator unchanged: start it with "
    "`python -m streamlab.server`, then run the script with `OPENAI_BASE_URL=http://127.0.0.1:8765/v1` "
    "and any `OPENAI_API_KEY`. `gpt-5-nano` answers like the lessons' models."
)
st.code(DOCS_SCRIPT, language="python")
render_take_home("seed_to_agents", {"QUESTION": question})
