"""Lesson "Human in the loop while streaming": what the stream emits when `HumanInTheLoopMiddleware`
pauses the agent and how `Command(resume=...)` carries each decision back, checked against the
installed langchain / langgraph through the simulator (recipe); how the lesson reads the pause and
builds decisions (demo); the page's ask → review → resume, each decision and what follows (AppTest).

tests/e2e/test_human_in_the_loop_browser.py watches the lanes grow in chromium.
"""

from __future__ import annotations

import pandas as pd
import pytest
from langchain_core.messages import AIMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Interrupt

from streamlab.demos.human_in_the_loop import (
    QUESTION,
    REJECT_MESSAGE,
    Review,
    decide,
    edited_args,
    part_text,
    reviews,
)
from streamlab.measure.layers import BROWSER, LANGCHAIN, SERVER
from streamlab.recipes.human_in_the_loop import (
    approve,
    ask_agent,
    build_careful_agent,
    edit,
    reject,
    resume_agent,
    waiting_for,
)
from tests.support.agents import PROGRESS, WEATHER
from tests.support.apptest import FAST_PROFILE, layer_tables, open_page

PAGE = "lessons/19_human_in_the_loop.py"
BOOKED = "Booked a table for 4 in Paris"
ACTION = {
    "name": "book_table",
    "args": {"city": "Paris", "guests": 4},
    "description": "Tool execution requires approval\n\n"
    "Tool: book_table\nArgs: {'city': 'Paris', 'guests': 4}",
}
REVIEW_CONFIG = {"action_name": "book_table", "allowed_decisions": ["approve", "edit", "reject"]}


@pytest.fixture
def agent(make_llm):
    return build_careful_agent(make_llm(), InMemorySaver())


def paused(agent, thread: str = "t1") -> list:
    return list(ask_agent(agent, QUESTION, thread))


def tool_messages(agent, thread: str = "t1") -> dict[str, ToolMessage]:
    messages = agent.get_state({"configurable": {"thread_id": thread}}).values["messages"]
    return {m.name: m for m in messages if isinstance(m, ToolMessage)}


# --- the recipe: the pause and the resume, as the installed versions do them -----------------------


def test_ask_when_the_model_asks_for_a_gated_tool_then_the_stream_ends_on_the_interrupt(agent):
    parts = paused(agent)
    mode, last = parts[-1]
    assert mode == "updates" and list(last) == ["__interrupt__"]
    (interrupt,) = last["__interrupt__"]
    assert isinstance(interrupt, Interrupt)
    assert interrupt.value == {"action_requests": [ACTION], "review_configs": [REVIEW_CONFIG]}
    # Before the pause: the model's call, token by token; no tool ran, not even the free one.
    assert [m for m, _ in parts].count("custom") == 0
    chunks = [data[0] for m, data in parts if m == "messages"]
    assert any(c.tool_call_chunks for c in chunks) and not any(c.text for c in chunks)
    assert not any(isinstance(c, ToolMessage) for c in chunks)
    state = agent.get_state({"configurable": {"thread_id": "t1"}})
    assert state.next == ("HumanInTheLoopMiddleware.after_model",)
    assert [i.id for i in waiting_for(agent, "t1")] == [interrupt.id]


def test_resume_approve_runs_both_tools_then_streams_the_answer_on_the_same_thread(agent):
    paused(agent)
    parts = list(resume_agent(agent, [approve()], "t1"))
    assert [data for m, data in parts if m == "custom"] == PROGRESS  # the free tool waited too
    results = tool_messages(agent)
    assert (results["book_table"].text, results["get_weather"].text) == (BOOKED, WEATHER)
    tokens = [data[0].text for m, data in parts if m == "messages" and isinstance(data[0], AIMessage)]
    final = agent.get_state({"configurable": {"thread_id": "t1"}}).values["messages"][-1]
    assert len([t for t in tokens if t]) > 5 and "".join(tokens) == final.text
    assert BOOKED in final.text
    assert waiting_for(agent, "t1") == ()  # finished: nothing waits any more


