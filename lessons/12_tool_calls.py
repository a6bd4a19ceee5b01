import streamlit as st

from components.code_panel import show_source
from components.figures.arrival import render_arrival
from components.run.last_run import LastRun
from components.run.layered import LAYERS_INTRO, LayeredRun
from components.run.live_output import render_run_error, render_text_stream
from components.run.metric_cards import render_metric_cards
from components.run.progress import mark_ran
from components.sidebar import current_provider
from components.views.tool_calls import render_args_log, replay_args_log
from streamlab.client.async_bridge import catch_error
from streamlab.client.providers import build_chat_model
from streamlab.demos.tool_calls import ToolCallLog
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.tool_calls import (
    add_up,
    bind_weather_tool,
    get_weather,
    run_tool_calls,
    stream_final_answer,
    stream_tool_call,
)

ARGS_SIM = {"ttft_ms": 300, "tokens_per_s": 12}  # slow enough to watch the arguments grow
ANSWER = "final answer"
ANSWER_NOTE = (
    "**Here** the clocks start when the **second** request leaves: the arguments and the tool above "
    "happened before t = 0. The answer is the model's own text, so every layer counts the same "
    "characters. The arguments get no layers: they are JSON for the tool, not text for the reader, "
    "and the page redraws them as a code block plus a table (at most every 50 ms), so a browser "
    "clock there would time table redraws, not reading."
)

st.title("Streaming tool calls")
st.caption("Beyond the seed: when the model calls a tool, what streams is partial JSON, not text.")
st.markdown(
    "Bind a tool to the model and it may answer with a **tool call** instead of text. While "
    "streaming, each `AIMessageChunk` then carries `tool_call_chunks` whose `args` is a raw slice "
    'of a JSON string: `{"cit`, `y": "`, `San F`… No single slice is usable on its own. '
    "**Notice** the table: adding the chunks up (`chunk1 + chunk2 + …`) joins the slices, and the "
    "running sum's `tool_calls` parses whatever is complete so far. Only the finished sum holds "
    "the call you can run (langchain #31620)."
)
question = st.text_input(
    "Question", "What's the weather in San Francisco for the next 3 days?", key="tools_question"
)
show_source(
    get_weather.func, bind_weather_tool, stream_tool_call, add_up, run_tool_calls, stream_final_answer
)


@st.fragment  # Run reruns only this panel; the probe's report (a rerun) redraws the last run from `run`
def run_panel(question: str) -> None:
    layered, last = LayeredRun("tools"), LastRun("tools_last")
    live = st.button("Run", key="tools_run", type="primary")
    if live:
        if not question.strip():
            st.error("Type a question first: the prompt is empty.")
            st.stop()
        mark_ran("tool_calls")
        config, lanes = current_provider(), layered.start({ANSWER: "tools_answer"})
        run = last.save(question=question)  # filled in step by step below
    elif not (run := last.get()) or "args_error" not in run:  # none yet, or cut off while streaming
        return
    st.subheader("1 · The arguments arrive in pieces")
    with st.container(key="tools_args"):
        if live:
            llm_with_tools = bind_weather_tool(build_chat_model(config, sim=ARGS_SIM))
            run["log"] = ToolCallLog()
            run["chunks"], run["args_error"] = render_args_log(
                stream_tool_call(llm_with_tools, question), run["log"]
            )
        else:
            replay_args_log(run["log"], run["args_error"])
    log = run["log"]
    render_metric_cards(log.summary(), columns=("chunks", "Args pieces", "First piece (ms)", "total_ms"))
    render_arrival(log.arrival_frame(), {"tool-call arguments": None}, key="tools_arrival")
    st.caption("Cumulative argument characters over time: they trickle in like text tokens do.")
    if run["args_error"] is not None:
        st.stop()
    st.info(
        "**Don't read `chunk.tool_calls` off one chunk.** Each chunk parses only its own slice: "
        "see the last column. The running sum is what holds the whole call."
    )
    st.subheader("2 · The sum of all chunks holds the parsed call")
    message = add_up(run["chunks"])
    if not message.tool_calls:
        st.warning("The model answered in text instead of calling `get_weather`. Ask about the weather.")
        st.markdown(message.text)
        st.stop()
    st.json(message.tool_calls)
    st.subheader("3 · Run the tool with the parsed arguments")
    if live:
        run["tools"] = catch_error(run_tool_calls, message)
    elif "tools" not in run:  # cut off before the tool ran
        return
    results, error = run["tools"]
    if error is not None:  # e.g. a real model sent arguments the tool's schema rejects
        render_run_error(error, partial=False)
        st.stop()
    for call, result in zip(message.tool_calls, results, strict=True):
        line = f"{call['name']}.invoke({call['args']}) → {result.content!r}"
        st.code(line, language=None, wrap_lines=True)
    st.subheader("4 · Send the result back: now the answer streams as text")
    if live:
        final_llm = bind_weather_tool(build_chat_model(config, sim=lanes[ANSWER].sim))
        recorder = StreamRecorder(label=ANSWER)
        answer = recorder.wrap(lambda: stream_final_answer(final_llm, run["question"], message, results))
        run["answer"] = render_text_stream(answer, key="tools_answer")
        layered.finish(ANSWER, recorder, config)
        layered.end()
    elif "answer" not in run:  # the last run was cut off before its answer
        return
    else:
        last.replay_text(key="tools_answer", field="answer")
    layered.render(key="tools_layers", intro=f"{LAYERS_INTRO}\n\n{ANSWER_NOTE}")


run_panel(question)
