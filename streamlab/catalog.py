"""The lessons, in app order: the only list of them.

app.py builds its navigation from it, the progress tracker and the quiz link to its ids, and the
tests open every lesson through it. Adding a lesson means one line here plus its files, all named
by its stem: `lessons/NN_<stem>.py`, `streamlab/recipes/<stem>.py`, `components/views/<stem>.py`,
`tests/lessons/test_<stem>.py`. A workshop page that teaches nothing itself (the class board) has
no recipe and no take-home script: `teaches=False`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LESSONS", "SECTIONS", "Lesson", "lesson"]


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    """The lesson's stem: its name in every layer, and its id in progress and quiz links."""
    number: int
    """Its place in the app (the `NN_` of its file)."""
    title: str
    """The navigation title."""
    icon: str
    """A Material Symbols name (never an emoji: many machines have no emoji font)."""
    section: str
    """The navigation section it is listed under."""
    timed: bool = True
    """Whether it has a Run that counts towards lesson progress."""
    teaches: bool = True
    """False for a workshop page (the class board): it is listed and linked like a lesson and has
    its page, view and test, but no recipe, demo or take-home script of its own."""

    @property
    def file(self) -> str:
        """Path of the lesson's page, relative to the app's root."""
        return f"lessons/{self.number:02d}_{self.id}.py"

    @property
    def url_path(self) -> str:
        """The page's URL path (Streamlit derives it from the file name without the number)."""
        return self.id


LESSONS: tuple[Lesson, ...] = (
    Lesson("overview", 1, "Overview & mental model", "explore", "Start here"),
    Lesson("why_streaming", 2, "Why streaming matters", "flag", "Start here"),
    Lesson("internals", 3, "How streaming works internally", "biotech", "Start here"),
    Lesson("llm_direct", 4, "Streaming an LLM directly", "bolt", "Streaming runnables"),
    Lesson("sequence", 5, "RunnableSequence", "link", "Streaming runnables"),
    Lesson("parallel", 6, "RunnableParallel", "call_split", "Streaming runnables"),
    Lesson("astream_events", 7, "astream_events", "timeline", "Streaming runnables"),
    Lesson("can_cannot_stream", 8, "What can and cannot stream", "fact_check", "Streaming runnables"),
    Lesson("streaming_vs_not", 9, "Streaming vs non-streaming", "compare_arrows", "In practice"),
    Lesson("use_cases", 10, "Use cases", "chat", "In practice"),
    Lesson("common_mistakes", 11, "Common mistakes", "report", "In practice"),
    Lesson("tool_calls", 12, "Streaming tool calls", "build", "In practice"),
    Lesson("fastapi", 13, "Streaming + FastAPI", "lan", "In practice"),
    Lesson("latency_lab", 14, "Latency lab", "science", "Lab"),
    Lesson("takeaways", 15, "Takeaways & quiz", "school", "Wrap-up", timed=False),
    Lesson("agent_streaming", 16, "Streaming an agent", "smart_toy", "Agents (LangChain 1.x)"),
    Lesson("agent_events", 17, "Event streaming v3", "dynamic_feed", "Agents (LangChain 1.x)"),
    Lesson("reasoning", 18, "Reasoning tokens", "psychology", "Agents (LangChain 1.x)"),
    Lesson(
        "human_in_the_loop",
        19,
        "Human in the loop while streaming",
        "front_hand",
        "Agents (LangChain 1.x)",
    ),
    Lesson("subagents", 20, "Subgraphs and subagents", "account_tree", "Agents (LangChain 1.x)"),
    Lesson("seed_to_agents", 21, "From the seed to LangChain 1.x", "upgrade", "Agents (LangChain 1.x)"),
    Lesson("class_board", 22, "Class board", "groups", "Workshop", timed=False, teaches=False),
)

SECTIONS: dict[str, tuple[Lesson, ...]] = {}
for _lesson in LESSONS:
    SECTIONS[_lesson.section] = (*SECTIONS.get(_lesson.section, ()), _lesson)


def lesson(lesson_id: str) -> Lesson:
    """The lesson with this id; a `KeyError` names the unknown id."""
    for candidate in LESSONS:
        if candidate.id == lesson_id:
            return candidate
    raise KeyError(f"no lesson {lesson_id!r}; known: {', '.join(x.id for x in LESSONS)}")
