"""Drive async lesson code from synchronous callers (a Streamlit script thread, a plain test).

Streamlit pages draw from a plain loop, but several lessons are about `astream`/`async for`.
`iterate_sync` walks an async iterator one item at a time on a private event loop, so each
item can be drawn the moment it arrives; `run_sync` runs one coroutine to the end.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, TypeVar

__all__ = ["catch_error", "iterate_sync", "run_sync"]

T = TypeVar("T")


def iterate_sync(items: AsyncIterator[T]) -> Iterator[T]:
    """Yield `items` one by one; the async generator is closed even if the consumer stops early."""
    loop = asyncio.new_event_loop()
    try:
        while True:
            try:
                yield loop.run_until_complete(anext(items))
            except StopAsyncIteration:
                return
    finally:
        aclose = getattr(items, "aclose", None)
        if aclose is not None:
            loop.run_until_complete(aclose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        # Sync steps (a RunnableLambda around a plain function) ran on this loop's executor.
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coro)`, also from a thread that already runs a loop (then on a worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def catch_error(fn: Any, *args: Any) -> tuple[Any, BaseException | None]:
    """`(fn(*args), None)`, or `(None, the exception)`: for lessons that show an error on purpose."""
    try:
        return fn(*args), None
    except Exception as exc:
        return None, exc
