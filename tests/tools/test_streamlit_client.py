"""tools/streamlit_client.py against the real app under `streamlit run`: a learner without a browser
opens a lesson from a preset link, sees its widgets by key, clicks Run and watches the answer grow.

No chromium here (not a browser test): the client speaks the frontend's websocket protocol itself.
"""

from __future__ import annotations

import time

import pytest

from tools.browser import streamlit_app
from tools.streamlit_client import DeltaEvent, StreamlitSession, key_of

TTFT_MS = 300  # the preset link's time to first token (the lesson's default model has 150 ms)


@pytest.fixture(scope="module")
def app_url():
    with streamlit_app() as url:
        yield url


@pytest.mark.parametrize(
    "given, expected",
    [
        ("$$ID-3f2a9c-why_run", "why_run"),
        ("$$ID-3f2a9c-why_text-stream-2", "why_text-stream-2"),  # a key may itself contain "-"
        ("$$ID-3f2a9c-None", None),  # an unkeyed widget's id
        ("plain", None),
    ],
)
def test_key_of_when_given_an_element_id_then_returns_its_user_key(given, expected):
    assert key_of(given) == expected


async def test_session_when_a_preset_lesson_is_opened_then_its_page_and_keys_are_there(app_url):
    async with StreamlitSession(app_url, page="why_streaming", query={"ttft": TTFT_MS}) as s:
        run = await s.run()

        assert run.ok and s.exceptions == [] and s.page_not_found == []
        assert [n.text for n in s.elements("heading")][:1] == ["Why streaming matters"]
        assert {"why_run", "why_prompt", "sim_ttft_ms", "lesson_nav"} <= s.all_keys()
        assert s.widget("why_run").kind == "button" and s.widget("why_run").text == "Run"
        assert s.find("lesson_nav") is not None and s.find("lesson_nav").block is not None
        assert "Next: How streaming works internally" in s.text("lesson_nav")
        # Like a browser tab: the health check's XSRF cookie goes back on the websocket, whose
        # second subprotocol carries the same token.
        xsrf = s.cookies.get("_streamlit_xsrf")
        assert xsrf and s.response is not None and s.response.status_code == 200
        assert f"_streamlit_xsrf={xsrf}" in s.handshake_headers["Cookie"]
        assert s.handshake_headers["Sec-WebSocket-Protocol"] == f"streamlit, {xsrf}"
        with pytest.raises(KeyError, match="no widget with key 'nope'"):
            s.widget("nope")


async def test_click_when_run_is_pressed_then_the_answer_grows_over_several_deltas(app_url):
    async with StreamlitSession(app_url, page="why_streaming", query={"ttft": TTFT_MS}) as s:
        await s.run()
        lengths: list[tuple[float, int]] = []

        def watch(event: DeltaEvent) -> None:
            n = len(s.text("why_text_stream", fresh=True))
            if not lengths or lengths[-1][1] != n:
                lengths.append((event.at, n))

        clicked = time.perf_counter()
        run = await s.click("why_run", on_delta=watch)

        assert run.ok and s.exceptions == []
        assert run.fragment_ids  # the Run panel is an st.fragment: only it reran
        grown = [(at, n) for at, n in lengths if n > 0]
        assert len(grown) >= 4, lengths
        assert [n for _, n in grown] == sorted(n for _, n in grown)
        first_ms = (grown[0][0] - clicked) * 1000
        assert TTFT_MS <= first_ms < TTFT_MS + 1000  # the preset's TTFT, not the model's 150 ms
        final = s.text("why_text_stream")
        assert len(final) >= grown[-1][1] and final.startswith("Streaming")
        # The fragment run left the rest of the page in place.
        assert [n.text for n in s.elements("heading")][:1] == ["Why streaming matters"]
        assert s.within("why_text_stream") and s.within("why_text_stream", fresh=True)


async def test_report_when_the_paint_probe_reports_then_the_panel_reruns_with_the_browser_layer(app_url):
    async with StreamlitSession(app_url, page="why_streaming", query={"ttft": TTFT_MS}) as s:
        await s.run()
        await s.click("why_run")
        waiting = "arrives from your browser right after the run"
        assert waiting in s.text("why_layers_0")
        probe = next(k for k in s.all_keys() if k.startswith("why_probe_") and "_end_" not in k)
        data = s.component_data(probe)
        assert set(data["targets"]) == {"llm.stream()", "llm.invoke()"}

        now = time.time() * 1000
        paint = {"first_paint_ms": now - 900, "last_paint_ms": now, "chars": 9}
        lanes = {
            lane: {"run_id": data["run_id"], **paint, "samples": [[now - 900, 4], [now, 9]]}
            for lane in data["targets"]
        }
        run = await s.report(probe, "paint", {"run_id": data["run_id"], "lanes": lanes})

        assert run.ok and run.fragment_ids and s.exceptions == []
        assert waiting not in s.text("why_layers_0")  # the browser's row is in the table now
        assert s.text("why_text_stream").startswith("Streaming")  # the run was replayed


async def test_session_when_the_page_does_not_exist_then_the_server_says_so_and_opens_the_first(app_url):
    async with StreamlitSession(app_url, page="no_such_lesson") as s:
        run = await s.run()

        # st.navigation says so (without the page's name) and runs the first lesson instead
        assert run.ok and len(s.page_not_found) == 1
        assert [n.text for n in s.elements("heading")][:1] == ["Overview & mental model"]
