"""Per-lesson drawing code, named like the lesson: `views/parallel.py` draws `lessons/06_parallel.py`."""
