"""The takeaways page's proof: no chain sets `streaming=True`; only a plain step after the model
collapses the stream."""

from __future__ import annotations

from langchain_core.runnables import RunnableLambda

from streamlab.recipes.takeaways import CHAINS, build_with_plain_function, count_text_chunks


def test_only_the_plain_function_after_the_model_collapses_to_one_chunk(make_llm):
    llm = make_llm(max_tokens=20)
    counts = {name: count_text_chunks(build(llm), "Explain RAG") for name, build in CHAINS.items()}
    assert counts == {
        "llm (streaming unset)": 20,
        "prompt | llm": 20,
        "llm | StrOutputParser()": 20,
        "llm | plain function": 1,
    }
    assert "streaming" not in llm.model_fields_set  # nothing was switched on


def test_plain_function_step_is_a_runnable_lambda_that_returns_the_text(make_llm):
    chain = build_with_plain_function(make_llm(sim={"text": "Hello there."}))
    assert isinstance(chain.last, RunnableLambda)
    assert chain.invoke("hi") == "Hello there."
