import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.predict import PredictThenRun
from components.run.predictions import PREDICTIONS
from components.run.take_home import render_take_home
from components.views.astream_events import (
    pick_filters,
    run_capture,
    run_claims,
    show_capture,
    show_claims,
)
from streamlab.measure.events import supports_v3
from streamlab.recipes.astream_events import build_seed_chain, collect_events, collect_model_events

st.title("astream_events")
st.caption("The seed's cell 4: every step of the chain reports when it starts, streams and ends.")
st.markdown(
    "`chain.stream()` only shows the chain's final output. `astream_events()` also reports every "
    "step inside it — the lambda, the prompt, the model — as `on_<type>_start`, `…_stream` and "
    "`…_end` events with the step's name, tags and (in v2) its parents. **Notice** on the timeline "
    "that the lambda and the prompt finish in a blink, and the model's bar carries all the stream ticks."
)
st.warning(
    '**The seed says** the event types include `on_llm_stream`, and runs `version="v1"`. **Actually** '
    "a chat model such as ChatOpenAI emits `on_chat_model_start/stream/end` (`on_llm_*` is for "
    'completion-style LLMs), so `include_types=["llm"]` matches nothing here; and v1 is deprecated '
    "(it warns). v1 and v2 give the same event names in the same order for this chain, but only v2 "
    "fills `parent_ids`, and the model's end event differs: `on_chat_model_end` carries the "
    "`AIMessageChunk` in v2, an LLMResult-like dict (`generations`, `llm_output`) in v1. Run both, "
    "or press *Check the seed's claims* below."
)

question = st.text_input("Question", "Explain streaming", key="ev_question")
version = st.radio(
    "version", ["v2", "v1", *(["v3"] if supports_v3() else [])], horizontal=True, key="ev_version"
)
v3 = version == "v3"
if v3:
    st.info(
        '`version="v3"` (beta) only applies to chat models: it runs ChatOpenAI alone and yields '
        "content-block protocol events (`message-start`, `content-block-delta`, …), not `on_*` "
        "events, and takes no filters."
    )
filters = pick_filters(disabled=v3)
st.caption(
    "Passed to `astream_events`. Several filters combine with **OR**: an event is kept if it "
    'matches any of them. Try `include_types=["llm"]`, then `["chat_model"]`.'
)
show_source(collect_model_events if v3 else build_seed_chain, *([] if v3 else [collect_events]))
predict = PredictThenRun("astream_events", PREDICTIONS["astream_events"], key="ev")
predict.ask()
TimedRun("astream_events", key="ev").panel(
    prompt=question,
    lanes={},  # no answer text is drawn token by token: nothing to time in three layers
    run=predict.run(lambda ctx: run_capture(ctx, question, version, filters)),
    show=predict.show(show_capture),
)
render_take_home(
    "astream_events",
    {"QUESTION": question, "VERSION": version, "FILTERS": {} if v3 else filters},
)

st.divider()
st.subheader("Check the seed's claims")
st.markdown(
    "Seven short captures of the same chain (`max_tokens=8`): v1, v2, `include_types=['llm']`, "
    "`['chat_model']`, `['prompt']`, `include_names=['RunnableLambda']`, and the last two together. "
    "**Notice** which of the seed's claims survive."
)
TimedRun(
    "astream_events", key="ev_claims", label="Check the seed's claims", button_key="ev_check"
).panel(lanes={}, run=lambda ctx: run_claims(ctx, question), show=show_claims)
