from __future__ import annotations

import asyncio
import threading

from streamlab.client.async_bridge import catch_error, iterate_sync, run_sync


async def numbers(n: int, closed: list[bool]):
    try:
        for i in range(n):
            await asyncio.sleep(0)
            yield i
    finally:
        closed.append(True)


def test_iterate_sync_yields_every_item_in_order():
    closed: list[bool] = []
    assert list(iterate_sync(numbers(4, closed))) == [0, 1, 2, 3]
    assert closed == [True]


def test_iterate_sync_closes_the_async_generator_when_the_consumer_stops_early():
    closed: list[bool] = []
    items = iterate_sync(numbers(10, closed))
    assert next(items) == 0
    items.close()
    assert closed == [True]


def test_run_sync_works_with_and_without_a_running_loop():
    async def answer() -> int:
        return 42

    assert run_sync(answer()) == 42

    async def inside_a_loop() -> int:
        return run_sync(answer())  # falls back to a worker thread

    assert asyncio.run(inside_a_loop()) == 42


def test_catch_error_returns_the_result_or_the_exception():
    assert catch_error(int, "7") == (7, None)
    result, error = catch_error(int, "x")
    assert result is None and isinstance(error, ValueError)


def test_iterate_sync_leaves_no_executor_threads_behind():
    async def in_executor():
        loop = asyncio.get_running_loop()
        yield await loop.run_in_executor(None, lambda: 1)

    before = threading.active_count()
    for _ in range(3):
        assert list(iterate_sync(in_executor())) == [1]
    assert threading.active_count() <= before
