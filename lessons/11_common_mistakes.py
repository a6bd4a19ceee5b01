from collections.abc import Callable

import streamlit as st

from components.run.take_home import render_take_home
from components.views.common_mistakes import DEMOS

st.title("Common mistakes")
st.caption(
    "The seed's four mistakes plus three it misses. Each tab runs the mistake and its fix "
    "side by side, live, on the same model."
)
st.markdown(
    "Every pair below does the same job; only one detail differs. Press **Run** in a tab and "
    "**notice** the concrete outcome under each side: what gets printed, how many chunks "
    "arrive and when, how often a heartbeat ticks, which error appears."
)
st.warning(
    '**The seed says** "Forgetting `streaming=True`" is a mistake. **Actually** `.stream()` '
    "streams with the flag left unset; only an explicit `streaming=False` (or "
    "`disable_streaming=True`) turns it off: `.stream()` then yields one `AIMessage`. "
    "`streaming=True` makes `.invoke()` stream under the hood. See the last tab."
)
st.info(
    "**Not in the seed:** one plain function after the model silently kills the stream, and a "
    "model called from a thread of your own sends no tokens to `astream_events` unless you "
    'pass `config` on. "Not handling async streams correctly" is two concrete bugs: sync '
    "`.stream()` inside `async def` freezes the event loop, and a plain `for` over `astream()` "
    "raises a `TypeError`."
)

question = st.text_input("Question for every demo", "Explain streaming runnables", key="mist_question")


@st.fragment  # Run in one tab reruns only that demo (the browser's report, too)
def demo_panel(demo: Callable[[str], None]) -> None:
    demo(question)


tabs = st.tabs(list(DEMOS), key="mist_tab", on_change="rerun")
for tab, demo in zip(tabs, DEMOS.values(), strict=True):
    with tab:
        demo_panel(demo)
render_take_home("common_mistakes", {"QUESTION": question})
