"""Deterministic answers and timing for the embedded OpenAI-compatible server.

Lessons must run with no API key and repeat exactly in a workshop, so the "model" is a
seeded text generator plus a seeded latency schedule: same request + same seed → same
tokens at the same offsets.
"""

from __future__ import annotations

import hashlib
import json
import random
import re

from streamlab.sim.models import ALIASES, MODELS, ModelSpec, resolve_model
from streamlab.sim.options import LatencyProfile
from streamlab.sim.writing import compose_article, topic_phrase, wants_article

__all__ = [
    "ALIASES",  # the model names live in streamlab.sim.models, kept here for old imports
    "MODELS",
    "LatencyProfile",  # defined in streamlab.sim.options, kept here for old imports
    "ModelSpec",
    "compose_answer",
    "count_tokens",
    "resolve_model",
    "schedule",
    "tokenize",
    "topic_words",
]


# Small corpus: (keywords, summary sentence, follow-up sentences for longer answers).
CORPUS: list[tuple[tuple[str, ...], str, tuple[str, ...]]] = [
    (
        ("rag", "retrieval"),
        "RAG stands for Retrieval-Augmented Generation: the application first retrieves "
        "documents relevant to the question, then passes them to the model as context.",
        (
            "Grounding the answer in retrieved text reduces hallucinations and lets the model "
            "cite sources it was never trained on.",
            "A typical pipeline embeds the query, searches a vector store, formats the top "
            "documents into the prompt and streams the model's answer back to the user.",
        ),
    ),
    (
        ("lcel", "expression language", "pipe"),
        "LCEL, the LangChain Expression Language, composes runnables with the pipe operator "
        "so that prompt | model | parser becomes one runnable.",
        (
            "Every composed chain gets invoke, batch, stream and their async twins for free.",
            "Streaming flows through the pipe as long as each step after the model can "
            "transform its input chunk by chunk.",
        ),
    ),
    (
        ("agent", "tool"),
        "An agent is a loop in which the model decides which tool to call next, reads the "
        "result and repeats until it can answer.",
        (
            "Streaming an agent means showing each step as it happens: the tool chosen, its "
            "arguments arriving as partial JSON, and the final answer token by token.",
            "Event streams such as astream_events make those intermediate steps observable.",
        ),
    ),
    (
        ("latency", "ttft", "fast", "slow"),
        "Latency has two faces: time to first token, which users feel as responsiveness, "
        "and total time, which decides when the whole answer is done.",
        (
            "Streaming cannot make generation finish sooner, but it shows the first words "
            "after the time to first token instead of after the full response.",
            "Measure both with monotonic clocks and compare medians across repeated trials.",
        ),
    ),
    (
        ("parallel",),
        "RunnableParallel runs several branches on the same input at the same time and "
        "returns a dictionary with one key per branch.",
        (
            "When streamed, it yields one-key dictionaries as each branch produces a chunk, "
            "so fast branches show text while slow ones are still thinking.",
            "Adding the chunks together rebuilds the complete dictionary.",
        ),
    ),
    (
        ("runnable", "sequence", "chain"),
        "A runnable is LangChain's unit of work: anything with invoke, stream and batch, "
        "which can be chained into sequences and parallel maps.",
        (
            "In a sequence each step receives the previous step's output; streaming passes "
            "chunks along only through steps that implement transform.",
            "A plain function in the middle waits for the complete input, so everything "
            "after it arrives at once.",
        ),
    ),
    (
        ("stream", "token", "chunk"),
        "Streaming sends a model's answer as a sequence of small chunks while it is being "
        "generated, instead of one complete message at the end.",
        (
            "Each chunk carries a few characters, usually one token, and the client appends "
            "them to what it has already shown.",
            "The user starts reading after the first token arrives, which makes long answers "
            "feel fast even when the total time is unchanged.",
        ),
    ),
]

_CLOSINGS = (
    "To see it for yourself, run a small example, change one setting and watch what moves.",
    "In production, measure it with repeated trials rather than a single run.",
    "The details depend on the model and the network, but the shape of the behaviour stays the same.",
    "Keep the user informed while work is in progress: partial results beat a spinner.",
)
_OPENERS = ("", "In short, ", "Put simply, ", "Briefly: ")
_STOPWORDS = set(
    "a an and are about the of to in on for is it this that what how why me explain "
    "please tell describe briefly concept with your my be do can you give json return as "
    "write some".split()
)


