"""Take-home driver of "Human in the loop while streaming": the agent streams until a gated tool
call interrupts it, then a decision resumes it from where it paused."""

from __future__ import annotations

from langgraph.checkpoint.memory import InMemorySaver

from streamlab.recipes.human_in_the_loop import (
    approve,
    ask_agent,
    build_careful_agent,
    reject,
    resume_agent,
    waiting_for,
)
from streamlab.take_home.runtime import make_llm

QUESTION = "What is the weather in Paris? Book a table there for 4 guests."
DECISION = "approve"  # or "reject": what the person answers to each gated call
THREAD = "take-home"


def show(pairs) -> None:
    for mode, data in pairs:
        if mode == "messages":
            token, metadata = data
            if metadata.get("langgraph_node") == "model" and token.text:
                print(token.text, end="", flush=True)
        elif mode == "updates":
            print(f"\n[updates] {', '.join(data)}")
        else:
            print(f"[{mode}] {data}")


def main() -> None:
    agent = build_careful_agent(make_llm(), InMemorySaver())
    show(ask_agent(agent, QUESTION, THREAD))
    for paused in waiting_for(agent, THREAD):
        requests = paused.value["action_requests"]
        print(f"\nPaused: {len(requests)} call(s) wait for a person: {requests}")
        decision = approve() if DECISION == "approve" else reject("Not tonight, thanks.")
        show(resume_agent(agent, [decision] * len(requests), THREAD))
    print()
