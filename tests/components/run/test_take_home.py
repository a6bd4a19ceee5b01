"""Every lesson page offers its take-home script (the download button `take_home_<id>`), and the
script it would download is the one for that page's current inputs."""

from __future__ import annotations

import pytest

from components.run.take_home import TAKE_HOME_NOTE
from streamlab.catalog import LESSONS
from tests.support.apptest import open_page


@pytest.mark.parametrize("lesson", [x for x in LESSONS if x.teaches], ids=lambda x: x.id)
def test_every_lesson_page_offers_its_take_home_script(lesson):
    at = open_page(lesson.file)
    buttons = [b for b in at.get("download_button") if b.key == f"take_home_{lesson.id}"]
    assert len(buttons) == 1
    assert buttons[0].help == TAKE_HOME_NOTE
