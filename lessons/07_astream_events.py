import streamlit as st

from components.code_panel import show_source
from components.run.live_output import render_run_error
from components.run.progress import mark_ran
from components.sidebar import current_provider
from components.views.astream_events import LiveEventStatus, render_capture, reset_filters
from streamlab.client.async_bridge import run_sync
from streamlab.client.providers import build_chat_model
from streamlab.demos.astream_events import capture_claim_runs, seed_claims, to_claims_table
from streamlab.measure.events import supports_v3
from streamlab.recipes.astream_events import (
    CHAIN_NAMES,
    CHAIN_TAGS,
    RUN_TYPES,
    build_seed_chain,
    collect_events,
    collect_model_events,
)

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
    "fills `parent_ids`. Run both, or press *Check the seed's claims* below."
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
choices = {"include_names": CHAIN_NAMES, "include_types": RUN_TYPES, "include_tags": CHAIN_TAGS}
filters = {
    name: column.multiselect(name, options, key=f"ev_{name}", disabled=v3)
    for column, (name, options) in zip(st.columns(3), choices.items(), strict=True)
}
filters = {name: values for name, values in filters.items() if values and not v3}
st.caption(
    "Passed to `astream_events`. Several filters combine with **OR**: an event is kept if it "
    'matches any of them. Try `include_types=["llm"]`, then `["chat_model"]`.'
)
show_source(collect_model_events if v3 else build_seed_chain, *([] if v3 else [collect_events]))

if st.button("Run", key="ev_run", type="primary"):
    if not question.strip():
        st.error("Type a question first: the prompt is empty.")
        st.stop()
    mark_ran("astream_events")
    llm = build_chat_model(current_provider())
    live = LiveEventStatus(st.container(key="ev_status").empty())  # keyed for the browser tests
    try:
        work = (
            collect_model_events(llm, question, on_event=live)
            if v3
            else collect_events(build_seed_chain(llm), question, version, on_event=live, **filters)
        )
        st.session_state["ev_captured"] = run_sync(work)
        reset_filters("ev")
    except Exception as exc:
        render_run_error(exc, partial=False)
    live.draw(done=True)
if (captured := st.session_state.get("ev_captured")) is not None:
    render_capture(captured, key="ev")
    st.caption(
        "Event times are LangChain's clock (the *received by LangChain* layer, counted from the "
        "first event). No answer text is drawn here token by token, so there is no *shown in "
        "browser* layer: *Streaming an LLM directly* shows all three layers of one run."
    )

st.divider()
st.subheader("Check the seed's claims")
st.markdown(
    "Seven short captures of the same chain (`max_tokens=8`): v1, v2, `include_types=['llm']`, "
    "`['chat_model']`, `['prompt']`, `include_names=['RunnableLambda']`, and the last two together. "
    "**Notice** which of the seed's claims survive."
)
if st.button("Check the seed's claims", key="ev_check"):
    mark_ran("astream_events")
    llm = build_chat_model(current_provider(), max_tokens=8)
    chain = build_seed_chain(llm)
    try:
        runs = run_sync(capture_claim_runs(lambda **kw: collect_events(chain, question or "x", **kw)))
        st.session_state["ev_claims"] = to_claims_table(seed_claims(runs))
    except Exception as exc:
        render_run_error(exc, partial=False)
if (claims := st.session_state.get("ev_claims")) is not None:
    st.dataframe(
        claims,
        hide_index=True,
        key="ev_claims_table",
        column_config={"observed": st.column_config.TextColumn(width="large")},
    )
