"""The class board in chromium: a room's shared results (counts, both charts, the table), and a
result shared while the board is open appearing by itself, within a few of its refreshes."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from components.views.class_board import REFRESH_S
from streamlab.lab.board import BoardResult, BoardStore
from tests.support.accessibility import assert_accessible
from tests.support.browser import RUN_TIMEOUT_MS, assert_no_exception, wait_idle
from tools.browser import lesson_url

pytestmark = pytest.mark.browser
METRICS = '[data-testid="stMetric"]'


def shared(room: str, nickname: str, model: str, ttft_stream: float, ttft_invoke: float) -> BoardResult:
    return BoardResult(
        room, nickname, "why_streaming", "embedded", model, ttft_stream, ttft_invoke,
        ttft_stream + 600.0, ttft_invoke + 10.0, 80.0,
    )  # fmt: skip


def test_the_board_shows_the_rooms_results_and_a_new_one_arrives_without_a_reload(page, app_url):
    room = f"e2e-{uuid.uuid4().hex[:8]}"  # the app's board file lives for the whole session
    store = BoardStore()  # the app's own: beside $STREAMLAB_DB, which the app inherited
    store.add(shared(room, "Brave Otter", "sim-fast", 150.0, 900.0))
    store.add(shared(room, "Quiet Owl", "sim-fast", 160.0, 1_200.0))
    store.add(shared(room, "Swift Heron", "sim-detailed", 600.0, 4_800.0))
    page.goto(lesson_url(app_url, "class_board", room=room))
    page.locator(".st-key-board_table").wait_for(timeout=RUN_TIMEOUT_MS)
    wait_idle(page)
    count = page.locator(METRICS, has_text="Shared results").locator('[data-testid="stMetricValue"]')
    expect(count).to_have_text("3", timeout=RUN_TIMEOUT_MS)
    expect(page.locator(".st-key-board_sooner .js-plotly-plot")).to_have_count(1, timeout=RUN_TIMEOUT_MS)
    expect(page.locator(".st-key-board_ttft .js-plotly-plot")).to_have_count(1, timeout=RUN_TIMEOUT_MS)
    assert f"?room={room}" in page.url or f"&room={room}" in page.url  # the address keeps the room
    store.add(shared(room, "Lucky Puffin", "sim-fast", 140.0, 1_000.0))
    expect(count).to_have_text("4", timeout=int(REFRESH_S * 4 * 1000))  # no reload: the board's own
    learners = page.locator(METRICS, has_text="Learners").locator('[data-testid="stMetricValue"]')
    expect(learners).to_have_text("4")
    store.close()
    assert_no_exception(page)
    assert_accessible(page, "class_board")
