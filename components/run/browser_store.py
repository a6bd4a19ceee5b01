"""One JSON value kept in the browser's `localStorage`, so it outlives a reload or a new session.

A hidden `st.components.v2` component (like the paint probe, `run/probe.py`) whose script writes
the value it is given, and, when asked, reads the stored one back once and sends it to Python.
Reading back is a rerun, so it waits until the script run in progress is over (a rerun during a
run would cut it short). The value is the app's own (ids and booleans): never a key or a prompt.

A writer can be mounted anywhere, also inside an `st.fragment` whose run changed the value (the
app's own mount after the page only runs on full reruns). A value carries its writer's session id
and a sequence number. The script never replaces a newer value of the same session with an older
one, nor another session's value before this session has loaded it (`loaded`): that value is
sent to Python instead, once, by the element mounted with `load_for`. With nothing stored (a
first visit) nothing is sent, so no rerun happens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

__all__ = ["STORAGE_KEY", "mount", "received"]

STORAGE_KEY = "streamlab.progress.v1"
_TRIGGER = "stored"

STORE_JS = """
export default function (component) {
  const { data, setTriggerValue } = component;
  const parent = component.parentElement;
  const host = parent && (parent.host || parent);
  const box = host && host.closest && host.closest('[data-testid="stElementContainer"]');
  if (box) box.style.display = "none";  // takes no room on the page
  if (!data) return;
  const read = () => {
    try { return JSON.parse(window.localStorage.getItem(data.storage) || "null"); }
    catch (error) { return null; }  // storage blocked or a damaged value: start afresh
  };
  const stored = read();
  const session = data.save && data.save.session;
  const foreign = stored && typeof stored === "object" && stored.session !== session;
  if (data.save && !(foreign && !data.loaded)) {
    const newer = stored && stored.session === session && stored.seq > data.save.seq;
    if (!newer) {
      try { window.localStorage.setItem(data.storage, JSON.stringify(data.save)); }
      catch (error) { /* storage full or blocked: progress stays for this session only */ }
    }
  }
  if (data.load && foreign && !data.loaded) {
    const sent = (window.__streamlabStoreSent = window.__streamlabStoreSent || {});
    if (sent[data.load]) return;
    const app = () => document.querySelector('[data-testid="stApp"]');
    const idle = () => {
      const s = app() && app().getAttribute("data-test-script-state");
      return s !== "running" && s !== "rerunRequested";
    };
    const send = () => {
      if (sent[data.load]) return;
      if (!idle()) { setTimeout(send, 50); return; }
      sent[data.load] = true;
      setTriggerValue("stored", read());
    };
    send();
  }
}
"""

_store = st.components.v2.component("streamlab_browser_store", js=STORE_JS)


def mount(
    key: str,
    *,
    save: Mapping[str, Any],
    loaded: bool,
    load_for: str | None = None,
    on_load: Callable[[], None] | None = None,
) -> None:
    """A hidden store element that writes `save` (a dict with "session" and "seq"), unless another
    session's value is stored and not `loaded` yet. With `load_for` (this session's id) it sends
    that value back once per page load, which calls `on_load` (read it with `received(key)`)."""
    data = {"storage": STORAGE_KEY, "save": dict(save), "loaded": loaded, "load": load_for}
    if on_load is None:
        _store(key=key, data=data, height=0)
    else:
        _store(key=key, data=data, height=0, on_stored_change=on_load)


def received(key: str) -> object:
    """The stored value the element `key` sent back (in its `on_load` callback), else None."""
    return (st.session_state.get(key) or {}).get(_TRIGGER)
