"""Which tools the simulated model calls, and with what arguments.

A real model calls the tools a question is about, several in one message when it needs
several ("weather and local time in Paris" → `get_weather` and `get_local_time`), unless the
request says `parallel_tool_calls: false`. The simulator's deterministic stand-in for that
judgement: a tool is relevant when the question uses the meaningful words of its name.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from streamlab.sim.arguments import identifier_words, value_for

if TYPE_CHECKING:
    from streamlab.sim.request import ChatRequest, FunctionDefinition

__all__ = ["ToolCallPlan", "argument_pieces", "chosen_tools", "plan_tool_calls"]


@dataclass(frozen=True, slots=True)
class ToolCallPlan:
    call_id: str
    name: str
    arguments: str


_GENERIC_NAME_WORDS = frozenset(
    "get set fetch call run do make my tool function the a of for to by from and with info data".split()
)


def _name_words(name: str) -> set[str]:
    """Meaningful words of a name: `get_weather` → {"weather"}, `searchDocs` → {"search", "docs"}."""
    return {w for w in identifier_words(name) if len(w) > 2} - _GENERIC_NAME_WORDS


def _mentioned_at(function: FunctionDefinition, prompt: str) -> int | None:
    """Where the (lower-case) question first names the tool or a word of its name; None if never."""
    if (at := prompt.find(function.name.lower())) >= 0:
        return at
    wanted = _name_words(function.name)
    return next((m.start() for m in re.finditer(r"\w+", prompt) if m.group() in wanted), None)


def chosen_tools(request: ChatRequest, prompt: str) -> list[FunctionDefinition]:
    """The tools to call for `prompt`, in the order the question names them; [] to answer in text."""
    functions = [t.function for t in request.tools or []]
    by_name = {f.name: f for f in functions}
    choice = request.tool_choice
    if not functions or choice == "none" or request.messages[-1].get("role") == "tool":
        return []
    if request.sim.tool_call:
        forced = by_name.get(request.sim.tool_call)
        return [forced] if forced else []
    if not isinstance(choice, str) and choice is not None:
        named = by_name.get(choice.function.name)
        return [named] if named else []
    places = {f.name: _mentioned_at(f, prompt.lower()) for f in functions}
    relevant = sorted(
        (f for f in functions if places[f.name] is not None), key=lambda f: places[f.name] or 0
    )
    if not relevant and choice in ("required", "any"):
        relevant = functions[:1]
    return relevant[:1] if request.parallel_tool_calls is False else relevant


def plan_tool_calls(request: ChatRequest, prompt: str) -> list[ToolCallPlan]:
    """One call per chosen tool, each with arguments read from the question afresh."""
    calls = []
    for tool in chosen_tools(request, prompt):
        arguments = value_for(tool.parameters or {"type": "object"}, prompt)
        # ensure_ascii=False: OpenAI streams non-ASCII arguments as characters, not \uXXXX escapes.
        text = json.dumps(arguments, ensure_ascii=False)
        calls.append(ToolCallPlan(f"call_{uuid.uuid4().hex[:20]}", tool.name, text))
    return calls


def argument_pieces(arguments: str) -> list[str]:
    """OpenAI streams tool arguments as arbitrary partial-JSON slices; fixed 5-character slices
    make that visible (`{"inp`, `ut": `, `3}`) while staying deterministic."""
    return [arguments[i : i + 5] for i in range(0, len(arguments), 5)] or [""]
