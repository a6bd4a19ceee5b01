"""Take-home driver of "Why streaming matters": the two lanes race, both requests leaving together."""

from __future__ import annotations

import threading
import time

from streamlab.recipes.why_streaming import invoked_lane, streamed_lane
from streamlab.take_home.runtime import make_llm, ms_since

PROMPT = "Explain why streaming tokens matters"


def main() -> None:
    lanes = {"llm.stream()": streamed_lane, "llm.invoke()": invoked_lane}
    barrier = threading.Barrier(len(lanes))  # both requests leave at the same moment
    results: dict[str, tuple[float | None, float]] = {}

    def race(name, lane) -> None:
        llm = make_llm()
        barrier.wait()
        start, first_ms = time.perf_counter(), None
        for chunk in lane(llm, PROMPT):
            if chunk.text and first_ms is None:
                first_ms = ms_since(start)  # when a user would first see text
        results[name] = (first_ms, ms_since(start))

    threads = [threading.Thread(target=race, args=lane) for lane in lanes.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in lanes:  # in the page's order, whoever finished first
        first_ms, done_ms = results[name]
        print(f"{name:<13} user sees text at {first_ms or 0:7,.0f} ms · done at {done_ms:7,.0f} ms")
