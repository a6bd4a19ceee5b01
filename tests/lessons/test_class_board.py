"""The class board: the page (a room's results, live; starting and opening rooms; clearing, only
with the presenter key) and the opt-in "Share my result with the room" on the three runs that
share. Pages run through app.py (AppTest); the board is the SQLite file beside the test's lab
history (PostgreSQL is tested at the store, tests/lab/test_board.py)."""

from __future__ import annotations

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from components.figures.board import sooner_bins, sooner_figure, ttft_figure
from components.views.class_board import TABLE_COLUMNS
from streamlab.catalog import lesson
from streamlab.lab.board import BoardResult, BoardStore, ModelSummary
from tests.support.apptest import FAST_PROFILE, ROOT, texts
from tests.support.factories import board_result
from tests.support.markdown import rendered

BOARD = lesson("class_board").file
ROOM = "abc123"
# A real first-token wait and a quick answer (~0.1 s): the invoked first text comes clearly later.
QUICK_PROFILE = {"sim_ttft_ms": 10.0, "sim_tokens_per_s": 400.0, "sim_jitter_ms": 0.0, "sim_seed": 1}


@pytest.fixture
def board(tmp_path, monkeypatch):
    """An empty board of this test's own (the app finds it beside $STREAMLAB_DB)."""
    monkeypatch.setenv("STREAMLAB_DB", str(tmp_path / "experiments.sqlite3"))
    monkeypatch.delenv("STREAMLAB_BOARD_URL", raising=False)
    monkeypatch.delenv("STREAMLAB_BOARD_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    store = BoardStore()
    yield store
    store.close()


def open_app(page: str, *, room: str | None = ROOM, profile: dict | None = None) -> AppTest:
    """`page` opened from a link, with `?room=` when `room` is given."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (profile or FAST_PROFILE).items():
        at.session_state[key] = value
    if room is not None:
        at.query_params["room"] = room
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def result(nickname: str, **changes) -> BoardResult:
    return board_result(**{"room": ROOM, "nickname": nickname, **changes})


def shown(elements) -> list[str]:
    """The text each Markdown element shows (its body rendered)."""
    return [rendered(str(e.value))[0] for e in elements]


def errors(at: AppTest) -> list[str]:
    return shown(at.error)


# --- the board page ------------------------------------------------------------------------------


def test_when_the_room_has_results_then_the_board_counts_charts_and_lists_them(board):
    board.add(result("Brave Otter", created_at=1_000.0))  # 6× sooner
    board.add(result("Quiet Owl", ttft_stream_ms=100.0, ttft_invoke_ms=2_000.0, created_at=2_000.0))
    board.add(result("Quiet Owl", lesson="streaming_vs_not", ttft_invoke_ms=None, created_at=3_000.0))
    board.add(result("Other Room", room="elsewhere"))
    at = open_app(BOARD)
    assert {m.label: m.value for m in at.metric} == {
        "Shared results": "3",
        "Learners": "2",
        "Streamed first text, median": "13.0× sooner",
    }
    assert [c.key for c in at.get("plotly_chart")] == ["board_sooner", "board_ttft"]
    table = next(d.value for d in at.dataframe)
    assert list(table.columns) == TABLE_COLUMNS
    rows = table[["nickname", "lesson", "N× sooner"]].astype(object).fillna("not measured")
    assert rows.values.tolist() == [
        ["Quiet Owl", "Streaming vs non-streaming", "not measured"],
        ["Quiet Owl", "Why streaming matters", 20.0],
        ["Brave Otter", "Why streaming matters", 6.0],
    ]
    assert "Room **abc123**. Learners join it with this link:" in texts(at)
    [link] = [c.value for c in at.code]
    assert link.startswith("http") and link.endswith(
        "/?model=sim-fast&ttft=0&tps=0&jitter=0&seed=1&room=abc123"
    )


def test_when_the_room_is_empty_then_the_board_says_how_learners_share(board):
    at = open_app(BOARD)
    [info] = [i.value for i in at.info if i.value.startswith("No results")]
    assert info.startswith("No results in room abc123 yet. Learners: open the room's link")
    assert "**Share my result with the room**" in info
    assert not at.get("plotly_chart")


def test_without_a_room_the_presenter_starts_one_and_the_address_keeps_it(board):
    at = open_app(BOARD, room=None)
    assert any("This session is in no room yet" in i.value for i in at.info)
    at.button(key="board_new_room").click().run()
    room = at.session_state["board_room"]
    assert len(room) == 8 and at.query_params["room"] == room
    assert f"Room **{room}**" in texts(at)
    at.text_input(key="board_open_code").input("Not A Room!")
    at.button(key="board_open").click().run()
    assert errors(at) == ["Not opened: a room code is 3 to 32 lower-case letters, digits or dashes "
                          "(e.g. abc123), starting with a letter or digit."]  # fmt: skip
    at.text_input(key="board_open_code").input("WS-2026")
    at.button(key="board_open").click().run()
    assert at.session_state["board_room"] == "ws-2026" and at.query_params["room"] == "ws-2026"


def test_a_bad_room_in_the_link_is_ignored_with_a_warning_naming_it(board):
    at = open_app(BOARD, room="<b>x</b>")
    assert "board_room" not in at.session_state
    assert [w.value for w in at.sidebar.warning][-1].startswith(
        "Ignored the link parameter ?room: a room"
    )
    assert "?room='<b>x</b>'" in [t.value for t in at.sidebar.text]  # as plain text


def test_when_the_board_database_url_is_wrong_then_the_page_says_what_to_write(board, monkeypatch):
    monkeypatch.setenv("STREAMLAB_BOARD_URL", "mysql://ann:hunter2@db/board")
    at = open_app(BOARD)
    [error] = errors(at)
    assert error.startswith("STREAMLAB_BOARD_URL names a mysql database")
    assert "hunter2" not in error and not at.get("plotly_chart")


def test_clearing_is_off_without_a_presenter_key(board):
    board.add(result("Brave Otter"))
    at = open_app(BOARD)
    assert any(
        i.value.startswith("Clearing is off: start the app with STREAMLAB_BOARD_KEY") for i in at.info
    )
    assert not [b for b in at.button if b.key == "board_clear"]


def test_clearing_needs_the_presenter_key_and_a_confirmation(board, monkeypatch):
    monkeypatch.setenv("STREAMLAB_BOARD_KEY", "front-of-room")
    board.add(result("Brave Otter"))
    board.add(result("Old Seal", room="old-room", created_at=1_000.0))
    at = open_app(BOARD)
    at.text_input(key="board_key").input("guess")
    at.checkbox(key="board_clear_sure").check()
    at.button(key="board_clear").click().run()
    assert errors(at) == ["That is not the presenter key (STREAMLAB_BOARD_KEY). Nothing was deleted."]
    at.text_input(key="board_key").input("front-of-room")
    at.checkbox(key="board_clear_sure").uncheck()
    at.button(key="board_clear").click().run()
    assert errors(at) == ["Tick “Yes, delete these results for good” first. Nothing was deleted."]
    assert len(board.results(ROOM)) == 1
    at.radio(key="board_clear_what").set_value("idle")
    at.checkbox(key="board_clear_sure").check()
    at.button(key="board_clear").click().run()
    assert shown(at.success) == ["Cleared the rooms unused for a day: 1 results deleted."]
    at.radio(key="board_clear_what").set_value("room")
    at.button(key="board_clear").click().run()
    assert shown(at.success) == ["Cleared room abc123: 1 results deleted."]
    assert board.rooms() == []


# --- the charts ----------------------------------------------------------------------------------


def test_sooner_bins_count_whole_number_bands_with_empty_ones_between_and_a_capped_last():
    results = [result("A", ttft_invoke_ms=ms) for ms in (450.0, 500.0, 1_000.0, 9_000.0)]
    results.append(result("B", ttft_invoke_ms=None))  # not compared: not counted
    assert sooner_bins(results) == {"3×": 2, "4×": 0, "5×": 0, "6×": 1, "7×": 0, "8×": 0, "9×": 0,
                                    "10×": 0, "11×": 0, "12×": 0, "13×": 0, "14×": 0, "15×": 0,
                                    "16×": 0, "17×": 0, "18×": 0, "19×": 0, "20×+": 1}  # fmt: skip
    assert sooner_bins([result("D", ttft_invoke_ms=100.0)]) == {"<1×": 1}  # invoke won: it shows
    assert sooner_bins([result("C", ttft_invoke_ms=None)]) == {}
    assert sooner_figure([]).layout.annotations[0].text.startswith("No shared result compares")


def test_model_names_reach_the_charts_escaped():
    summary = ModelSummary("compatible", "<img src=x>", 1, 100.0, 800.0, 8.0, 8.0, 8.0, None)
    fig = ttft_figure([summary, dataclasses.replace(summary, model="llama3.2")])
    assert list(fig.data[0].x) == ["&lt;img src=x&gt;<br>(compatible)", "llama3.2<br>(compatible)"]
    assert [t.name for t in fig.data] == ["streamed", "not streamed"]


# --- sharing from the three runs -----------------------------------------------------------------

SHARING = [
    ("lessons/02_why_streaming.py", "why", "why_streaming"),
    ("lessons/09_streaming_vs_not.py", "cmp", "streaming_vs_not"),
    ("lessons/14_latency_lab.py", "lab", "latency_lab"),
]


def set_quick(at: AppTest, lesson_id: str) -> None:
    if lesson_id == "streaming_vs_not":
        at.slider(key="cmp_trials").set_value(1)
    if lesson_id == "latency_lab":
        at.number_input(key="lab_trials").set_value(1)
        at.number_input(key="lab_warmup").set_value(0)


@pytest.mark.parametrize("page_file, key, lesson_id", SHARING)
def test_without_a_room_the_share_toggle_is_off_disabled_and_says_it_needs_a_room_link(
    board, page_file, key, lesson_id
):
    at = open_app(page_file, room=None)
    toggle = at.toggle(key=f"{key}_share")
    assert (toggle.value, toggle.disabled) == (False, True)
    assert "Sharing needs a room: open the link your presenter shares (it ends in ?room=" in texts(at)


def test_when_sharing_is_off_a_run_puts_nothing_on_the_board(board):
    at = open_app("lessons/02_why_streaming.py", profile=QUICK_PROFILE)
    at.button(key="why_run").click().run()
    assert not at.exception, at.exception
    assert board.results(ROOM) == []
    assert not [s for s in shown(at.success) if "Shared" in s]


@pytest.mark.parametrize("page_file, key, lesson_id", SHARING)
def test_a_run_is_shared_once_the_learner_switched_sharing_on(board, page_file, key, lesson_id):
    at = open_app(page_file, profile=QUICK_PROFILE)
    assert at.toggle(key=f"{key}_share").value is False  # off by default
    set_quick(at, lesson_id)
    at.toggle(key=f"{key}_share").set_value(True).run()
    nickname = at.text_input(key="board_nickname").value
    assert len(nickname.split(" ")) == 2  # made up: an adjective and an animal
    at.button(key=f"{key}_run").click().run()
    assert not at.exception, at.exception
    [shared] = board.results(ROOM)
    assert (shared.nickname, shared.lesson, shared.provider_kind) == (nickname, lesson_id, "embedded")
    assert shared.model == "sim-fast" and shared.ttft_stream_ms > 0
    assert shared.sooner is not None and shared.sooner > 1  # small but real latency: streaming wins
    assert (shared.tokens_per_s is None) is (lesson_id == "streaming_vs_not")  # trials time no speed
    [message] = [s for s in shown(at.success) if "Shared with room" in s]
    assert message.startswith(f"Shared with room abc123 as {nickname}: the streamed first text came ")


def test_a_rerolled_or_typed_nickname_is_used_and_a_bad_one_shares_nothing(board):
    at = open_app("lessons/02_why_streaming.py")
    at.toggle(key="why_share").set_value(True).run()
    first = at.text_input(key="board_nickname").value
    at.button(key="board_nickname_reroll").click().run()
    assert at.text_input(key="board_nickname").value != first
    at.text_input(key="board_nickname").input("<b>Boss</b>").run()
    assert errors(at) == ["Nickname: a nickname may hold letters, digits, spaces and . ' - _ only, "
                          "and starts and ends with a letter or digit."]  # fmt: skip
    at.button(key="why_run").click().run()
    assert board.results(ROOM) == []
    at.text_input(key="board_nickname").input("  Table   4 ").run()
    at.button(key="why_run").click().run()
    assert [r.nickname for r in board.results(ROOM)] == ["Table 4"]
    at.switch_page("lessons/09_streaming_vs_not.py").run()  # the next lesson that shares
    assert at.toggle(key="cmp_share").value is False  # each run is opted in on its own
    at.toggle(key="cmp_share").set_value(True).run()
    assert at.text_input(key="board_nickname").value == "  Table   4 "  # the same nickname


def test_a_shared_result_never_holds_the_prompt_the_key_or_the_base_url(board, sim_base_url):
    at = open_app("lessons/02_why_streaming.py")
    at.sidebar.radio(key="provider_kind").set_value("compatible").run()
    at.sidebar.text_input(key="compat_url").input(sim_base_url.replace("127.0.0.1", "localhost"))
    at.sidebar.text_input(key="compat_model").input("sim-fast")
    at.sidebar.text_input(key="compat_key").input("sk-key-secret")
    at.text_input(key="why_prompt").input("My private prompt about Atlantis")
    at.toggle(key="why_share").set_value(True).run()
    at.button(key="why_run").click().run()
    assert not at.exception, at.exception
    [shared] = board.results(ROOM)
    assert (shared.provider_kind, shared.model) == ("compatible", "sim-fast")
    stored = " ".join(str(v) for v in dataclasses.astuple(shared))
    port = sim_base_url.rsplit(":", 1)[1].split("/")[0]
    for secret in ("sk-key-secret", "Atlantis", "localhost", port):
        assert secret not in stored
