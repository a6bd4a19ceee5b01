"""AppTest helpers: open the real app.py (sidebar included) on one lesson page, read what it shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
FAST_PROFILE = {"sim_ttft_ms": 0.0, "sim_tokens_per_s": 0.0, "sim_jitter_ms": 0.0, "sim_seed": 1}
# Small but real latency: a race or a trial still has a visible first-token wait.
SMALL_PROFILE = {"sim_ttft_ms": 20.0, "sim_tokens_per_s": 100.0, "sim_jitter_ms": 0.0, "sim_seed": 1}


def open_page(page: str, *, profile: dict | None = None, timeout: float = 60) -> AppTest:
    """Run app.py, then switch to `page` (e.g. "lessons/04_llm_direct.py")."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (FAST_PROFILE if profile is None else profile).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Every markdown/caption/code/text string on the page, joined, for content assertions."""
    parts = [e.value for e in [*at.markdown, *at.caption, *at.code, *at.text]]
    return "\n".join(str(p) for p in parts)


def layer_tables(at: AppTest) -> list:
    """Every three-layer table on the page (components/run/layers_view.py), in page order, indexed by
    layer: sent by server, received by LangChain, shown in browser."""
    return [t.value for t in at.table if "first token (ms)" in t.value.columns]


def table_with(at: AppTest, column: str):
    """The first static table (`st.table`, e.g. an evidence table) on the page with `column`."""
    return next(t.value for t in at.table if column in t.value.columns)
