"""Prose that reads like a model's: the topic of a question, replies to tool results, articles.

A learner reads every simulated answer, so it must read naturally: "I checked get_weather.
Sunny in Paris." rather than "The tool returned Sunny in Paris., so that is the answer.",
and an article asked for is long (over 600 words), in sections, like a real model's.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence

__all__ = ["compose_article", "tool_reply", "topic_phrase", "wants_article"]

_ASK = re.compile(
    r"^(?:please\s+|can you\s+|could you\s+)*(?:"
    r"write\s+(?:me\s+)?(?:an?\s+)?[\w ,-]*?"
    r"(?:article|essay|post|story|report|guide|overview)\s+(?:about|on)"
    r"|explain|describe|summari[sz]e|tell me about|tell me|what\s+(?:is|are)|what's"
    r"|how\s+(?:does|do|is|are)|why\s+(?:does|do|is|are)|give me\s+[\w ,-]*?(?:about|on)"
    r"|teach me about)\s+",
    re.IGNORECASE,
)
_TAIL = re.compile(r"\s+(?:briefly|in detail|in one sentence|in a few words|for me|please)$", re.I)
_MAX_TOPIC = 60  # characters of the question a reply repeats
_ARTICLE = re.compile(r"\b(?:article|essay|blog post|long-form|in depth|in-depth)\b", re.I)


def topic_phrase(prompt: str) -> str:
    """What a question is about, in its own words: "What is the capital of France?" → "the capital
    of France"."""
    # "Explain this concept briefly:\n{topic}" (the seed's prompt): the subject follows the colon.
    _, colon, rest = prompt.strip().partition(":\n")
    text = rest.strip() if colon and rest.strip() else prompt.strip()
    first = re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0]
    phrase = _ASK.sub("", first).strip().rstrip(".?!:; ")
    phrase = _TAIL.sub("", phrase)
    words = " ".join(phrase.split()[:8]) or "this topic"
    # A model names a topic, it doesn't recite a pasted page (2,000 CJK characters are one "word").
    return words if len(words) <= _MAX_TOPIC else words[:_MAX_TOPIC].rsplit(" ", 1)[0][:_MAX_TOPIC]


def wants_article(prompt: str) -> bool:
    return bool(_ARTICLE.search(prompt))


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _label(tool: str) -> str:
    words = [
        w for w in re.findall(r"[a-z]+|[A-Z][a-z]*", tool) if w.lower() not in ("get", "fetch", "lookup")
    ]
    return " ".join(words).lower().capitalize() or tool


def _result_sentence(tool: str, result: str, *, labelled: bool) -> str:
    """One tool result as a sentence, its words kept as they are; `labelled` with what the tool is
    about when several results follow each other (`14:05` → `Local time: 14:05.`)."""
    try:
        value = json.loads(result)
    except ValueError:
        value = None
    text = " ".join(result.split()).rstrip(".")
    if isinstance(value, dict) and value:
        text = ", ".join(f"{str(k).replace('_', ' ')} {v}" for k, v in value.items())
    return f"{_label(tool)}: {text}." if labelled else f"{text}."


def tool_reply(results: Sequence[tuple[str, str]]) -> str:
    """The answer after tool results come back: which tools were asked, then what each said."""
    names = [name for name, _ in results]
    if len(results) == 1:
        said = _result_sentence(*results[0], labelled=False)
        # A result that is a sentence of its own stands alone; a bare value follows a colon.
        return f"I checked {names[0]}{'.' if said[:1].isupper() else ':'} {said}"
    asked = ", ".join(names[:-1]) + " and " + names[-1]
    said = " ".join(_result_sentence(name, result, labelled=True) for name, result in results)
    return f"I checked {asked}. {said}"


