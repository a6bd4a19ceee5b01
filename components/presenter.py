"""Presenter mode: the app as it should look on a projector in a room.

`?present=1` in a link (or the sidebar's toggle) turns it on for the session, and the address keeps
it, so a presenter's shared link opens in presenter mode too. It makes body text 20 px (charts
follow: `components.figures.theme.PRESENTER_TEMPLATE`), collapses the sidebar, scrolls the live
output into view when Run is clicked and keeps it there while it streams (until the presenter
scrolls themselves), and shows a big run clock counting from the click to the end of the run.

The stylesheet and the script are constant strings: nothing from a link, a learner or a model
ever reaches them. The script only reads the page (where the Run button is, what grows after
it) and draws the clock's digits.
"""

from __future__ import annotations

import streamlit as st

__all__ = [
    "BODY_FONT_PX",
    "PARAM",
    "TOGGLE_KEY",
    "apply_presenter_mode",
    "presenter_toggle",
    "presenting",
]

PARAM = "present"
"""The query parameter: `?present=1` opens the app in presenter mode."""
TOGGLE_KEY = "present_mode"
BODY_FONT_PX = 20
CLOCK_ID = "streamlab-run-clock"  # the clock's element id (the browser tests read it)

# Everything in rem grows with the root size (Streamlit sizes its text and spacing in rem); code,
# captions, labels and the streamed text, drawn smaller than body text, are brought up to it.
PRESENTER_CSS = f"""
<style>
html:root {{ font-size: {BODY_FONT_PX}px; }}
[data-testid="stMain"] :is(pre, code, [data-testid="stCaptionContainer"], [data-testid="stText"],
  [data-testid="stWidgetLabel"] p, button p, table) {{ font-size: 1rem; }}
#{CLOCK_ID} {{
  position: fixed; top: 0.4rem; right: 4rem; z-index: 1000001;  /* above Streamlit's header */
  padding: 0.2rem 0.8rem; border-radius: 0.5rem;
  background: #1f2933; color: #ffffff; font-variant-numeric: tabular-nums;
  font-size: 2.4rem; font-weight: 700; line-height: 1.2;
}}
#{CLOCK_ID}[data-state="done"] {{ background: #0f766e; }}
</style>
"""

