"""Lesson "Use cases": a chat app with a real Stop, agent-style steps, and long-form generation.

The chat chain ends in the model on purpose: closing a sync `llm | StrOutputParser()` stream
first reads the model's stream to its end (langchain-core traces the parser's whole input), so
Stop would not stop anything. The agent is a small fixed pipeline — retriever, tool-calling model,
tool, answering model — whose `astream_events` drive a status display.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator, Sequence
from operator import itemgetter
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough
from langchain_core.runnables.schema import StreamEvent
from langchain_core.tools import tool

CHOOSE_TOOL, WRITE_ANSWER = "choose_tool", "write_answer"  # run names the status display looks for

# --- (a) chat ---------------------------------------------------------------------------------

chat_prompt = ChatPromptTemplate.from_messages(
    [("system", "You are a concise tutor."), MessagesPlaceholder("history"), ("human", "{question}")]
)


def build_chat(llm: BaseChatModel) -> Runnable:
    # Ends in the model: closing the stream closes the HTTP response at once.
    return chat_prompt | llm


def stream_reply(chat: Runnable, history: list[BaseMessage], question: str) -> Iterator[AIMessageChunk]:
    return chat.stream({"history": history, "question": question})


def build_chat_with_parser(llm: BaseChatModel) -> Runnable:
    # The usual ending, for comparison: closing this stream waits for the model to finish.
    return chat_prompt | llm | StrOutputParser()


STOP_VARIANTS = {"prompt | llm": build_chat, "prompt | llm | StrOutputParser()": build_chat_with_parser}


# --- (b) agent-style steps --------------------------------------------------------------------

NOTES = [
    Document("RAG retrieves documents, then the model answers from them.", metadata={"on": "rag"}),
    Document("TTFT is the wait until the first token arrives.", metadata={"on": "ttft"}),
    Document("A runnable has invoke, stream and batch, plus async twins.", metadata={"on": "runnable"}),
]
GLOSSARY = {
    "rag": "Retrieval-Augmented Generation",
    "ttft": "time to first token",
    "runnable": "LangChain's unit of work",
}


class NotesRetriever(BaseRetriever):
    """Keyword search over a few notes: emits on_retriever_start/end like a real vector store."""

    notes: Sequence[Document] = NOTES
    delay_s: float = 0.3  # a vector search takes a moment; the status shows it

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        time.sleep(self.delay_s)
        return [note for note in self.notes if note.metadata["on"] in query.lower()]


@tool
def lookup_term(term: str) -> str:
    """Look up a term in the Streaming Runnables glossary."""
    time.sleep(0.3)  # stands in for a call to a real service
    hits = [meaning for key, meaning in GLOSSARY.items() if key in term.lower()]
    return hits[0] if hits else f"no glossary entry for {term!r}"


plan_prompt = ChatPromptTemplate.from_template('Look up the key term of "{question}" with lookup_term.')


def run_tool(state: dict[str, Any]) -> list[BaseMessage]:
    # Execute the tool call the model chose; the model then answers from the tool's result.
    call = state["call"]
    result = lookup_term.invoke(call.tool_calls[0])  # a ToolCall in → a ToolMessage out
    notes = " ".join(doc.page_content for doc in state["docs"])
    return [HumanMessage(f"{state['question']}\nNotes: {notes}"), call, result]


def build_agent(llm: BaseChatModel) -> Runnable:
    chooser = llm.bind_tools([lookup_term], tool_choice="lookup_term").with_config(run_name=CHOOSE_TOOL)
    return (
        RunnablePassthrough.assign(docs=itemgetter("question") | NotesRetriever())
        | RunnablePassthrough.assign(call=plan_prompt | chooser)
        | RunnableLambda(run_tool)
        | llm.with_config(run_name=WRITE_ANSWER)
    )


def agent_events(agent: Runnable, question: str) -> AsyncIterator[StreamEvent]:
    # Every step reports itself; the page turns these events into status lines.
    return agent.astream_events({"question": question}, version="v2")


# --- (c) long-form ----------------------------------------------------------------------------

writer_prompt = ChatPromptTemplate.from_template(
    "Write a detailed, multi-paragraph article about {topic}."
)


def stream_article(llm: BaseChatModel, topic: str) -> Iterator[AIMessage]:
    # `llm` carries max_tokens: the answer stops there (finish_reason="length").
    return (writer_prompt | llm).stream({"topic": topic})
