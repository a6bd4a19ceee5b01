"""One throwaway call through each API the lessons time, before the first measured run.

The first streamed call in a process pays for lazy work no later call pays for: the openai SDK
builds its Responses API models the first time it reads one (about 300 ms here), which a learner
would otherwise read as the first effort's late first thought. The app warms its embedded
simulator once when it starts it (components/servers.py), as the chat server already is.
"""

from __future__ import annotations

from typing import Any

from streamlab.client.providers import ProviderConfig, build_chat_model

__all__ = ["warm_up"]

INSTANT = {"ttft_ms": 0, "tokens_per_s": 0, "think_ms": 0}
CALLS: tuple[
    dict[str, Any], ...
] = (  # chat completions, then the Responses API with a reasoning summary
    {},
    {
        "model": "sim-reasoning",
        "use_responses_api": True,
        "reasoning": {"effort": "low", "summary": "auto"},
    },
)


def warm_up(config: ProviderConfig) -> None:
    """Stream one short answer through each API from the embedded simulator `config` names."""
    if config.kind != "embedded":
        raise ValueError("warm_up only calls the embedded simulator (real calls cost tokens)")
    for options in CALLS:
        for _ in build_chat_model(config, sim=INSTANT, max_tokens=16, **options).stream("warm up"):
            pass