def test_resume_edit_runs_the_reviewers_call_and_tells_the_model_so(agent):
    paused(agent)
    list(resume_agent(agent, [edit("book_table", {"city": "Lyon", "guests": 2})], "t1"))
    booked = tool_messages(agent)["book_table"]
    assert booked.text.startswith("Note: a human reviewer replaced this tool call before it ran.")
    assert booked.text.endswith("Booked a table for 2 in Lyon")
    messages = agent.get_state({"configurable": {"thread_id": "t1"}}).values["messages"]
    call = next(m for m in messages if isinstance(m, AIMessage) and m.tool_calls)
    asked = {c["name"]: c["args"] for c in call.tool_calls}
    assert asked["book_table"] == {"city": "Paris", "guests": 4}  # the model's own call is kept


def test_resume_reject_never_runs_the_tool_and_the_model_reads_why(agent):
    paused(agent)
    list(resume_agent(agent, [reject("Not tonight.")], "t1"))
    results = tool_messages(agent)
    booked = results["book_table"]
    assert booked.status == "error" and "Not tonight." in booked.text and "Booked" not in booked.text
    assert results["get_weather"].text == WEATHER  # the free tool still ran


def test_a_decision_the_tool_does_not_allow_is_refused(agent):
    paused(agent)
    with pytest.raises(ValueError, match="Decision type 'respond' is not allowed for tool 'book_table'"):
        list(resume_agent(agent, [{"type": "respond", "message": "Booked."}], "t1"))


def test_without_a_checkpointer_the_stream_still_pauses_but_nothing_can_resume(make_llm):
    agent = build_careful_agent(make_llm(), None)
    assert "__interrupt__" in paused(agent)[-1][1]
    with pytest.raises(ValueError, match="No checkpointer set"):
        waiting_for(agent, "t1")
    with pytest.raises(RuntimeError, match=r"Cannot use Command\(resume=...\) without checkpointer"):
        list(resume_agent(agent, [approve()], "t1"))


def test_each_thread_keeps_its_own_pause(agent):
    paused(agent, "a")
    paused(agent, "b")
    list(resume_agent(agent, [approve()], "a"))
    assert waiting_for(agent, "a") == () and len(waiting_for(agent, "b")) == 1


# --- the demo: reading the pause, building decisions ----------------------------------------------


def test_reviews_read_the_gated_calls_and_their_allowed_decisions():
    interrupt = Interrupt(value={"action_requests": [ACTION], "review_configs": [REVIEW_CONFIG]})
    assert reviews([interrupt]) == [
        Review(
            "book_table",
            {"city": "Paris", "guests": 4},
            ACTION["description"],
            ("approve", "edit", "reject"),
        )
    ]
    assert reviews([Interrupt(value="not a HITL request")]) == []


REVIEW = Review("book_table", {"city": "Paris", "guests": 4}, "", ("approve", "edit", "reject"))


@pytest.mark.parametrize(
    "choice, kwargs, decision",
    [
        ("approve", {}, {"type": "approve"}),
        (
            "edit",
            {"args": {"city": "Lyon", "guests": 2.0}},
            {
                "type": "edit",
                "edited_action": {"name": "book_table", "args": {"city": "Lyon", "guests": 2}},
            },
        ),
        ("edit", {}, {"type": "edit", "edited_action": {"name": "book_table", "args": REVIEW.args}}),
        ("reject", {"message": "No."}, {"type": "reject", "message": "No."}),
        ("reject", {}, {"type": "reject", "message": REJECT_MESSAGE}),
    ],
)
def test_decide_builds_the_decision_resume_carries(choice, kwargs, decision):
    assert decide(REVIEW, choice, **kwargs) == decision


def test_decide_refuses_a_decision_the_call_does_not_allow_and_edits_keep_types():
    with pytest.raises(ValueError, match="accepts approve, edit, reject, not 'respond'"):
        decide(REVIEW, "respond")
    assert type(edited_args(REVIEW, {"guests": 3.0})["guests"]) is int


def test_part_text_prints_the_interrupt_part_as_python_does():
    text = part_text(("updates", {"__interrupt__": (Interrupt(value={"a": 1}, id="x"),)}))
    assert text.startswith("('updates',") and "Interrupt(value={'a': 1}, id='x'" in text


# --- the page --------------------------------------------------------------------------------------


