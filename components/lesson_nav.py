"""Previous / next lesson links at the end of every lesson, in the catalog's order.

app.py calls `render_lesson_nav` once, after the lesson ran, so no lesson file repeats it and a
new lesson in `streamlab.catalog` gets its links by being listed there.
"""

from __future__ import annotations

import streamlit as st

from streamlab.catalog import LESSONS, Lesson, lesson

__all__ = ["neighbours", "render_lesson_nav"]


def neighbours(lesson_id: str) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after `lesson_id` in the app (None at either end)."""
    at = LESSONS.index(lesson(lesson_id))
    return (LESSONS[at - 1] if at > 0 else None, LESSONS[at + 1] if at + 1 < len(LESSONS) else None)


def render_lesson_nav(url_path: str) -> None:
    """Links to the previous and next lesson; `url_path` is the open page's (`""`: the first)."""
    before, after = neighbours(url_path or LESSONS[0].id)
    st.divider()
    with st.container(key="lesson_nav", horizontal=True, horizontal_alignment="distribute"):
        if before is not None:
            st.page_link(before.file, label=f"Previous: {before.title}", icon=":material/arrow_back:")
        else:
            st.empty()  # keeps "Next" on the right
        if after is not None:
            st.page_link(
                after.file,
                label=f"Next: {after.title}",
                icon=":material/arrow_forward:",
                icon_position="right",
            )
