"""What every take-home script starts with: the settings the lab hides, made explicit, and the model.

The values below are the defaults; a script gets the values of the run it reproduces, and the
command line can still change where it sends its requests (`configure`).
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from langchain_openai import ChatOpenAI

__all__ = ["BASE_URL", "MODEL", "SIM", "configure", "make_llm", "ms_since"]

BASE_URL = "http://127.0.0.1:8765/v1"  # `python -m streamlab.server` listens here by default
MODEL = "sim-fast"
# The simulator's latency settings (the lab's sidebar), sent as the extra body field `sim`.
# Real providers reject unknown fields: run with --no-sim (SIM = None) to send none.
SIM: dict[str, Any] | None = {"ttft_ms": 150.0, "tokens_per_s": 80.0, "jitter_ms": 5.0, "seed": 0}


def make_llm(
    model: str | None = None,
    *,
    sim_model: str | None = None,
    sim: dict[str, Any] | None = None,
    base_url: str | None = None,
    simulated: bool = True,
    **kwargs: Any,
) -> ChatOpenAI:
    """A ChatOpenAI for BASE_URL. `sim_model` and `sim` apply only while SIM is not None (the
    simulator's own model names and latency); `simulated=False` is a real provider's request
    (`model` as given, no `sim`). `kwargs` go to ChatOpenAI (max_tokens=…)."""
    body = None if SIM is None or not simulated else {**SIM, **(sim or {})}
    options: dict[str, Any] = {
        "model": (sim_model if body is not None and sim_model else model) or MODEL,
        "base_url": base_url or BASE_URL,
        # Read from the environment, never written into this file; the simulator takes any key.
        "api_key": os.environ.get("OPENAI_API_KEY") or "sk-simulator",
        # With a custom base_url langchain-openai streams no usage unless asked: without this,
        # usage_metadata is None while streaming, and every stream is one chunk shorter.
        "stream_usage": True,
        "max_retries": 0,  # a failure shows at once, as in the lab
        "extra_body": {"sim": body} if body else None,
    }
    options.update(kwargs)
    return ChatOpenAI(**options)


def ms_since(start: float) -> float:
    """Milliseconds since `start` (a `time.perf_counter()` reading)."""
    return (time.perf_counter() - start) * 1000


def configure(argv: list[str] | None = None) -> None:
    """Command-line overrides: where to send the requests, which model, whether to send `sim`."""
    global BASE_URL, MODEL, SIM
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default=BASE_URL, help=f"default: {BASE_URL}")
    parser.add_argument("--model", default=MODEL, help=f"default: {MODEL}")
    parser.add_argument("--no-sim", action="store_true", help="send no `sim` field (real providers)")
    parser.add_argument("--openai", action="store_true", help="OpenAI's URL, no `sim` field")
    args = parser.parse_args(argv)
    BASE_URL, MODEL = "https://api.openai.com/v1" if args.openai else args.base_url, args.model
    if args.no_sim or args.openai:
        SIM = None
