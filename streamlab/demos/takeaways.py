"""The takeaways quiz: questions about things the lessons measured live, and answer checking.

Each question names the lesson (a `streamlab.catalog` lesson id) where its answer was shown
running; tests/lessons/test_takeaways.py re-checks every right answer against the installed
libraries, so the quiz cannot drift from what LangChain actually does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["QUESTIONS", "Question", "Score", "is_correct", "score"]


@dataclass(frozen=True, slots=True)
class Question:
    id: str  # widget keys: quiz_<id> (radio), quiz_<id>_check (button)
    prompt: str  # Markdown
    options: tuple[str, ...]
    answer: int  # index of the right option
    explanation: str  # shown when the answer is wrong
    lesson: str  # the lesson that showed it live


QUESTIONS: tuple[Question, ...] = (
    Question(
        "streaming_flag",
        "You build `llm = ChatOpenAI()` and never set `streaming=`. What does `llm.stream(q)` give?",
        (
            "One `AIMessage`, when the answer is complete",
            "Many `AIMessageChunk`s, while the answer is generated",
            "An error: streaming is not enabled",
        ),
        1,
        "No flag is needed for `.stream()`: left unset, it streams. Only an explicit "
        "`streaming=False` turns it into one message; `streaming=True` makes `.invoke()` stream too.",
        "common_mistakes",
    ),
    Question(
        "plain_step",
        "What does `(prompt | llm | (lambda m: m.content)).stream(x)` yield?",
        (
            "One chunk per token",
            "Nothing: lambdas cannot run in a stream",
            "One chunk with the whole text, at the end",
        ),
        2,
        "A plain function needs its whole input, so the chain gathers the model's stream first: "
        "one chunk at the end. `StrOutputParser()`, or a generator function piped in bare or "
        "wrapped in `RunnableGenerator` (not `RunnableLambda`), keeps it streaming.",
        "common_mistakes",
    ),
    Question(
        "print_chunk",
        "`for chunk in llm.stream(q): print(chunk)` prints…",
        (
            "`content='…' additional_kwargs={} response_metadata={…} …`, once per chunk",
            "the answer's text, piece by piece",
            "nothing until the stream has ended",
        ),
        0,
        "`print(chunk)` prints `str(chunk)`, the message's pydantic repr. The text is `chunk.content`.",
        "common_mistakes",
    ),
    Question(
        "sync_in_async",
        "Inside `async def`, you loop over the sync `llm.stream(q)` for about one second. A task "
        "that ticks every 20 ms meanwhile gets about…",
        (
            "50 ticks: streaming is I/O",
            "25 ticks: the two share the loop",
            "0 ticks: the event loop is blocked",
        ),
        2,
        "Sync `.stream()` never yields to the event loop, so no other task runs until it is done. "
        "Use `async for chunk in llm.astream(q)` (or `asyncio.to_thread`).",
        "common_mistakes",
    ),
    Question(
        "async_for",
        "What happens with `for chunk in llm.astream(q):` (no `async`)?",
        (
            "It works, only slower",
            "`TypeError: 'async_generator' object is not iterable`",
            "It yields coroutines that you must await",
        ),
        1,
        "`astream()` returns an async generator: only `async for` (inside `async def`) can read it. "
        "The plain `for` fails before a chunk is read.",
        "common_mistakes",
    ),
    Question(
        "config",
        "A `RunnableLambda` hands `llm.invoke(x)` to its own `ThreadPoolExecutor` without passing "
        "`config`. What does `chain.astream_events(...)` show for that model?",
        (
            "An `on_chat_model_stream` event per token",
            "No `on_chat_model_stream` events: the answer appears only when the chain ends",
            "A `RuntimeError` about a missing config",
        ),
        1,
        "The run's callbacks travel in a context variable that your own thread does not inherit. "
        "Pass them on: `pool.submit(llm.invoke, x, config)`. In the same thread it happens by itself.",
        "common_mistakes",
    ),
    Question(
        "tool_call_args",
        'While a tool call streams, what is in a chunk\'s `tool_call_chunks[0]["args"]`?',
        (
            "The complete arguments, as a dict",
            "Nothing: the arguments come in the last chunk",
            'A slice of the JSON string, like `{"cit`: sum the chunks to get parsed `tool_calls`',
        ),
        2,
        "Arguments stream as raw JSON slices. `chunk1 + chunk2 + …` joins them, and the sum's "
        '`tool_calls[0]["args"]` is the parsed dict you can run the tool with.',
        "tool_calls",
    ),
    Question(
        "chat_model_event",
        'With a chat model, which `astream_events(version="v2")` event carries each token?',
        ("`on_chat_model_stream`", "`on_llm_stream`", "only `on_chain_stream`"),
        0,
        "Chat models emit `on_chat_model_start/stream/end`. The seed's `on_llm_stream` belongs to "
        'plain-text LLMs; `include_types=["llm"]` matches nothing for a chat model.',
        "astream_events",
    ),
    Question(
        "parallel_chunks",
        "`RunnableParallel(short=llm, detailed=llm).stream(q)` yields…",
        (
            "one dict with both answers, at the end",
            "one-key dicts such as `{'short': chunk}`, interleaved as the branches produce them",
            "only the branch that finishes first",
        ),
        1,
        "Both branches run at once and each chunk comes out as a one-key dict as soon as it "
        "arrives; summing the chunks gives the full dict.",
        "parallel",
    ),
    Question(
        "agent_tokens",
        '`agent.stream(inputs, stream_mode=["updates", "messages"])`: which mode carries the '
        "answer word by word?",
        (
            "`updates`: one chunk per word",
            "`messages`: an `(AIMessageChunk, metadata)` pair per token",
            "Neither: an agent's answer arrives only in its final state",
        ),
        1,
        "`updates` hands over the whole answer once the model's step has ended. `messages` streams "
        "every token of every model call, tool-call chunks and tool results included.",
        "agent_streaming",
    ),
    Question(
        "v3_readers",
        'With `run = await agent.astream_events(inputs, version="v3")`, one coroutine reads '
        "`run.messages` while another reads `run.values`. What does each get?",
        (
            "Every item of its own projection",
            "About half the items each: they share one cursor",
            "A `RuntimeError`: a run takes only one reader",
        ),
        0,
        "Each projection has its own cursor, so readers of different projections never take each "
        "other's items. Only a second reader of the same projection raises (use `.atee(n)`).",
        "agent_events",
    ),
    Question(
        "parallel_tools",
        'An agent\'s model asks for two tools in one message. What does `stream_mode="updates"` show?',
        (
            "One `tools` update holding both results",
            "One `tools` update per call, in the order the calls finish",
            "Nothing until the model has answered",
        ),
        1,
        "The tools node runs each call as a task of its own, at the same time: each result is its "
        "own update, the faster tool's first. It is the agent-era `RunnableParallel`.",
        "seed_to_agents",
    ),
    Question(
        "reasoning_first",
        'A reasoning model with `use_responses_api=True, reasoning={"summary": "auto"}` is '
        "streamed with `llm.stream(q)`. What comes first?",
        (
            "The answer's first word; the summary comes at the end",
            "The whole answer at once, when the thinking is done",
            "The summary's pieces (`reasoning` content blocks), then the answer's text",
        ),
        2,
        "The summary streams first, in the same `AIMessageChunk`s as `reasoning` content blocks; the "
        "answer's first word waits until the thinking is done. Two first-token times to measure.",
        "reasoning",
    ),
    Question(
        "interrupt_stream",
        "An agent with `HumanInTheLoopMiddleware` and a checkpointer is streamed with "
        '`stream_mode="updates"` and asks for a gated tool. What does the stream do?',
        (
            "It yields `{'__interrupt__': (Interrupt(...),)}` and ends; `Command(resume=...)` on "
            "the same thread streams on",
            "It raises `GraphInterrupt`: the run is lost and must start again",
            "It blocks inside the loop until a decision arrives",
        ),
        0,
        "The interrupt is the stream's last part; then `agent.stream()` simply returns. The paused "
        "run waits in the checkpointer under its `thread_id` until `Command(resume=...)` continues it.",
        "human_in_the_loop",
    ),
    Question(
        "subgraph_tokens",
        "Two agents are nodes of a parent graph. What does `graph.stream(x, "
        'stream_mode=["messages", "custom"])` show of them, without `subgraphs=True`?',
        (
            "Every token, each part tagged with its namespace",
            "Each agent's messages whole once it has finished: no tokens, no `custom` progress",
            "Nothing at all from inside the agents",
        ),
        1,
        "Without `subgraphs=True` you see the parent graph only: a subagent's messages arrive whole "
        "when its node ends. With it, every part is `(namespace, mode, data)`, tokens included.",
        "subagents",
    ),
)


def is_correct(question: Question, choice: str | None) -> bool:
    """Is `choice` (an option's text, as a radio returns it) the right answer?"""
    return choice is not None and choice == question.options[question.answer]


@dataclass(frozen=True, slots=True)
class Score:
    correct: int
    checked: int  # questions the learner has checked at least once
    total: int

    @property
    def label(self) -> str:
        return f"{self.correct} / {self.total}"


def score(results: Mapping[str, bool], questions: tuple[Question, ...] = QUESTIONS) -> Score:
    """`results` maps question id → was the last checked answer right; unknown ids are ignored."""
    ids = {q.id for q in questions}
    checked = {qid: ok for qid, ok in results.items() if qid in ids}
    return Score(sum(checked.values()), len(checked), len(questions))
