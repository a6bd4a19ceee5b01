"""The Responses API stream: a plan as typed events, each with the time it is due.

OpenAI's order: `response.created`, `response.in_progress`, then per output item
`output_item.added` → (content/summary part added → deltas → done) → `output_item.done`, and
last `response.completed` (or `.incomplete`) carrying usage. An item is announced together
with its first piece, as a real server does, so the first event that carries text is the one
to time; a reasoning item opens at once and closes when the answer begins.
"""

from __future__ import annotations

import itertools
import random
import string
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from streamlab.sim.responses.objects import item_object, response_object

if TYPE_CHECKING:
    from streamlab.sim.responses.plan import PlannedItem, ResponsePlan

__all__ = ["DELTA_TYPES", "FAILURE_MESSAGE", "stream_events"]

Timed = tuple[float | None, dict[str, Any]]  # (due offset, or None for "right after the previous")

DELTA_TYPES = frozenset(
    {
        "response.output_text.delta",
        "response.function_call_arguments.delta",
        "response.reasoning_summary_text.delta",
    }
)
FAILURE_MESSAGE = "The server had an error while processing your request (simulated)."
"""The error_after:N fault's message, the chat endpoint's too."""
_PAD = string.ascii_letters + string.digits


class _Stream:
    """Numbers events and keeps what has been sent, for a partial `response.failed`."""

    def __init__(self, plan: ResponsePlan) -> None:
        self.plan = plan
        self.seq = itertools.count()
        self.output: dict[int, dict[str, Any]] = {}
        self.deltas = 0
        obfuscate = plan.request.stream_options is None or (
            plan.request.stream_options.include_obfuscation is not False
        )
        self.pad = random.Random(plan.response_id) if obfuscate else None

    def event(self, kind: str, **fields: Any) -> dict[str, Any]:
        return {"type": kind, **fields, "sequence_number": next(self.seq)}

    def delta(self, kind: str, piece: str, **fields: Any) -> dict[str, Any]:
        self.deltas += 1
        event = self.event(kind, **fields, delta=piece)
        if self.pad is not None:
            # OpenAI pads deltas to hide token lengths from traffic analysis (include_obfuscation).
            event["obfuscation"] = "".join(self.pad.choices(_PAD, k=16 - len(piece) % 16))
        return event

    def lifecycle(self, kind: str, status: Any, **extra: Any) -> dict[str, Any]:
        output = [self.output[i] for i in sorted(self.output)]
        return self.event(kind, response=response_object(self.plan, status, output, **extra))


def _reasoning(s: _Stream, index: int, item: PlannedItem, closes_at: float) -> Iterator[Timed]:
    added = item_object(s.plan, item, "added")
    s.output[index] = added
    yield None, s.event("response.output_item.added", output_index=index, item=added)
    ids = {"item_id": item.item_id, "output_index": index}
    for k, (pieces, offsets) in enumerate(zip(item.parts, item.offsets, strict=True)):
        part = {"type": "summary_text", "text": ""}
        yield (
            offsets[0] if offsets else None,
            s.event("response.reasoning_summary_part.added", **ids, summary_index=k, part=part),
        )
        for piece, due in zip(pieces, offsets, strict=True):
            yield due, s.delta("response.reasoning_summary_text.delta", piece, **ids, summary_index=k)
        text = item.text(k)
        yield None, s.event("response.reasoning_summary_text.done", **ids, summary_index=k, text=text)
        part = {"type": "summary_text", "text": text}
        yield None, s.event("response.reasoning_summary_part.done", **ids, summary_index=k, part=part)
    done = item_object(s.plan, item, "done")
    s.output[index] = done
    yield closes_at, s.event("response.output_item.done", output_index=index, item=done)


def _message(s: _Stream, index: int, item: PlannedItem) -> Iterator[Timed]:
    added = item_object(s.plan, item, "added")
    s.output[index] = added
    yield item.start, s.event("response.output_item.added", output_index=index, item=added)
    ids = {"item_id": item.item_id, "output_index": index, "content_index": 0}
    empty = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
    yield item.start, s.event("response.content_part.added", **ids, part=empty)
    for sent, (piece, due) in enumerate(zip(item.parts[0], item.offsets[0], strict=True), 1):
        logprobs = list(item.logprobs[sent - 1 : sent])
        yield due, s.delta("response.output_text.delta", piece, **ids, logprobs=logprobs)
        s.output[index] = item_object(s.plan, item, "done", sent)  # what a failure would report
    done = item_object(s.plan, item, "done")
    text = item.text()
    yield None, s.event("response.output_text.done", **ids, text=text, logprobs=list(item.logprobs))
    yield None, s.event("response.content_part.done", **ids, part=done["content"][0])
    s.output[index] = done
    yield None, s.event("response.output_item.done", output_index=index, item=done)


def _function_call(s: _Stream, index: int, item: PlannedItem) -> Iterator[Timed]:
    added = item_object(s.plan, item, "added")
    s.output[index] = added
    yield item.start, s.event("response.output_item.added", output_index=index, item=added)
    ids = {"item_id": item.item_id, "output_index": index}
    for sent, (piece, due) in enumerate(zip(item.parts[0], item.offsets[0], strict=True), 1):
        yield due, s.delta("response.function_call_arguments.delta", piece, **ids)
        s.output[index] = item_object(s.plan, item, "done", sent)
    done = item_object(s.plan, item, "done")
    yield (
        None,
        s.event(
            "response.function_call_arguments.done", **ids, name=item.name, arguments=done["arguments"]
        ),
    )
    s.output[index] = done
    yield None, s.event("response.output_item.done", output_index=index, item=done)


def stream_events(plan: ResponsePlan, *, fail_after: int | None = None) -> Iterator[Timed]:
    """(due, event) pairs in OpenAI's order. With `fail_after`, the stream fails after that many
    deltas: an `error` event, then `response.failed` with what was sent so far."""
    s = _Stream(plan)
    yield None, s.lifecycle("response.created", "in_progress")
    yield None, s.lifecycle("response.in_progress", "in_progress")
    items = plan.items
    for index, item in enumerate(items):
        if item.kind == "reasoning":
            closes_at = items[index + 1].start if index + 1 < len(items) else plan.end
            events = _reasoning(s, index, item, closes_at)
        elif item.kind == "message":
            events = _message(s, index, item)
        else:
            events = _function_call(s, index, item)
        for due, event in events:
            if fail_after is not None and s.deltas > fail_after:
                error = {"code": "server_error", "message": FAILURE_MESSAGE}
                yield None, s.event("error", **error, param=None)
                yield None, s.lifecycle("response.failed", "failed", error=error)
                return
            yield due, event
    final = "response.incomplete" if plan.incomplete else "response.completed"
    yield None, s.lifecycle(final, "incomplete" if plan.incomplete else "completed")
