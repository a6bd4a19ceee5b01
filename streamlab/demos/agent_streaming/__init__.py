"""The agent lessons' shared machinery: what each piece of an agent's stream is (`events`), and a
recorder that stamps the pieces on arrival and keeps them lane by lane (`timeline`).

"Streaming an agent" introduces it; the later agent lessons reuse it with the same agent
(`streamlab.recipes.agent_streaming.build_agent`).
"""

from streamlab.demos.agent_streaming.events import (
    KINDS,
    MODES,
    AgentEvent,
    Described,
    Kind,
    describe_message,
    describe_part,
    reasoning_text,
    short,
)
from streamlab.demos.agent_streaming.timeline import FRAME_COLUMNS, AgentTimeline

__all__ = [
    "FRAME_COLUMNS",
    "KINDS",
    "MODES",
    "AgentEvent",
    "AgentTimeline",
    "Described",
    "Kind",
    "describe_message",
    "describe_part",
    "reasoning_text",
    "short",
]
