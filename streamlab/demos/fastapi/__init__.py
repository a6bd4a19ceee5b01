"""Lesson "Streaming + FastAPI": the seed's route on a real local server, instrumented."""