_SECTIONS_TEXT = """
## Why it matters
Most people meet {topic} long before they have a name for it, usually when something feels slow,
surprising or harder to change than it should be.

Understanding it turns those moments from guesswork into decisions you can explain to a colleague.

It also changes how you plan: once you know where the time and the effort go, you stop optimising
the parts that do not matter.

Teams that share a clear picture of {topic} argue less about opinions and more about measurements.

That shared picture is worth more than any single trick, because it keeps paying off as the system
grows.

## How it works
At its core, {topic} is a flow: something goes in, a sequence of steps transforms it, and a result
comes out at the other end.

Each step has its own cost, and the order in which the steps run decides when the first useful piece
of the result becomes visible.

Some steps can pass along partial results as soon as they have them, while others must wait for
their whole input before they can start.

The slowest step that cannot work on partial input sets the pace for everything that follows it.

Drawing the steps on a timeline, with when each one starts and ends, makes these dependencies
obvious.

## A worked example
Imagine a small application built around {topic}, with a user waiting on the other side of the
screen.

The first version does everything in one go and shows the result at the end, so the user stares at a
spinner for several seconds.

The second version shows each piece as soon as it is ready; the total time is the same, but the
first words appear almost at once.

Users describe the second version as faster, even though a stopwatch says the work took just as
long.

That gap between measured time and perceived time is the heart of the lesson.

## Common pitfalls
The most common mistake is to add a step in the middle that quietly waits for its whole input, which
turns a smooth flow back into one late block.

Another is to measure only the total time, which hides the improvement users actually feel.

A third is to test with a single run on a quiet machine, where network delays and jitter never show
up.

Error handling deserves attention as well: when a flow breaks half way, the partial result should be
kept and the failure explained rather than thrown away.

Finally, be wary of changing several things at once; when the numbers move you will not know why.

## Measuring it
Measure {topic} with a monotonic clock and record two numbers: the time to the first useful piece
and the time to the last one.

Repeat each measurement many times and compare medians, because a single run mixes the signal with
noise from the network and the machine.

Keep one setting fixed while you vary another, and write down the configuration next to the results.

When the numbers disagree with intuition, trust the numbers and look for the step you forgot.

A simple chart of arrival times per piece often explains more than a table of averages.

## Putting it into practice
Start small: a short script that exercises {topic} end to end is enough to see the behaviour.

Then change one thing, such as the size of the input or the speed of the slowest step, and watch
what moves on the timeline.

Once the behaviour is clear, carry the same measurements into the real application and keep them
running as part of its tests.

Share the charts with the people who design the user interface, since they decide what the user sees
while the work is in progress.

Over time these habits make {topic} a routine part of building the system rather than an emergency
fix.

## Conclusion
In short, {topic} rewards the same discipline as any engineering question: a clear model, honest
measurements and one change at a time.

Get those right and the rest follows, from faster-feeling interfaces to fewer surprises in
production.

The best next step is to try it yourself on a small example and watch the first piece of the result
arrive.
"""
"""Every section's sentences, one paragraph each: the first two in order, the rest in a seeded order."""


def _sections() -> list[tuple[str, list[str]]]:
    sections = []
    for part in _SECTIONS_TEXT.split("## ")[1:]:
        title, _, body = part.partition("\n")
        sentences = [" ".join(s.split()) for s in body.split("\n\n") if s.strip()]
        sections.append((title.strip(), sentences))
    return sections


def compose_article(prompt: str, known: Sequence[str], seed: int) -> str:
    """A sectioned article of more than 600 words about the prompt's topic.

    `known`: sentences the simulator knows about the topic, used as the introduction.
    """
    rng = random.Random(seed)
    topic = topic_phrase(prompt)
    intro = list(known) or [
        f"{_sentence(topic)[:-1]} is a subject worth understanding from the ground up.",
        "This article walks through why it matters, how it works, a worked example, the usual pitfalls "
        "and how to measure it.",
    ]
    # Bold titles rather than `#` headings: the words a reader sees are the words in the text,
    # so a page counting the streamed words agrees with the rendered article.
    parts = [f"**{topic[:1].upper() + topic[1:]}: a practical guide**", " ".join(intro)]
    for title, sentences in _sections():
        if title != "Conclusion":
            sentences = sentences[:2] + rng.sample(sentences[2:], k=len(sentences) - 2)
        parts += [f"**{title}**", " ".join(s.format(topic=topic) for s in sentences)]
    return "\n\n".join(parts)
