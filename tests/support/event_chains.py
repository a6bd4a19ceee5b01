"""The seed's chain on a fake model, and what its `astream_events` look like, for the event tests.

The seed chain is `RunnableLambda | ChatPromptTemplate | model`; the fake model streams its
answer word by word ("chunks", " ", "arrive", " ", "early": 5 chunks).
"""

from __future__ import annotations

import pandas as pd
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda

from streamlab.measure.events import CapturedEvents

__all__ = [
    "CHUNKS",
    "MODEL",
    "MODEL_EVENTS",
    "SEED_TIMELINE",
    "SEED_TREE",
    "START",
    "fake_model",
    "seed_chain",
    "span_tree",
    "timeline",
]

ANSWER = "chunks arrive early"
CHUNKS = ["chunks", " ", "arrive", " ", "early"]
MODEL = "GenericFakeChatModel"

START = [
    ("on_chain_start", "RunnableSequence"),
    ("on_chain_start", "RunnableLambda"),
    ("on_chain_stream", "RunnableLambda"),
    ("on_chain_end", "RunnableLambda"),
    ("on_prompt_start", "ChatPromptTemplate"),
    ("on_prompt_end", "ChatPromptTemplate"),
    ("on_chat_model_start", MODEL),
]
# Each chunk surfaces twice: first from the model, then as the sequence's own output.
STREAM = [("on_chat_model_stream", MODEL), ("on_chain_stream", "RunnableSequence")] * len(CHUNKS)
END = [
    ("on_chat_model_end", MODEL),
    ("on_chain_end", "RunnableSequence"),
]
SEED_TIMELINE = START + STREAM + END
MODEL_EVENTS = [
    ("on_chat_model_start", MODEL),
    *[("on_chat_model_stream", MODEL)] * len(CHUNKS),
    ("on_chat_model_end", MODEL),
]
SEED_TREE = [
    ("RunnableSequence", "chain", 0),
    ("RunnableLambda", "lambda", 1),
    ("ChatPromptTemplate", "prompt", 1),
    (MODEL, "chat_model", 1),
]


def fake_model(answer: str = ANSWER) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=answer)]))


def seed_chain(model: Runnable | None = None) -> Runnable:
    prompt = ChatPromptTemplate.from_template("Explain this concept briefly:\n{topic}")
    return RunnableLambda(lambda x: {"topic": x}) | prompt | (model or fake_model())


def timeline(captured: CapturedEvents) -> list[tuple[str, str]]:
    """(event, name) per event: the ids and times differ on every run, the order does not."""
    return [(timed.event["event"], timed.event["name"]) for timed in captured.events]


def span_tree(spans: pd.DataFrame) -> list[tuple[str, str, int]]:
    return list(zip(spans["name"], spans["run_type"], spans["depth"], strict=True))
