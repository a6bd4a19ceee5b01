"""Model output never becomes an image on any lesson: the simulator answers with Markdown images
(forced through the sidebar's "Force the answer text"), and no Markdown the page draws keeps one."""

from __future__ import annotations

import re

import pytest

from tests.support.apptest import open_page

ANSWER = (
    "Here ![pixel](http://127.0.0.1:9/inline.gif) and ![ref][p] end.\n\n[p]: http://127.0.0.1:9/r.gif"
)
IMAGE = re.compile(r"(?<![\w&#;])!\[")  # an image can start here: a "!" not written as &#33;

# (lesson page, its Run button): every lesson that draws a model's answer as Markdown.
RUNS = [
    ("lessons/01_overview.py", "ov_run"),
    ("lessons/02_why_streaming.py", "why_run"),
    ("lessons/04_llm_direct.py", "direct_run"),
    ("lessons/06_parallel.py", "par_run"),
    ("lessons/10_use_cases.py", "uc_long_run"),
    ("lessons/11_common_mistakes.py", "mist_print_run"),
    ("lessons/12_tool_calls.py", "tools_run"),
]


@pytest.mark.parametrize("page, button", RUNS, ids=[button for _, button in RUNS])
def test_when_the_answer_holds_markdown_images_then_no_drawn_markdown_can_load_one(page, button):
    at = open_page(page)
    at.session_state["sim_text"] = ANSWER
    at.run()
    at.button(key=button).click().run()
    assert not at.exception, at.exception
    bodies = [str(m.value) for m in at.markdown]
    drawn = [body for body in bodies if "pixel" in body]
    assert drawn, bodies  # the answer was drawn, as Markdown
    assert [body for body in drawn if IMAGE.search(body)] == []