def asked(question=None, **profile):
    at = open_page(PAGE, profile={**FAST_PROFILE, **profile})
    if question is not None:
        at.text_input(key="hitl_question").set_value(question)
    at.button(key="hitl_run").click().run()
    assert not at.exception, at.exception
    return at


def resumed(at):
    at.button(key="hitl_resume_run").click().run()
    assert not at.exception, at.exception
    return at


def review_radios(at) -> list:
    return [radio for radio in at.radio if str(radio.key).startswith("hitl_decision_")]


def results(at) -> pd.DataFrame:
    (table,) = [d.value for d in at.dataframe if "tool" in d.value.columns]
    return table.set_index("tool")


def answer_text(at) -> str:
    (shown,) = [t.value for t in at.text]  # the resumed run's answer: the page's only plain text
    assert shown == at.session_state["hitl_resume_last"]["timeline"].text("messages") != ""
    return shown


def test_page_ask_pauses_shows_the_interrupt_part_and_the_review_then_approve_streams_on():
    at = asked()
    pause = "\n".join(c.value for c in at.code)
    assert "'__interrupt__': (Interrupt(value={'action_requests'" in pause
    assert "interrupt: (Interrupt(" in pause  # the updates lane's last line
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Interrupt"] != "—" and metrics["First tool-call chunk"] != "—"
    assert layer_tables(at) == []  # no answer token before the pause: nothing to time in layers
    assert at.radio(key="hitl_decision_0").options == ["approve", "edit", "reject"]
    assert at.json[0].value == '{"city": "Paris", "guests": 4}'
    assert "human_in_the_loop" in at.session_state["lessons_run"]

    resumed(at)
    table = results(at)
    assert table.loc["book_table", "what the model reads"] == BOOKED
    assert table.loc["get_weather", "what the model reads"] == WEATHER
    answer = answer_text(at)
    assert BOOKED in answer
    (layers,) = layer_tables(at)  # the resumed run's answer, in three layers
    assert list(layers.index) == [SERVER, LANGCHAIN, BROWSER]
    assert layers.loc[SERVER, "chars"] == layers.loc[LANGCHAIN, "chars"] == len(answer)
    assert pd.isna(layers.loc[BROWSER, "first token (ms)"])
    assert not review_radios(at)  # the run finished: nothing waits for a decision

    at.run()  # e.g. the browser's report: both runs are drawn again from what they kept
    assert not at.exception
    assert answer_text(at) == answer and results(at).equals(table)
    resumed(at)  # a second resume finds nothing waiting
    assert "Nothing is waiting for a decision" in at.error[0].value


def test_page_edit_resumes_with_the_reviewers_arguments():
    at = asked()
    at.radio(key="hitl_decision_0").set_value("edit").run()
    at.text_input(key="hitl_edit_0_city").set_value("Lyon")
    at.number_input(key="hitl_edit_0_guests").set_value(2).run()
    resumed(at)
    assert at.json[-1].value.startswith('[{"type": "edit", "edited_action": {"name": "book_table"')
    booked = results(at).loc["book_table", "what the model reads"]
    assert booked.endswith("Booked a table for 2 in Lyon")


def test_page_reject_resumes_without_running_the_booking():
    at = asked()
    at.radio(key="hitl_decision_0").set_value("reject").run()
    at.text_input(key="hitl_reject_0").set_value("Too late tonight.").run()
    resumed(at)
    booked = results(at).loc["book_table"]
    assert booked["status"] == "error" and "Too late tonight." in booked["what the model reads"]
    assert "Too late tonight." in answer_text(at)


def test_page_resume_before_asking_and_an_empty_question_run_nothing():
    at = resumed(open_page(PAGE))
    assert "Nothing is waiting for a decision" in at.error[0].value
    at = asked(question="")
    assert "prompt is empty" in at.error[0].value and not review_radios(at)


def test_page_a_question_without_a_gated_call_is_answered_and_timed_without_a_pause():
    at = asked(question="What is the weather in Paris?")
    assert any("without a gated call" in s.value for s in at.success)
    (layers,) = layer_tables(at)
    assert layers.loc[SERVER, "chars"] == layers.loc[LANGCHAIN, "chars"] > 0
    assert not review_radios(at)
