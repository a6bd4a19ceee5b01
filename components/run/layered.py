"""One Run of a lesson, measured in three layers: sent by server → received by LangChain → shown
in browser, for each lane (one LLM request each: a race's two sides, a chain variant, a branch).

Usage on a page (the run panel should be an `st.fragment`, so the probe's rerun is cheap):

    layered = LayeredRun("why")
    if st.button("Run"):
        lanes = layered.start({"stream": "why_text_stream", "invoke": "why_text_invoke"})
        llm = build_chat_model(config, sim=lanes["stream"].sim)   # one request per lane
        ...stream into the containers keyed why_text_stream / why_text_invoke...
        layered.finish("stream", recorder, config)
        layered.end()            # after everything is drawn: the browser may now report
    ...redraw the last result from st.session_state (the report is a rerun)...
    layered.render(key="why_layers")

The browser's numbers arrive on the rerun its report causes, so `render` shows "—" for that
layer until then (and always under AppTest, which runs no JavaScript).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import pandas as pd
import streamlit as st

from components.run.layers_view import render_layers
from components.run.probe import PaintProbe
from streamlab.client.providers import ProviderConfig
from streamlab.measure.layers import RunLayers, summarize_layers
from streamlab.measure.server_trace import new_trace_id, simulator_url

__all__ = [
    "LAYERS_INTRO",
    "LAYERS_TITLE",
    "LayeredRun",
    "langchain_clock_note",
    "page_note",
    "render_layers_explainer",
]

LAYERS_TITLE = "Three clocks: sent by server → received by LangChain → shown in browser"
LAYERS_INTRO = (
    "Each layer has its own clock, all counted from the request start. *Sent by server* is when "
    "the simulator wrote each piece to the connection; *received by LangChain* is when your code "
    "got the chunk; *shown in browser* is when this page painted it. **Notice** that LangChain gets "
    "each chunk a few milliseconds after the server sent it, while reaching your screen takes "
    "longer: every update travels from this script over Streamlit's websocket and is rendered by "
    "your browser."
)
"""The one explanation of the three layers: every page shows it in the same expander, once."""


def render_layers_explainer() -> None:
    """The shared explanation, folded: a page's own note stays in view under it."""
    with st.expander(f":material/schedule: {LAYERS_TITLE}"):
        st.markdown(LAYERS_INTRO)


def page_note(intro: str | None) -> str | None:
    """A page's own note on its layers, without the shared explanation (which it may start with)."""
    note = (intro or "").removeprefix(LAYERS_INTRO).strip()
    return note or None


def langchain_clock_note(times: str, counted_from: str = "the request start") -> str:
    """For pages timed on LangChain's clock only: which clock, and where all three are shown."""
    return (
        f"{times} are LangChain's clock (the *received by LangChain* layer), counted from "
        f"{counted_from}. Nothing here is drawn token by token, so there is no *shown in browser* "
        "layer: *Streaming an LLM directly* shows all three layers of one run."
    )


class Recorded(Protocol):
    """What `finish` needs from a recorder (`StreamRecorder` has both; `start_ns` may be read-only)."""

    @property
    def start_ns(self) -> int | None: ...

    def to_dataframe(self) -> pd.DataFrame: ...


class LayeredRun:
    """A page's last run: per-lane `RunLayers` kept in `st.session_state`, plus the paint probe."""

    def __init__(self, name: str) -> None:
        self.probe = PaintProbe(name)
        self._key = f"_layered_run_{name}"

    def start(
        self, targets: Mapping[str, str], *, report_from_tables: bool = False
    ) -> dict[str, RunLayers]:
        """Call right before the requests: `targets` maps each lane to its output container key.

        Returns a `RunLayers` per lane; send its `.sim` with that lane's request, so the
        simulator records when it sent each chunk. With `report_from_tables`, the browser's
        report comes from `render_and_report` (it reruns only the tables); else from here (it
        reruns the fragment this is called in, e.g. a page that draws the browser's numbers).
        """
        lanes = {lane: RunLayers.start() for lane in targets}
        # One request: the run id is its trace id, so tools can look up the server's trace.
        run_id = next(iter(lanes.values())).trace_id if len(lanes) == 1 else new_trace_id()
        self.probe.mount(run_id=run_id, targets=targets, role="watch" if report_from_tables else "both")
        st.session_state[self._key] = {
            "run_id": run_id,
            "lanes": lanes,
            "reporter": dict(targets) if report_from_tables else None,  # reports from the tables
        }
        return lanes

    def finish(self, lane: str, recorder: Recorded, config: ProviderConfig) -> None:
        """The lane's stream ended: keep what LangChain received, fetch what the server sent."""
        run = st.session_state[self._key]
        run["lanes"][lane].finish(recorder.to_dataframe(), recorder.start_ns, simulator_url(config))

    def end(self) -> None:
        """Everything of the run is drawn: the browser may report (and rerun) now."""
        self.probe.mark_end(st.session_state[self._key]["run_id"])

    def lanes(self) -> dict[str, RunLayers]:
        run = st.session_state.get(self._key)
        return dict(run["lanes"]) if run else {}

    def render_and_report(
        self, *, key: str, intro: str | None = LAYERS_INTRO, titles: Mapping[str, str] | None = None
    ) -> None:
        """`render`, in a fragment of its own that also sends the browser's report: the report's
        rerun redraws these tables alone, not the lesson's text and charts around them (a room
        of learners pays that rerun on every click: bench/README.md, Classroom capacity)."""
        _tables_and_reporter(self, key, intro, titles)

    def mount_reporter(self) -> None:
        """The reporter of a run whose browser has not reported yet (started `report_from_tables`)."""
        run = st.session_state.get(self._key)
        if run and run.get("reporter") and not self.probe.results(run["run_id"]):
            self.probe.mount_reporter(run["run_id"], run["reporter"])

    def render(
        self, *, key: str, intro: str | None = LAYERS_INTRO, titles: Mapping[str, str] | None = None
    ) -> None:
        """The three-layer table and curves of each lane (tabs when there are several)."""
        run = st.session_state.get(self._key)
        if not run:
            return
        render_layers_explainer()
        if note := page_note(intro):
            st.markdown(note)
        paints = self.probe.results(run["run_id"])
        names = list(run["lanes"])
        titles = titles or {}
        places = st.tabs([titles.get(n, n) for n in names]) if len(names) > 1 else [st.container()]
        for index, (name, place) in enumerate(zip(names, places, strict=True)):
            layers, paint = run["lanes"][name], paints.get(name)
            frame = layers.frame(paint)  # built once: the summary is derived from it
            with place:
                lane_key = key if len(names) == 1 else f"{key}_{index}"
                render_layers(summarize_layers(frame), frame, key=lane_key)


@st.fragment
def _tables_and_reporter(
    layered: LayeredRun, key: str, intro: str | None, titles: Mapping[str, str] | None
) -> None:
    layered.render(key=key, intro=intro, titles=titles)
    layered.mount_reporter()  # its report reruns this fragment only
