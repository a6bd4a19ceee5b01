"""Per-lesson machinery that is more than a recipe: one module (or package) per lesson, named
like the lesson (`demos/parallel.py` serves `lessons/06_parallel.py`)."""
