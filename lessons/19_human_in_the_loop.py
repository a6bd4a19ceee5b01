import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.take_home import render_take_home
from components.views.human_in_the_loop import (
    ANSWER,
    ASK_KEY,
    RESUME_KEY,
    checkpointer,
    reached_answer,
    render_review,
    replay_ask,
    replay_resume,
    run_ask,
    run_resume,
    show_pause,
    show_resume,
    waiting,
)
from streamlab.demos.human_in_the_loop import QUESTION
from streamlab.recipes.human_in_the_loop import (
    approve,
    ask_agent,
    book_table,
    build_careful_agent,
    edit,
    reject,
    resume_agent,
    waiting_for,
)

st.title("Human in the loop while streaming")
st.caption("A tool call that needs a person: the stream pauses, you decide, the same run streams on.")
st.markdown(
    "Some tool calls should not run unchecked. `HumanInTheLoopMiddleware` stops the agent after "
    "the model asked for a gated tool and before any tool runs, with a LangGraph `interrupt`. "
    "**Notice** what the stream does then: its last part is `{'__interrupt__': (Interrupt(...),)}` "
    "in the `updates` lane, and `agent.stream()` just ends. Nothing is lost: with a checkpointer "
    "the run waits under its `thread_id` (here an `InMemorySaver` kept for you alone, for this "
    "browser session) until `Command(resume=...)` brings your decisions. Then the same run streams "
    "on from the pause: the tools run, the weather tool reports its progress, the answer streams."
)
question = st.text_input("Question", QUESTION, key="hitl_question")
show_source(
    book_table.func,
    build_careful_agent,
    ask_agent,
    waiting_for,
    resume_agent,
    approve,
    edit,
    reject,
    caption="`llm` is the ChatOpenAI built from the sidebar's provider settings.",
)
asking = TimedRun("human_in_the_loop", key="hitl", label="Ask the agent")
resuming = TimedRun("human_in_the_loop", key="hitl_resume", label="Resume with my decisions")


@st.fragment  # a click reruns only this panel: the question, the pause, the review and the resume
def run_panel(question: str) -> None:
    saver = checkpointer()
    st.subheader("1. Ask: the stream runs until the pause")
    asking.panel(
        prompt=question,
        lanes={ANSWER: ASK_KEY},
        run=lambda ctx: run_ask(ctx, question, saver),
        replay=replay_ask,
        show=show_pause,
        reached_lanes=reached_answer,
    )
    st.subheader("2. Decide, then resume the same run")
    review = st.empty()
    with review.container():
        decisions = render_review(waiting(saver))
    resuming.panel(
        problem=None if decisions else "Nothing is waiting for a decision: ask the agent first.",
        lanes={ANSWER: RESUME_KEY},
        run=lambda ctx: run_resume(ctx, decisions or [], saver),
        replay=replay_resume,
        show=show_resume,
        reached_lanes=reached_answer,
    )
    if decisions and not waiting(saver):
        review.empty()  # resumed just now: the run has finished, nothing waits any more


run_panel(question)
render_take_home("human_in_the_loop", {"QUESTION": question})
