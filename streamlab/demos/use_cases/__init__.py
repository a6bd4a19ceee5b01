"""Lesson "Use cases": a chat turn with a real Stop, agent steps, a live word meter."""
