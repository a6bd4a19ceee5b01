from __future__ import annotations

from tests.support.apptest import open_page, texts

PAGE = "lessons/13_fastapi.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_seed_run_shows_the_bytes_the_chain_timing_and_the_code_that_ran():
    at = open_page(PAGE)
    at.button(key="fa_run").click().run()
    assert not at.exception
    page = texts(at)
    assert 'return StreamingResponse(token_stream(), media_type="text/plain")' in page
    assert "curl -N 'http://127.0.0.1:" in page and "/chat?q=Explain+RAG&cfg=" in page
    assert "Retrieval-Augmented Generation" in page
    shown = metrics(at)
    assert shown["Chain ran on"] == "worker thread"
    assert int(shown["HTTP chunks"]) > 20
    assert int(shown["Chain chunks"]) > int(shown["HTTP chunks"])  # empty chunks send no bytes
    assert shown["Bytes on the wire"] == shown["Bytes decoded"]
    assert at.link_button[0].proto.url.startswith("http://127.0.0.1:")


def test_sse_through_gzip_is_sent_uncompressed():
    at = open_page(PAGE)
    at.radio(key="fa_endpoint").set_value("/chat/sse")
    at.radio(key="fa_front").set_value("/gzip").run()
    assert "async for chunk in chain.astream(q):" in texts(at)
    at.button(key="fa_run").click().run()
    assert not at.exception
    assert 'event: token\r\ndata: "Put"' in texts(at) or 'event: token\ndata: "Put"' in texts(at)
    assert "event: end" in texts(at)
    shown = metrics(at)
    assert shown["Bytes on the wire"] == shown["Bytes decoded"]
    assert shown["Chain ran on"] == "event loop"


def test_streaming_off_sends_one_body():
    at = open_page(PAGE)
    at.toggle(key="fa_stream").set_value(False).run()
    assert "return PlainTextResponse(chain.invoke(q).content)" in texts(at)
    at.button(key="fa_run").click().run()
    assert not at.exception
    assert metrics(at)["HTTP chunks"] == "1"
    assert metrics(at)["Chain chunks"] == "1"


def test_fault_on_the_seed_route_cuts_the_body_and_says_so():
    at = open_page(PAGE)
    at.toggle(key="fa_fault").set_value(True).run()
    at.button(key="fa_run").click().run()
    assert not at.exception
    assert "incomplete chunked read" in at.error[0].value


def test_gotcha_demos_measure_threadpool_disconnect_and_errors():
    at = open_page(PAGE)
    at.button(key="fa_tp_run").click().run()
    at.button(key="fa_dc_run").click().run()
    at.button(key="fa_er_run").click().run()
    assert not at.exception
    pings = frame(at, "worst ping ms").set_index("endpoint")
    assert (
        pings.loc["/chat/blocking (anti-pattern)", "worst ping ms"]
        > 0.6 * pings.loc["/chat/blocking (anti-pattern)", "stream ms"]
    )
    assert pings.loc["/chat (seed, sync)", "chain ran in"] == "AnyIO worker thread"
    hangup = frame(at, "state +1 s").set_index("endpoint")
    assert hangup.loc["/chat (seed, sync)", "state +1 s"] == "running"
    assert hangup.loc["/chat (seed, sync)", "after gc.collect()"] == "closed"
    assert hangup.loc["/chat/async", "state +1 s"] in {"cancelled", "closed"}
    assert hangup.loc["/chat/sse", "state +1 s"] in {"cancelled", "closed"}
    assert hangup.loc["/chat/async", "stopped after (ms)"] < 250
    assert hangup.loc["/chat (seed, sync)", "model: sent after"] > 10
    assert hangup.loc["/chat/async", "model: sent after"] <= 2
    page = texts(at)
    assert "[error] OpenAIConnectionError" in page and "event: error" in page
    assert any("client raised RemoteProtocolError" in m.value for m in at.markdown)


def test_gzip_and_proxy_demos_show_what_really_buffers():
    at = open_page(PAGE)
    at.button(key="fa_gz_run").click().run()
    at.button(key="fa_px_run").click().run()
    assert not at.exception
    gz, proxy = (d.value.set_index("variant") for d in at.dataframe if "variant" in d.value.columns)
    assert gz.loc["/gzip/chat", "content-encoding"] == "gzip"
    assert gz.loc["/gzip/chat", "http_chunks"] > 20  # flushed chunk by chunk, not buffered
    assert gz.loc["/gzip/chat", "wire_bytes"] > gz.loc["/chat", "wire_bytes"]
    assert gz.loc["/gzip/chat/sse", "content-encoding"] == "none"
    assert proxy.loc["/proxy/chat", "http_chunks"] == 1
    assert proxy.loc["/proxy/chat", "first_text_ms"] > 0.9 * proxy.loc["/proxy/chat", "end_ms"]
    assert proxy.loc["/proxy/chat/async", "http_chunks"] > 20


def test_empty_question_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="fa_question").set_value("  ")
    at.button(key="fa_run").click().run()
    assert not at.exception
    assert "`q` is empty" in at.error[0].value


def test_on_your_screen_waits_for_the_browser_and_survives_its_rerun():
    at = open_page(PAGE)
    at.button(key="fa_run").click().run()
    assert not at.exception
    shown = metrics(at)
    assert shown["First shown"] == shown["Last shown"] == shown["Added by the page"] == "—"
    assert "it needs a real browser tab" in texts(at)
    at.run()  # the browser's report is a rerun: the body and the numbers stay
    assert not at.exception
    assert "Retrieval-Augmented Generation" in texts(at)
    assert int(metrics(at)["HTTP chunks"]) > 20


def test_screen_times_are_put_on_the_clients_clock():
    from components.views.fastapi import ScreenTimes
    from streamlab.measure.layers import EpochAnchor

    anchor = EpochAnchor(epoch_ns=1_000_000_000_000, perf_ns=5_000_000)  # epoch 1,000,000 ms
    times = ScreenTimes(anchor, {"first_paint_ms": 1_000_250.0})
    # The request was sent 10 ms after the anchor (perf 15 ms): painted 240 ms after sending.
    assert times.ms(1_000_250.0, start_ns=15_000_000) == 240.0
    assert times.ms(None, start_ns=15_000_000) is None
