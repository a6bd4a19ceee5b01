"""What the agent lessons' tests share: the question that makes the agent call both tools, what
the tools answer and report, and an agent on a given model."""

from __future__ import annotations

from streamlab.recipes.agent_streaming import build_agent

__all__ = ["LOCAL_TIME", "PROGRESS", "QUESTION", "STEP_ORDER", "WEATHER", "agent_on"]

QUESTION = "What is the weather and local time in Paris?"
WEATHER = "Sunny, 21 °C in Paris"
LOCAL_TIME = "It is 14:05 in Paris"
PROGRESS = ["Looking up Paris", "Fetching the forecast for Paris", "Got the forecast for Paris"]
STEP_ORDER = ["model", "tools", "tools", "model"]
"""One model call asking for both tools, each tool call as its own `tools` task, then the answer."""


def agent_on(make_llm, **kwargs):
    """The lessons' agent on a simulator model (`make_llm` is the conftest fixture)."""
    return build_agent(make_llm(**kwargs))
