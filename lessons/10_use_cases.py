import streamlit as st

from components.code_panel import show_source
from components.run.last_run import LastRun
from components.run.layered import LAYERS_INTRO, LayeredRun
from components.run.metric_cards import render_metric_cards
from components.run.progress import mark_ran
from components.sidebar import current_provider
from components.views.use_cases.agent_status import render_agent_steps
from components.views.use_cases.chat import (
    render_close_probe,
    render_history,
    render_reply,
    settle_interrupted_reply,
)
from components.views.use_cases.long_form import render_long_form, replay_long_form
from streamlab.client.async_bridge import iterate_sync
from streamlab.client.providers import ProviderConfig, build_chat_model
from streamlab.demos.parallel import branch_sims, for_sim_model
from streamlab.demos.use_cases.chat_turn import ChatTurn, to_messages
from streamlab.demos.use_cases.word_meter import WordMeter
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes import use_cases as uc

ARTICLE = "article"
ARTICLE_NOTE = (
    "**Here**, look at the *last token* column: the browser shows the end of the article well after "
    "LangChain received it. While it streams the text is plain; at the end the whole article is "
    "rendered as Markdown once, and for a long text that render is what you wait for. (The browser "
    "counts the characters it shows, so Markdown markup can make its count differ.)"
)

st.title("Use cases")
st.caption("Three of the seed's use cases, built for real: a chat app, agent steps, long-form text.")
config = current_provider()
stats_url = config.base_url if config.kind == "embedded" else None
chat_tab, agent_tab, long_tab = st.tabs(["💬 Chat app", "🕵️ Agent steps", "📜 Long-form"])

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
    settle_interrupted_reply()  # a Stop click reruns the page while the stopped run saves its reply
    history = st.session_state.setdefault("uc_history", [])
    conversation = st.container()  # above the input, also for the reply streamed below
    with conversation:
        render_history(history)
    if question := st.chat_input("Ask something, e.g. Explain RAG", key="uc_chat_input"):
        mark_ran("use_cases")
        history.append({"role": "user", "content": question})
        chat, past = uc.build_chat(build_chat_model(config)), to_messages(history[:-1])
        turn = ChatTurn(lambda: uc.stream_reply(chat, past, question), stop_after=stop_after or None)
        with conversation:
            render_history(history[-1:])
            render_reply(turn, history, stats_url=stats_url)
    if history and st.button("Clear the chat", key="uc_clear"):
        history.clear()
        st.rerun()
    with st.expander("Why does the chat chain end in the model, not in `StrOutputParser()`?"):
        render_close_probe(lambda: build_chat_model(config), stats_url)

with agent_tab:
    st.markdown(
        "An agent-style run: search notes (a retriever), let the model choose a tool (its arguments "
        "stream as partial JSON), run the tool, then stream the answer. `st.status` is fed by "
        "`astream_events`: **notice** each event moving the label on, before any answer text exists."
    )
    agent_question = st.text_input("Question", "What is RAG?", key="uc_agent_question")
    show_source(uc.build_agent, uc.run_tool, uc.agent_events)
    if st.button("Run", key="uc_agent_run", type="primary"):
        if not agent_question.strip():
            st.error("Type a question first: it is empty.")
            st.stop()
        mark_ran("use_cases")
        agent = uc.build_agent(build_chat_model(config))
        with st.container(key="uc_agent_out"):  # keyed for the browser tests
            render_agent_steps(iterate_sync(uc.agent_events(agent, agent_question)))


@st.fragment  # Run reruns only this panel: the request leaves sooner, the probe's rerun is cheap
def article_panel(config: ProviderConfig) -> None:
    topic = st.text_input("Topic", "streaming runnables", key="uc_long_topic")
    max_tokens = st.slider("max_tokens", 20, 800, 400, step=20, key="uc_long_max_tokens")
    show_source(uc.stream_article)
    layered, last = LayeredRun("uc_long"), LastRun("uc_long_last")  # the probe's report reruns this
    if st.button("Run", key="uc_long_run", type="primary"):
        if not topic.strip():
            st.error("Type a topic first: it is empty.")
            st.stop()
        mark_ran("use_cases")
        lanes = layered.start({ARTICLE: "uc_long_text"})
        slow = branch_sims(config.profile)["detailed"]  # as on the RunnableParallel page
        llm = build_chat_model(
            for_sim_model(config, "sim-detailed"),
            sim={**slow, **lanes[ARTICLE].sim},
            max_tokens=max_tokens,
        )
        recorder, meter = StreamRecorder(label="article"), WordMeter()
        elapsed = render_long_form(
            recorder, lambda: uc.stream_article(llm, topic), meter, key="uc_long_text"
        )
        layered.finish(ARTICLE, recorder, config)
        last.save(meter=meter, elapsed=elapsed, summary=recorder.summary())
        layered.end()
    elif run := last.get():
        replay_long_form(run["meter"], run["elapsed"], key="uc_long_text")
    if run := last.get():
        meter = run["meter"]
        st.caption(f"finish_reason = `{meter.finish_reason}` · {meter.words} words in the final text")
        render_metric_cards(run["summary"])
        st.info(f"{LAYERS_INTRO}\n\n{ARTICLE_NOTE}")
        layered.render(key="uc_long_layers", intro=None)


with long_tab:
    st.markdown(
        "A long answer from `sim-detailed` (4× the sidebar's TTFT, 0.4× its speed), capped by "
        "`max_tokens`. Word count and words/s update while it streams. **Notice** the reader has "
        "plenty to read long before the end; lower `max_tokens` and the answer stops mid-sentence "
        "with `finish_reason='length'`."
    )
    article_panel(config)
