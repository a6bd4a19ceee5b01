import streamlit as st

from components.charts import render_arrival
from components.code_panel import show_source
from components.live_output import render_run_error, render_text_stream
from components.metric_cards import render_metric_cards
from components.progress import mark_ran
from components.provider_sidebar import current_provider
from components.tool_call_view import render_args_log
from streamlab.async_bridge import catch_error
from streamlab.providers import build_chat_model
from streamlab.recipes.tool_calls import (
    add_up,
    bind_weather_tool,
    get_weather,
    run_tool_calls,
    stream_final_answer,
    stream_tool_call,
)
from streamlab.tool_call_log import ToolCallLog

ARGS_SIM = {"ttft_ms": 300, "tokens_per_s": 12}  # slow enough to watch the arguments grow

st.title("Streaming tool calls")
st.caption("Beyond the seed: when the model calls a tool, what streams is partial JSON, not text.")
st.markdown(
    "Bind a tool to the model and it may answer with a **tool call** instead of text. While "
    "streaming, each `AIMessageChunk` then carries `tool_call_chunks` whose `args` is a raw slice "
    "of a JSON string: `{\"cit`, `y\": \"`, `San F`… No single slice is usable on its own. "
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

if st.button("Run", key="tools_run", type="primary"):
    if not question.strip():
        st.error("Type a question first: the prompt is empty.")
        st.stop()
    mark_ran("tool_calls")
    llm_with_tools = bind_weather_tool(build_chat_model(current_provider(), sim=ARGS_SIM))
    st.subheader("1 · The arguments arrive in pieces")
    log = ToolCallLog()
    with st.container(key="tools_args"):
        chunks, error = render_args_log(stream_tool_call(llm_with_tools, question), log)
    render_metric_cards(log.summary(), columns=("chunks", "Args pieces", "First piece (ms)", "total_ms"))
    render_arrival(log.arrival_frame(), {"tool-call arguments": None}, key="tools_arrival")
    st.caption("Cumulative argument characters over time: they trickle in like text tokens do.")
    if error is not None:
        st.stop()
    st.info(
        "**Don't read `chunk.tool_calls` off one chunk.** Each chunk parses only its own slice: "
        "see the last column. The running sum is what holds the whole call."
    )
    st.subheader("2 · The sum of all chunks holds the parsed call")
    message = add_up(chunks)
    if not message.tool_calls:
        st.warning("The model answered in text instead of calling `get_weather`. Ask about the weather.")
        st.markdown(message.text)
        st.stop()
    st.json(message.tool_calls)
    st.subheader("3 · Run the tool with the parsed arguments")
    results, error = catch_error(run_tool_calls, message)
    if error is not None:  # e.g. a real model sent arguments the tool's schema rejects
        render_run_error(error, partial=False)
        st.stop()
    for call, result in zip(message.tool_calls, results, strict=True):
        line = f"{call['name']}.invoke({call['args']}) → {result.content!r}"
        st.code(line, language=None, wrap_lines=True)
    st.subheader("4 · Send the result back: now the answer streams as text")
    final_llm = bind_weather_tool(build_chat_model(current_provider()))
    render_text_stream(stream_final_answer(final_llm, question, message, results), key="tools_answer")
