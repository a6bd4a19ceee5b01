"""Views of the "Use cases" lesson: chat, agent status, long-form."""
