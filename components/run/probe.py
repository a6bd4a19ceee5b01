"""The "shown in browser" layer: when the learner's browser actually painted the streamed text.

A `st.components.v2` component whose JavaScript runs in the page DOM. It watches the live
output container (`.st-key-<target_key>`) with a `MutationObserver`, and after each change
waits for the next animation frame (just before the browser paints) to stamp the time as
epoch milliseconds, aligned to `Date.now()`, so it compares with the server's `time.time_ns()`
on the same machine.

Reporting back to Python causes a rerun, and a rerun while the script streams would cut the
stream off. So the probe stays silent until (1) the page rendered its end marker
(`mark_end(run_id)`, after streaming) and (2) the app says the script run finished
(`data-test-script-state` on `stApp`), then reports once per run id. The page must therefore
re-render its last result from `st.session_state` on that rerun: `run.last_run.LastRun` does that.

One probe can both watch and report (`role="both"`), or the work is split: a watcher mounted
before the stream, and a reporter (`mount_reporter`) mounted where the report's rerun is cheapest,
e.g. in a fragment holding only the layer tables (`LayeredRun.render_and_report`). They share the
paints through `window.__streamlabPaints[run_id]`.

Elements left over from the previous run stay in the DOM (marked `data-stale="true"`) until
the new run replaces them; the probe ignores them, so a rerun never counts old text as painted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Literal, TypedDict

import streamlit as st

__all__ = ["DEFAULT_LANE", "PaintProbe", "PaintResult"]

MAX_SAMPLES = 4000  # paint samples kept per lane (one per painted change of the text length)
DEFAULT_LANE = "output"  # the lane of a probe mounted with a single `target_key`
_KEEP_RESULTS = 8  # results kept per probe in session_state
_CSS_SAFE = re.compile(r"[A-Za-z0-9_-]{1,64}")

PROBE_JS = r"""
export default function (component) {
  const { data, setTriggerValue } = component;
  if (!data || !data.run_id) return;
  const reported = (window.__streamlabPaintReported = window.__streamlabPaintReported || {});
  if (reported[data.run_id]) return;  // a re-mounted probe must never report (and rerun) twice
  // role "watch" records paints, "report" sends them once the run is over, "both" does both.
  const role = data.role || "both";
  const watching = (window.__streamlabPaints = window.__streamlabPaints || {});

  // Take no room on the page: hide the element container this probe lives in.
  const hide = (el) => {
    const box = el && el.closest && el.closest('[data-testid="stElementContainer"]');
    if (box) box.style.display = "none";
  };
  const parent = component.parentElement;
  hide(parent && (parent.host || parent));

  // Stamp in the next animation frame, i.e. right before the browser paints the change;
  // a hidden tab gets no frames, so a timer takes over after 100 ms.
  const afterPaint = (fn) => {
    let fired = false;
    const run = () => { if (!fired) { fired = true; fn(); } };
    requestAnimationFrame(run);
    setTimeout(run, 100);
  };
  const observers = [];
  const observe = (onChange) => {
    const observer = new MutationObserver(onChange);
    observer.observe(document.body, {
      subtree: true, childList: true, characterData: true,
      attributes: true, attributeFilter: ["data-stale", "data-test-script-state"],
    });
    observers.push(observer);
    onChange();
  };

  // A watcher mounted again for the same run (a redraw) goes on with the paints seen so far.
  if (role !== "report" && !watching[data.run_id]) {
    // Epoch ms with performance.now() resolution: align to the moment Date.now() ticks.
    const tick = Date.now();
    let aligned = Date.now();
    while (aligned === tick) aligned = Date.now();
    const offset = aligned - performance.now();
    const epochNow = () => offset + performance.now();

    // Text of this run only: containers of the previous run keep data-stale="true" until replaced.
    const shownChars = (selector) => {
      const root = document.querySelector(selector);
      if (!root) return 0;
      let n = 0;
      for (const el of root.querySelectorAll('[data-testid="stElementContainer"]')) {
        if (el.getAttribute("data-stale") !== "true") n += el.textContent.length;
      }
      return n;
    };

    // One lane per watched container (e.g. the two columns of a race), each with its own clock.
    const lanes = {};
    for (const lane of Object.keys(data.targets)) {
      lanes[lane] = { first: null, last: null, chars: 0, samples: [] };
    }
    const sample = () => {
      const t = epochNow();
      for (const [lane, s] of Object.entries(lanes)) {
        const n = shownChars(data.targets[lane]);
        if (n === s.chars) continue;
        if (n > 0 && s.first === null) s.first = t;
        s.last = t;
        s.chars = n;
        if (s.samples.length < data.max_samples) s.samples.push([t, n]);
      }
    };
    watching[data.run_id] = { lanes, sample };
  }
  if (role !== "report") {
    const { sample } = watching[data.run_id];
    let scheduled = false;
    observe(() => {
      if (reported[data.run_id]) { observers.forEach((o) => o.disconnect()); return; }
      if (scheduled) return;
      scheduled = true;
      afterPaint(() => { scheduled = false; sample(); });
    });
  }

  if (role !== "watch") {
    const app = () => document.querySelector('[data-testid="stApp"]');
    const idle = () => {
      const s = app() && app().getAttribute("data-test-script-state");
      return s !== "running" && s !== "rerunRequested";
    };
    const state = { ended: false, done: false };
    const report = () => {
      if (state.done) return;
      if (!idle()) { setTimeout(report, 30); return; }  // reporting now would rerun mid-script
      state.done = true;
      observers.forEach((o) => o.disconnect());
      reported[data.run_id] = true;
      const watched = watching[data.run_id];
      if (watched) watched.sample();  // the last paint before the report
      const byLane = {};
      for (const [lane, s] of Object.entries(watched ? watched.lanes : {})) {
        byLane[lane] = { run_id: data.run_id, first_paint_ms: s.first, last_paint_ms: s.last,
                         chars: s.chars, samples: s.samples };
      }
      delete watching[data.run_id];
      setTriggerValue("paint", { run_id: data.run_id, lanes: byLane });
    };
    let scheduled = false;
    observe(() => {
      if (scheduled || state.done || state.ended) return;
      scheduled = true;
      afterPaint(() => {
        scheduled = false;
        const end = !state.ended && document.querySelector(data.end);
        if (end) {
          state.ended = true;
          const wrapper = end.parentElement;  // the marker is a block, maybe in a layout wrapper
          const wrapped = wrapper && wrapper.getAttribute("data-testid") === "stLayoutWrapper";
          (wrapped ? wrapper : end).style.display = "none";
          report();
        }
      });
    });
  }
  return () => { observers.forEach((o) => o.disconnect()); };
}
"""

_probe_component = st.components.v2.component("streamlab_paint_probe", js=PROBE_JS)


Role = Literal["watch", "report", "both"]


class PaintResult(TypedDict):
    """What the browser reported for one run (times are epoch milliseconds)."""

    run_id: str
    """The run id passed to `mount`."""
    first_paint_ms: float | None
    """When the first non-empty text of this run was about to be painted."""
    last_paint_ms: float | None
    """When the last change to the text was about to be painted."""
    chars: int
    """Characters shown at the end (the DOM's text, so Markdown markup is not counted)."""
    samples: list[list[float]]
    """[epoch_ms, characters shown] at every painted change."""


class PaintProbe:
    """`mount()` before streaming, `mark_end()` after; `result()` on the rerun the probe triggers."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._store_key = f"_paint_probe_{name}"

    def mount(
        self,
        *,
        run_id: str,
        target_key: str | None = None,
        targets: Mapping[str, str] | None = None,
        role: Role = "both",
    ) -> None:
        """Start watching `.st-key-<key>` containers for this run (renders nothing visible).

        `targets` maps lane names to container keys (one clock per lane, e.g. a race's two
        columns); `target_key` alone is the lane `DEFAULT_LANE`. `run_id` is unique per run and
        goes into CSS selectors: letters, digits, `_`, `-` (e.g. `new_trace_id()`).
        `role="watch"` only records the paints: `mount_reporter` then sends them from where its
        rerun is cheapest (see `LayeredRun.render`); `"both"` reports from here.
        """
        targets = dict(targets or {}) or ({DEFAULT_LANE: target_key} if target_key else {})
        if not targets:
            raise ValueError("mount needs target_key or targets")
        for name, value in (("run_id", run_id), *(("target_key", key) for key in targets.values())):
            if not _CSS_SAFE.fullmatch(value):
                raise ValueError(f"{name} must be letters, digits, '_' or '-': {value!r}")
        data = {
            "run_id": run_id,
            "role": role,
            "targets": {lane: f".st-key-{k}" for lane, k in targets.items()},
            "end": f".st-key-{self._end_key(run_id)}",
            "max_samples": MAX_SAMPLES,
        }
        if role == "watch":  # never reports: no callback, a key of its own
            _probe_component(key=f"{self.name}_watch_{run_id}", data=data, height=0)
            return
        key = f"{self.name}_probe_{run_id}"
        _probe_component(key=key, data=data, height=0, on_paint_change=self._receiver(key))

    def mount_reporter(self, run_id: str, targets: Mapping[str, str]) -> None:
        """Send what the watcher of `run_id` (mounted with these `targets`) saw, once its run is
        over (`mark_end` and an idle app). The report reruns the fragment this is mounted in,
        and only that fragment."""
        if not _CSS_SAFE.fullmatch(run_id):
            raise ValueError(f"run_id must be letters, digits, '_' or '-': {run_id!r}")
        key = f"{self.name}_probe_{run_id}"
        data = {
            "run_id": run_id,
            "role": "report",
            "targets": {lane: f".st-key-{k}" for lane, k in targets.items()},  # the lanes it sends
            "end": f".st-key-{self._end_key(run_id)}",
        }
        _probe_component(key=key, data=data, height=0, on_paint_change=self._receiver(key))

    def mark_end(self, run_id: str) -> None:
        """Render the end marker: the probe reports once this is on the page and the run is over."""
        with st.container(key=self._end_key(run_id)):
            st.empty()

    def result(self, run_id: str | None, lane: str = DEFAULT_LANE) -> PaintResult | None:
        """One lane's paints for `run_id`, once the browser reported (None before that)."""
        return self.results(run_id).get(lane)

    def results(self, run_id: str | None) -> dict[str, PaintResult]:
        """Every lane's paints for `run_id` ({} until the browser reported)."""
        report = st.session_state.get(self._store_key, {}).get(run_id) if run_id else None
        return dict(report.get("lanes") or {}) if isinstance(report, dict) else {}

    def _end_key(self, run_id: str) -> str:
        return f"{self.name}_probe_end_{run_id}"

    def _receiver(self, key: str) -> Callable[[], None]:
        def receive() -> None:  # a widget callback: runs at the start of the rerun it caused
            value = (st.session_state.get(key) or {}).get("paint")
            if isinstance(value, dict) and value.get("run_id"):
                results = st.session_state.setdefault(self._store_key, {})
                results[str(value["run_id"])] = value
                for old in list(results)[:-_KEEP_RESULTS]:
                    del results[old]

        return receive
