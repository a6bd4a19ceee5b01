import streamlit as st

from components.code_panel import show_source
from components.run.panel import TimedRun
from components.run.predict import PredictThenRun
from components.run.predictions import PREDICTIONS
from components.run.progress import lessons_run
from components.run.take_home import render_take_home
from components.views.takeaways import render_progress, render_quiz, run_chains, show_counts
from streamlab.recipes.takeaways import CHAINS, count_text_chunks, message_text

st.title("Takeaways & quiz")
st.caption("What the lessons proved live, a quiz to check it stuck, and how far you have got.")
st.markdown(
    """
- **`stream()` instead of `invoke()`**: same call, but the answer arrives as `AIMessageChunk`s you
  can show at once. Chunks are not tokens: the stream opens and closes with empty chunks.
- **Nothing to switch on.** `.stream()` streams with `streaming` unset; only `streaming=False` (or
  `disable_streaming=True`) stops it, and then `.stream()` yields one `AIMessage`.
- **Every step after the model must pass chunks on.** Parsers and `RunnableGenerator` do (a generator
  function piped in bare becomes one); one plain function, or a generator inside `RunnableLambda`,
  turns the chain's stream into chunks at the end. A prompt before the model does no harm.
- **Token usage while streaming needs `stream_usage=True`** with any `base_url` but OpenAI's own:
  without it `usage_metadata` is `None` (and the stream has one chunk fewer).
- **Parallel branches stream side by side**, as one-key dicts such as `{'short': chunk}`.
- **`astream_events(version="v2")`** shows every step; a chat model's tokens are `on_chat_model_stream`.
- **Async code needs async streams**: `async for` over `.astream()`; a sync `.stream()` inside
  `async def` freezes the event loop.
- **Pass `config` on** when your code calls a model from its own thread, or its tokens never reach
  `astream_events`.
- **Tool calls stream too**, as partial-JSON `tool_call_chunks`: add the chunks up, then run the tool.
"""
)
st.warning(
    '**The seed says** streaming is "enabled at the **LLM level**". **Actually** nothing needs '
    "enabling, and the model alone does not decide: every step *after* it must stream as well. "
    "**Notice** below: four chains, none with `streaming=True`, and only the one with a plain "
    "function after the model arrives as a single chunk."
)
question = st.text_input("Question", "Explain streaming runnables", key="takeaways_question")
show_source(*CHAINS.values(), message_text, count_text_chunks)
predict = PredictThenRun("takeaways", PREDICTIONS["takeaways"], key="takeaways")
predict.ask()
TimedRun("takeaways", key="takeaways").panel(
    prompt=question,
    lanes={},
    run=predict.run(lambda ctx: run_chains(ctx, question)),
    show=predict.show(show_counts),
)
render_take_home("takeaways", {"QUESTION": question})

st.header("Your progress")
st.caption(
    "A lesson counts once you have pressed its Run button. This browser keeps your progress, "
    "predictions and quiz answers across reloads (ids and right or wrong only)."
)
render_progress(lessons_run())

st.header("Quiz")
st.caption("Every answer was shown running in a lesson. Pick one, then press Check.")
render_quiz()