def _rng(*parts: object) -> random.Random:
    # hash() is salted per process; a digest keeps answers identical across runs and machines.
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def topic_words(prompt: str) -> list[str]:
    """Up to four content words of a prompt, for answers and schema values about its topic."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9_-]+", prompt.lower())
    return [w for w in words if w not in _STOPWORDS][:4] or ["this", "topic"]


def _json_answer(prompt: str) -> str:
    topic = " ".join(topic_words(prompt))
    return json.dumps(
        {
            "topic": topic,
            "summary": f"A short explanation of {topic}.",
            "key_points": ["what it is", "why it matters", "how to use it"],
        }
    )


def _after_opener(opener: str, text: str) -> str:
    """`In short, ` + "An agent is…" → "In short, an agent is…"; names (RAG, LCEL, RunnableParallel) keep
    their capitals."""
    first = text.split(" ", 1)[0]
    if not opener or (len(first) > 1 and first.isupper()) or any(c.isupper() for c in first[1:]):
        return opener + text
    return opener + text[:1].lower() + text[1:]


def compose_answer(prompt: str, *, paragraphs: int = 1, seed: int = 0) -> str:
    """A plausible answer about the prompt's topic; JSON when the prompt asks for JSON, a long
    sectioned article when it asks for an article."""
    lowered = prompt.lower()
    if "json" in lowered:
        return _json_answer(prompt)
    rng = _rng(prompt, paragraphs, seed)
    known = next(
        (
            [summary, *more]
            for keywords, summary, more in CORPUS
            if any(re.search(rf"\b{k}", lowered) for k in keywords)
        ),
        None,
    )
    if wants_article(prompt):
        return compose_article(prompt, known or [], seed)
    if known:
        body = _after_opener(rng.choice(_OPENERS), " ".join(known[: 1 + paragraphs]))
    else:
        topic = topic_phrase(prompt)
        sentences = [
            f"{topic[:1].upper() + topic[1:]} is easiest to understand from a small, concrete example.",
            f"Look at what goes into {topic}, what comes out, and what happens in between.",
            "Then change one thing at a time and watch what moves, rather than guessing.",
        ]
        body = " ".join(sentences[: 1 + paragraphs])
    if paragraphs > 1:
        body += "\n\n" + " ".join(rng.sample(_CLOSINGS, k=paragraphs - 1))
    return body


_TOKEN_RE = re.compile(r"\s*[A-Za-z0-9]+|\s*[^\sA-Za-z0-9]|\s+")


def tokenize(text: str, *, max_piece: int = 6) -> list[str]:
    """Split text into OpenAI-like token pieces: leading spaces kept, long words cut up."""
    tokens: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        piece = match.group()
        lead = len(piece) - len(piece.lstrip())
        word = piece[lead:]
        if len(word) <= max_piece:
            tokens.append(piece)
            continue
        cuts = range(0, len(word), 4)
        tokens.extend((piece[:lead] if i == 0 else "") + word[i : i + 4] for i in cuts)
    return tokens


def count_tokens(text: str) -> int:
    return len(tokenize(text))


def schedule(n_tokens: int, profile: LatencyProfile) -> list[float]:
    """Offsets in seconds from request start at which each token is due.

    Offsets are absolute so that sender-side sleeping errors never accumulate.
    """
    if n_tokens <= 0:
        return []
    rng = _rng("schedule", profile.seed, profile.tokens_per_s, profile.jitter_ms)
    gap = 0.0 if profile.tokens_per_s <= 0 else 1.0 / profile.tokens_per_s
    jitter = profile.jitter_ms / 1000.0
    t = max(profile.ttft_ms, 0.0) / 1000.0
    offsets = [t]
    for _ in range(n_tokens - 1):
        if gap:
            t += max(0.0, gap + rng.uniform(-jitter, jitter))
        offsets.append(t)
    return offsets
