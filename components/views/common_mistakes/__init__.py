"""The demos of "Common mistakes": each runs a mistake and its fix live, side by side, in a tab.

Each demo draws its prose, both recipes' source, its own Run (`mist_<name>_run`) and, under each
recipe, what it produced; results are kept, so a Run in another tab leaves them on the page.
"""

from __future__ import annotations

from collections.abc import Callable

from components.views.common_mistakes.arrival import (
    demo_config,
    demo_lambda,
    demo_plain_step,
    demo_streaming_flag,
)
from components.views.common_mistakes.event_loop import demo_sync_in_async
from components.views.common_mistakes.output import demo_async_for, demo_print

__all__ = ["DEMOS"]

DEMOS: dict[str, Callable[[str], None]] = {
    "print(chunk)": demo_print,
    "Prompt / lambda": demo_lambda,
    "Plain step after the LLM": demo_plain_step,
    "Config not passed": demo_config,
    "Sync stream in async": demo_sync_in_async,
    "Forgetting async for": demo_async_for,
    "streaming=True": demo_streaming_flag,
}
