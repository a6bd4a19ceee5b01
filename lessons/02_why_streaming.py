import streamlit as st

from components.code_panel import show_source
from components.figures.charts import render_arrival
from components.run.last_run import LastRun
from components.run.layered import LAYERS_INTRO, LayeredRun
from components.run.metric_cards import render_metric_cards
from components.run.progress import mark_ran
from components.sidebar import current_provider
from components.views.why_streaming import render_lane_result, render_race
from streamlab.client.providers import build_chat_model
from streamlab.demos.why_streaming import Race
from streamlab.measure.trials import verdict
from streamlab.recipes.why_streaming import invoked_lane, streamed_lane

st.title("Why streaming matters")
st.caption("A race: the same prompt, streamed and not streamed, started at the same moment.")
st.markdown(
    "Two requests leave together, one through `llm.stream()`, one through `llm.invoke()`. The "
    "number that matters to a person is **time until they see something**; the number that matters "
    "to a program is **time until done**. **Notice** that streaming wins the first by a wide margin "
    "and does not win the second at all: both answers finish at about the same moment."
)
st.warning(
    '**The seed says** that with streaming "tokens arrive immediately". **Actually** the first '
    "token still waits for the model's time to first token (TTFT, set in the sidebar): streaming "
    "removes the wait for the *rest* of the answer, not that first wait, and it does not finish sooner."
)

prompt = st.text_input("Prompt", "Explain why streaming tokens matters", key="why_prompt")
lanes = {"llm.stream()": streamed_lane, "llm.invoke()": invoked_lane}
text_keys = {"llm.stream()": "why_text_stream", "llm.invoke()": "why_text_invoke"}
show_source(streamed_lane, invoked_lane)
st.caption(
    "Each lane runs in its own thread and both wait at a barrier, so the requests leave "
    "together; this page drains their shared queue into the two columns."
)

NOTICE = (
    " **In this race** the `llm.invoke()` tab has one update per layer, all near the end; in the "
    "`llm.stream()` tab your browser shows the first words a few tens of ms after the server "
    "sent them. That gap, not the model, is the cost of showing text live."
)


@st.fragment  # Run reruns only this panel; the browser's report (a rerun) then redraws the last run
def run_panel(prompt: str) -> None:
    layered, last = LayeredRun("why"), LastRun("why_last")
    if st.button("Run", key="why_run", type="primary"):
        if not prompt.strip():
            st.error("Type a prompt first: it is empty.")
            st.stop()
        mark_ran("why_streaming")
        config, runs = current_provider(), layered.start(text_keys)
        # Each lane is its own request: its own model, whose trace id the simulator logs sends under.
        llms = {name: build_chat_model(config, sim=runs[name].sim) for name in lanes}
        race = Race(
            {
                name: (lambda recipe=recipe, llm=llms[name]: recipe(llm, prompt))
                for name, recipe in lanes.items()
            }
        )
        clock = st.empty()
        columns = lane_columns()
        views = render_race(race, columns, clock=clock, text_keys=text_keys)
        for name, recorder in race.recorders.items():
            layered.finish(name, recorder, config)
        run = last.save(
            lanes={name: (v.text, v.first_ms, v.done_ms, v.error) for name, v in views.items()},
            summaries=race.summaries(),
            frames=[rec.to_dataframe() for rec in race.recorders.values()],
        )
        layered.end()
    elif run := last.get():
        done = [lane[2] for lane in run["lanes"].values() if lane[2] is not None]
        st.markdown(f"Race clock: **{max(done, default=0.0) / 1000:.2f} s**")
        columns = lane_columns()
        for name, (text, first_ms, done_ms, error) in run["lanes"].items():
            with columns[name]:
                render_lane_result(text, first_ms, done_ms, error, key=text_keys[name])
    else:
        return
    render_results(columns, run)
    layered.render(key="why_layers", intro=LAYERS_INTRO + NOTICE)


def lane_columns() -> dict:
    columns = dict(zip(lanes, st.columns(2), strict=True))
    for name, column in columns.items():
        column.subheader(f"{'Streamed' if name == 'llm.stream()' else 'Not streamed'}: `{name}`")
    return columns


def render_results(columns: dict, run: dict) -> None:
    stream, invoke = run["summaries"].values()
    for name, summary, other in (("llm.stream()", stream, invoke), ("llm.invoke()", invoke, stream)):
        with columns[name]:
            render_metric_cards(summary, columns=("ttft_ms", "total_ms", "chunks"), delta_from=other)
    if stream["ttft_ms"] and invoke["ttft_ms"] and stream["total_ms"] and invoke["total_ms"]:
        st.success(verdict(stream["ttft_ms"], invoke["ttft_ms"], stream["total_ms"], invoke["total_ms"]))
    st.subheader("When did the text arrive?")
    ttfts = {s["label"]: s["ttft_ms"] for s in (stream, invoke)}
    render_arrival(run["frames"], ttfts, key="why_arrival")
    st.caption(
        "The streamed line climbs from its TTFT on; the invoked line is flat, then jumps to the "
        "full answer in one step, at about the same time the streamed line tops out."
    )


run_panel(prompt)
