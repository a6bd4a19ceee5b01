"""The seed page's four code cells and its FastAPI snippet run unchanged against the simulator.

The app promises that the page's own code works with no API key: only `OPENAI_BASE_URL` and
`OPENAI_API_KEY` point at the embedded server. The code is read from the seed markdown at
test time, so an edit to the page is tested as written, imports included.
"""

from __future__ import annotations

import ast
import asyncio
import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from langchain_core._api import LangChainDeprecationWarning

# In CI a copy of shared/ sits beside the clone: <parent>/main (repo) and <parent>/shared.
SEED = Path(__file__).resolve().parents[1].parent / "shared/seed/streaming-runnables.md"
CELL_RE = re.compile(r"^In \[(\d+)\]:[ \t]*\n(.*?)(?:\n[ \t]*\n[ \t]*\n|\Z)", re.S | re.M)
CHUNK_LINE_RE = re.compile(
    r"""^\{'(?P<branch>\w+)': AIMessageChunk\(content=(?P<content>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
)
EVENT_RE = re.compile(r"""^\{'event': '(\w+)'.*?'name': '(\w+)'""")


def seed_text() -> str:
    if not SEED.is_file():
        pytest.fail(
            f"Seed page not found at {SEED}. The shared/ folder (with "
            "seed/streaming-runnables.md) must sit beside the repository checkout; "
            "these tests never skip."
        )
    return SEED.read_text(encoding="utf-8")


def seed_cells() -> dict[int, str]:
    """`In [N]:` cells: the code runs until the first blank-line pair, where the output begins."""
    cells = {int(n): code.strip("\n") for n, code in CELL_RE.findall(seed_text())}
    assert sorted(cells) == [1, 2, 3, 4], f"expected cells In [1]..In [4], found {sorted(cells)}"
    return cells


def fastapi_snippet() -> str:
    section = seed_text().split("### Streaming + FastAPI", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "no ```python block under 'Streaming + FastAPI'"
    return match.group(1)


class WriteRecorder(io.StringIO):
    """stdout that also counts writes, so "printed as it streamed" can be told from one print."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def run_cell(code: str, namespace: dict) -> WriteRecorder:
    out = WriteRecorder()
    with redirect_stdout(out):
        exec(compile(code, "<seed cell>", "exec"), namespace)
    return out


def printed_chunks(output: str) -> list[tuple[str, str]]:
    """(branch, content) for every `{'short': AIMessageChunk(content='...', ...)}` line printed."""
    found = []
    for line in output.splitlines():
        match = CHUNK_LINE_RE.match(line)
        assert match, f"unexpected line from the parallel cell: {line[:120]}"
        found.append((match["branch"], ast.literal_eval(match["content"])))
    return found


@pytest.fixture(scope="module")
def seed_env(sim_base_url):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OPENAI_BASE_URL", sim_base_url)
        mp.setenv("OPENAI_API_KEY", "sk-seed-cells-no-real-key")
        yield


@pytest.fixture(scope="module")
def namespace(seed_env) -> dict:
    """One shared namespace, like a notebook kernel: later cells use `llm` and `chain`."""
    return {"__name__": "seed_notebook"}


@pytest.fixture(scope="module")
def cell_outputs(namespace) -> dict[int, WriteRecorder]:
    cells = seed_cells()
    return {n: run_cell(cells[n], namespace) for n in (1, 2, 3)}


def test_seed_has_four_cells_of_valid_python():
    cells = seed_cells()
    assert cells[1].startswith("from langchain_openai import ChatOpenAI")
    assert "from langchain_classic.prompts import ChatPromptTemplate" in cells[2]
    assert "RunnableParallel" in cells[3]
    assert cells[4].startswith("async for event in chain.astream_events(")
    for n in (1, 2, 3):
        ast.parse(cells[n])
    compile(cells[4], "<cell 4>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def test_cell_1_prints_the_answer_chunk_by_chunk(cell_outputs, namespace):
    out = cell_outputs[1]
    text = out.getvalue()
    assert "runnable" in text.lower()
    assert out.writes > 20  # one print per chunk, not one print at the end
    assert text == namespace["llm"].invoke("Explain streaming runnables").content


def test_cell_2_streams_through_lambda_prompt_and_model(cell_outputs, namespace):
    out = cell_outputs[2]
    assert out.writes > 20
    assert "runnable" in out.getvalue().lower()
    assert out.getvalue() == namespace["chain"].invoke("Runnable streaming").content


def test_cell_3_prints_one_key_dicts_from_both_branches(cell_outputs):
    chunks = printed_chunks(cell_outputs[3].getvalue())
    short = "".join(c for b, c in chunks if b == "short")
    detailed = "".join(c for b, c in chunks if b == "detailed")
    assert {b for b, _ in chunks} == {"short", "detailed"}
    assert "Retrieval-Augmented Generation" in short
    assert "Retrieval-Augmented Generation" in detailed
    assert len(detailed) > 2 * len(short)  # gpt-4 maps to the slower, longer sim-detailed
    # Arrival order: the fast branch's first token (150 ms) precedes the slow one's (600 ms).
    first_text = [b for b, c in chunks if c]
    assert first_text[0] == "short"


def test_cell_4_prints_events_and_warns_that_v1_is_deprecated(cell_outputs, namespace):
    code = compile(seed_cells()[4], "<cell 4>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    out = WriteRecorder()
    with pytest.warns(LangChainDeprecationWarning, match="astream_events"), redirect_stdout(out):
        asyncio.run(eval(code, namespace))
    events = [EVENT_RE.match(line).groups() for line in out.getvalue().splitlines()]
    assert events[0] == ("on_chain_start", "RunnableSequence")
    assert events[-1] == ("on_chain_end", "RunnableSequence")
    assert ("on_prompt_start", "ChatPromptTemplate") in events
    kinds = [kind for kind, name in events if name == "ChatOpenAI"]
    assert kinds[0] == "on_chat_model_start" and kinds[-1] == "on_chat_model_end"
    assert kinds.count("on_chat_model_stream") > 20
    assert "on_llm_stream" not in {kind for kind, _ in events}  # the seed's name is for LLMs


def test_fastapi_snippet_streams_the_chain_as_plain_text(cell_outputs, namespace):
    exec(compile(fastapi_snippet(), "<seed fastapi>", "exec"), namespace)
    with (
        TestClient(namespace["app"]) as client,
        client.stream("GET", "/chat", params={"q": "Explain LCEL"}) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        body = "".join(response.iter_text())
    assert "LangChain Expression Language" in body
    assert body == namespace["chain"].invoke("Explain LCEL").content
