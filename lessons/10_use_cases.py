import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.take_home import render_take_home
from components.sidebar import current_provider
from components.views.use_cases import long_form
from components.views.use_cases.agent_status import replay_agent, run_agent
from components.views.use_cases.chat import render_chat
from streamlab.recipes import use_cases as uc

st.title("Use cases")
st.caption("Three of the seed's use cases, built for real: a chat app, agent steps, long-form text.")
chat_tab, agent_tab, long_tab = st.tabs(
    [":material/chat: Chat app", ":material/travel_explore: Agent steps", ":material/article: Long-form"]
)

with chat_tab:
    st.markdown(
        "`st.chat_input` → history in `st.session_state` → `st.write_stream` for the reply. **Stop** "
        "is real: a click interrupts the running script at its next `st.*` call, and a `finally` "
        "closes the stream, so the HTTP response ends and the model stops. **Notice** the stopped "
        "reply stays in the history, marked *(stopped)*, with what the simulator counted."
    )
    show_source(uc.build_chat, uc.stream_reply)
    stop_after = st.number_input(
        "Stop after N tokens (0 = let it finish)",
        0,
        500,
        0,
        key="uc_stop_after",
        help="A repeatable Stop: the reply closes its stream by itself.",
    )
    render_chat(current_provider(), stop_after=stop_after or None)

with agent_tab:
    st.markdown(
        "An agent-style run: search notes (a retriever), let the model choose a tool (its arguments "
        "stream as partial JSON), run the tool, then stream the answer. `st.status` is fed by "
        "`astream_events`: **notice** each event moving the label on, before any answer text exists."
    )
    agent_question = st.text_input("Question", "What is RAG?", key="uc_agent_question")
    show_source(uc.build_agent, uc.run_tool, uc.agent_events)
    TimedRun("use_cases", key="uc_agent").panel(
        prompt=agent_question,
        lanes={},  # the answer is one step among others: not timed in layers
        run=lambda ctx: run_agent(ctx, agent_question),
        replay=replay_agent,
    )

article = TimedRun("use_cases", key="uc_long")


@st.fragment  # Run reruns only this panel: the request leaves sooner, the probe's rerun is cheap
def article_panel() -> None:
    topic = st.text_input("Topic", "streaming runnables", key="uc_long_topic")
    max_tokens = st.slider("max_tokens", 20, 800, 400, step=20, key="uc_long_max_tokens")
    show_source(uc.stream_article)
    article.panel(
        prompt=topic,
        lanes={long_form.ARTICLE: long_form.TEXT_KEY},
        run=lambda ctx: long_form.run_article(ctx, topic, max_tokens),
        replay=long_form.replay_article,
        show=long_form.show_article,
        layers_intro=long_form.ARTICLE_NOTE,
    )


with long_tab:
    st.markdown(
        "A long answer from `sim-detailed` (4× the sidebar's TTFT, 0.4× its speed), capped by "
        "`max_tokens`. Word count and words/s update while it streams. **Notice** the reader has "
        "plenty to read long before the end; lower `max_tokens` and the answer stops mid-sentence "
        "with `finish_reason='length'`."
    )
    article_panel()

chat_questions = [m["content"] for m in st.session_state.get("uc_history", []) if m["role"] == "user"]
render_take_home(
    "use_cases",
    {
        "CHAT_QUESTION": chat_questions[-1] if chat_questions else "Explain streaming runnables",
        "STOP_AFTER": stop_after,
        "AGENT_QUESTION": agent_question,
        "ARTICLE_TOPIC": st.session_state["uc_long_topic"],
        "ARTICLE_MAX_TOKENS": st.session_state["uc_long_max_tokens"],
    },
)