# After a click on a primary button in the page (every Run is one): start the clock, pick the
# first element after the button that gets text in this run (the live output), and keep its
# end in view while the run goes on. Elements of the previous run stay in the page, marked
# data-stale="true", until this run replaces them: they are never picked.
PRESENTER_JS = f"""
export default function (component) {{
  const hide = (el) => {{
    const box = el && el.closest && el.closest('[data-testid="stElementContainer"]');
    if (box) box.style.display = "none";
  }};
  const parent = component.parentElement;
  hide(parent && (parent.host || parent));
  // One set of listeners per page: a new mount takes over from the last one (and its run).
  const previous = window.__streamlabPresenter;
  if (previous) previous.detach();
  const app = () => document.querySelector('[data-testid="stApp"]');
  const running = () => {{
    const s = app() && app().getAttribute("data-test-script-state");
    return s === "running" || s === "rerunRequested";
  }};
  const run = previous ? previous.run : {{ active: false, before: new WeakMap() }};
  const clock = () => {{
    let el = document.getElementById("{CLOCK_ID}");
    if (!el) {{
      el = document.createElement("div");
      el.id = "{CLOCK_ID}";
      el.setAttribute("role", "timer");
      el.setAttribute("aria-label", "Run clock");
      document.body.appendChild(el);
    }}
    return el;
  }};
  const show = (ms, state) => {{
    const el = clock();
    el.textContent = "Run " + (ms / 1000).toFixed(1) + " s";
    el.dataset.state = state;
  }};
  const fresh = (el) => el.closest('[data-stale="true"]') === null;
  // The rerun may draw the button anew: find it again by its key class on every look.
  const runButton = () => {{
    const found = run.keyClass && [...document.getElementsByClassName(run.keyClass)].find(fresh);
    return found || (run.button && run.button.isConnected ? run.button : null);
  }};
  const pickOutput = () => {{
    const main = document.querySelector('[data-testid="stMain"]');
    const button = runButton();
    if (!main || !button) return null;
    for (const el of main.querySelectorAll('[data-testid="stElementContainer"]')) {{
      if (!fresh(el) || !el.textContent.trim() || el.offsetParent === null) continue;
      if (el.contains(button) || run.before.get(el) === el.textContent) continue;  // not this run's
      if (button.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) return el;
    }}
    return null;
  }};
  const keyClassOf = (el) => el && [...el.classList].find((name) => name.startsWith("st-key-"));
  // The live output streams into a keyed container (the paint probe watches it too): follow
  // that container, found again by its key when the run redraws it, else the element itself.
  const output = () => {{
    if (run.outputKey) {{
      const found = [...document.getElementsByClassName(run.outputKey)].find(fresh);
      if (found) return found;
    }}
    if (run.output && run.output.isConnected && fresh(run.output)) return run.output;
    const el = pickOutput();
    if (!el) return null;
    const button = runButton();
    const keyed = el.parentElement && el.parentElement.closest('[class*="st-key-"]');
    if (keyed && button && !keyed.contains(button)) {{
      run.outputKey = keyClassOf(keyed);
      return keyed;
    }}
    return (run.output = el);
  }};
  const keepInView = () => {{
    if (!run.follow) return;
    const el = output();
    if (!el) return;
    const box = el.getBoundingClientRect();
    const height = window.innerHeight;
    if (box.bottom > height - 16 || box.top < 64) {{
      el.scrollIntoView({{ block: box.height > height - 160 ? "end" : "center" }});
    }}
  }};
  const tick = () => {{
    if (!run.active) return;
    const now = performance.now();
    if (running()) run.seenRunning = true;
    else if (run.seenRunning || now - run.start > 1500) {{
      run.active = false;
      show(now - run.start, "done");
      keepInView();
      return;
    }}
    show(now - run.start, "running");
    keepInView();
    requestAnimationFrame(tick);
  }};
  const onClick = (event) => {{
    const button = event.target.closest && event.target.closest('[data-testid="stBaseButton-primary"]');
    if (!button || button.closest('[data-testid="stSidebar"]')) return;
    const keyClass = keyClassOf(button.closest('[class*="st-key-"]'));
    // What the page showed at the click: the output is what appears or changes after it.
    const before = new WeakMap();
    const shown = '[data-testid="stMain"] [data-testid="stElementContainer"]';
    for (const el of document.querySelectorAll(shown)) before.set(el, el.textContent);
    Object.assign(run, {{ active: true, start: performance.now(), seenRunning: false, follow: true,
                          button, keyClass, before, output: null, outputKey: null }});
    requestAnimationFrame(tick);
  }};
  const stopFollowing = () => {{ run.follow = false; }};
  document.addEventListener("click", onClick, true);
  for (const name of ["wheel", "touchmove"]) {{
    document.addEventListener(name, stopFollowing, {{ capture: true, passive: true }});
  }}
  const SCROLL_KEYS = ["PageUp", "PageDown", "ArrowUp", "ArrowDown", "Home", "End"];
  const onKey = (event) => {{ if (SCROLL_KEYS.includes(event.key)) stopFollowing(); }};
  document.addEventListener("keydown", onKey, true);
  const detach = () => {{
    document.removeEventListener("click", onClick, true);
    for (const name of ["wheel", "touchmove"]) document.removeEventListener(name, stopFollowing, true);
    document.removeEventListener("keydown", onKey, true);
  }};
  const mine = (window.__streamlabPresenter = {{ run, detach }});
  return () => {{  // unmounted: presenter mode is off (or the page is gone)
    detach();
    if (window.__streamlabPresenter !== mine) return;
    delete window.__streamlabPresenter;
    run.active = false;
    document.getElementById("{CLOCK_ID}")?.remove();
  }};
}}
"""

_presenter_script = st.components.v2.component("streamlab_presenter", js=PRESENTER_JS)


def presenting() -> bool:
    """Whether this session is in presenter mode."""
    return bool(st.session_state.get(TOGGLE_KEY, False))


def presenter_toggle(link: dict[str, str]) -> bool:
    """The sidebar's toggle, on at first when the session's link says `?present=1`; kept in the
    address from then on (a page switch drops the query string, so it is written on every run)."""
    st.session_state.setdefault(TOGGLE_KEY, link.get(PARAM, "").lower() in {"1", "true", "yes"})
    on = st.toggle(
        "Presenter mode",
        key=TOGGLE_KEY,
        persist_state="session",
        help="Large text and charts, the sidebar folded away, the output scrolled into view when "
        "Run is clicked and a big run clock. The address keeps it: share it to open the same way.",
    )
    if on:
        st.query_params[PARAM] = "1"
    elif PARAM in st.query_params:
        del st.query_params[PARAM]
    return on


def apply_presenter_mode() -> None:
    """In presenter mode: the stylesheet, the page script (hidden) and the sidebar folded away."""
    on = presenting()
    # Only when the mode changes: the presenter may open the sidebar to change a setting, and
    # every later run must leave it open.
    if on != st.session_state.get("_presenter_folded", False):
        st.session_state["_presenter_folded"] = on
        st.set_page_config(initial_sidebar_state="collapsed" if on else "expanded")
    if on:
        st.html(PRESENTER_CSS)
        with st.sidebar:
            _presenter_script(key="presenter_script", height=0)
