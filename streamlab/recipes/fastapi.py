"""Lesson "Streaming + FastAPI": the seed's route as real functions, plus the fixed variants.

The chat server's routes (`streamlab.demos.fastapi.routes`) call exactly these functions, so the
code the page shows is the code that answers the HTTP request. Each takes the seed's `chain`
(`RunnableLambda | ChatPromptTemplate | ChatOpenAI`) and the question.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi.responses import PlainTextResponse, StreamingResponse
from langchain_core.language_models import BaseChatModel
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda
from sse_starlette import EventSourceResponse

__all__ = [
    "blocking_token_stream",
    "build_chain",
    "chat",
    "chat_async",
    "chat_blocking",
    "chat_full",
    "chat_sse",
    "sse_events",
    "token_stream_async",
]


def build_chain(llm: BaseChatModel) -> Runnable:
    # The seed's RunnableSequence, served by every route below.
    prompt = ChatPromptTemplate.from_template("Explain this concept briefly:\n{topic}")
    return RunnableLambda(lambda x: {"topic": x}) | prompt | llm


def chat(chain: Runnable, q: str) -> StreamingResponse:
    # The seed, verbatim: a sync generator, so Starlette runs each next() in a worker thread.
    def token_stream():
        for chunk in chain.stream(q):
            yield chunk.content

    return StreamingResponse(token_stream(), media_type="text/plain")


async def token_stream_async(chain: Runnable, q: str) -> AsyncIterator[str]:
    # Runs on the event loop: a client disconnect cancels it at the pending await.
    try:
        async for chunk in chain.astream(q):
            yield chunk.content
    except Exception as exc:  # the 200 status line is already sent: say it in the body
        yield f"\n[error] {type(exc).__name__}: {exc}\n"


def chat_async(chain: Runnable, q: str) -> StreamingResponse:
    headers = {"X-Accel-Buffering": "no", "Cache-Control": "no-cache"}
    return StreamingResponse(token_stream_async(chain, q), media_type="text/plain", headers=headers)


async def sse_events(chain: Runnable, q: str) -> AsyncIterator[dict[str, str]]:
    try:
        async for chunk in chain.astream(q):
            if chunk.content:
                yield {"event": "token", "data": json.dumps(chunk.content)}
    except Exception as exc:
        yield {"event": "error", "data": json.dumps(f"{type(exc).__name__}: {exc}")}
        return
    yield {"event": "end", "data": json.dumps("done")}


def chat_sse(chain: Runnable, q: str) -> EventSourceResponse:
    # sse-starlette adds X-Accel-Buffering: no and Cache-Control: no-store itself.
    return EventSourceResponse(sse_events(chain, q))


def chat_full(chain: Runnable, q: str) -> PlainTextResponse:
    # No streaming: one body, sent after the model has finished.
    try:
        return PlainTextResponse(chain.invoke(q).content)
    except Exception as exc:
        return PlainTextResponse(f"[error] {type(exc).__name__}: {exc}\n", status_code=502)


async def blocking_token_stream(chain: Runnable, q: str) -> AsyncIterator[str]:
    # ANTI-PATTERN: a sync .stream() inside an async generator blocks the event loop.
    for chunk in chain.stream(q):
        yield chunk.content


def chat_blocking(chain: Runnable, q: str) -> StreamingResponse:
    return StreamingResponse(blocking_token_stream(chain, q), media_type="text/plain")
