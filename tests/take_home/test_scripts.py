"""Every lesson's take-home script, exported and run as a learner would: a separate Python process,
from a folder without this project, against the simulator the test started. Each must finish and
print what its lesson shows; no script imports the lab or carries an API key."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from pydantic import SecretStr

from streamlab.catalog import LESSONS
from streamlab.client.providers import ProviderConfig, embedded_config
from streamlab.lab.experiments import ExperimentConfig, Variant
from streamlab.take_home import SIMULATOR_URL, script_name, take_home_script
from streamlab.take_home.latency_lab import inputs_for
from tests.support.factories import INSTANT
from tests.support.scripts import run_script

FAST_ARGS = {"ttft_ms": 0, "tokens_per_s": 0}
INPUTS: dict[str, dict[str, object]] = {  # a typical run of each lesson, kept quick
    "overview": {"PROMPT": "Explain RAG"},
    "why_streaming": {"PROMPT": "Explain RAG"},
    "internals": {"QUESTION": "Explain streaming", "MAX_TOKENS": 12},
    "llm_direct": {"QUESTION": "Explain streaming runnables", "STREAMING": True},
    "sequence": {"TOPIC": "Runnable streaming", "CHOSEN": ["+ plain function", "+ RunnableGenerator"]},
    "parallel": {"QUESTION": "Explain RAG", "MAX_TOKENS": 40, "BASELINE": True},
    "astream_events": {"QUESTION": "Explain streaming", "VERSION": "v2", "FILTERS": {}},
    "can_cannot_stream": {"SIM_LATENCY": {"ttft_ms": 50, "tokens_per_s": 400}},
    "streaming_vs_not": {"PROMPT": "Explain latency", "TRIALS": 2},
    "use_cases": {"STOP_AFTER": 5, "ARTICLE_MAX_TOKENS": 40, "ARTICLE_SIM": FAST_ARGS},
    "common_mistakes": {"QUESTION": "Explain streaming runnables"},
    "tool_calls": {"QUESTION": "What's the weather in Paris for 2 days?", "ARGS_SIM": FAST_ARGS},
    "fastapi": {"QUESTION": "Explain RAG", "ROUTE": "/chat/sse"},
    "latency_lab": inputs_for(
        ExperimentConfig(
            chain="sequence",
            trials=2,
            warmup=0,
            variants=(Variant("streaming", ttft_ms=20), Variant("invoke", mode="invoke", ttft_ms=20)),
        )
    ),
    "takeaways": {"QUESTION": "Explain streaming runnables"},
    "agent_streaming": {"QUESTION": "What is the weather in Paris?", "MODES": ["updates", "custom"]},
    "agent_events": {"QUESTION": "What is the weather in Paris?", "REASONING": True},
    "seed_to_agents": {"QUESTION": "What is the weather in Paris?"},
    "reasoning": {"QUESTION": "Explain RAG", "REASONING_MODEL": "sim-reasoning", "EFFORT": "low"},
    "human_in_the_loop": {"QUESTION": "What is the weather in Paris? Book a table there for 4 guests."},
    "subagents": {"QUESTION": "What is the weather and local time in Paris?", "SUBGRAPHS": True},
}
EXPECTED = {  # what the output must show: the lesson's point, from the script's own measurement
    "overview": r"(\d+) chunks for (\d+) tokens",
    "why_streaming": r"llm\.stream\(\)\s+user sees text at .*\n.*llm\.invoke\(\)\s+user sees text",
    "internals": r"without stream_usage=True: \d+ chunks, usage_metadata of the sum: None",
    "llm_direct": r"streaming=False\s+stream\(\)\s+1\s+1\s+0",
    "sequence": r"\+ plain function\s+1 chunks,\s+1 with text",
    "parallel": r"add_up\(chunks\) → keys \['(short|detailed)', '(short|detailed)'\]",
    "astream_events": r"on_chat_model_stream\s+ChatOpenAI",
    "can_cannot_stream": r"llm \| RunnableLambda\(generator\)\s+\d+ chunks · verdict partial",
    "streaming_vs_not": r"stream\s+median first text .*\ninvoke\s+median first text",
    "use_cases": r"status: tool_start lookup_term[\s\S]*finish_reason='length'",
    "common_mistakes": r"mistake: plain for → TypeError",
    "tool_calls": r"summed: \[\{'name': 'get_weather'",
    "fastapi": r"HTTP 200 text/event-stream",
    "latency_lab": r"streaming\s+median TTFT .*\ninvoke\s+median TTFT",
    "takeaways": r"llm \| plain function\s+1 chunks with text",
    "agent_streaming": r"\[custom\] Looking up Paris[\s\S]*\[updates\] step done: tools",
    "agent_events": r"\[reasoning\][\s\S]*\[tool started\][\s\S]*on_tool_start\s+get_weather",
    "seed_to_agents": r"step done: tools[\s\S]*token [\s\S]*step .*'node': 'model'[\s\S]*end\s+done",
    "reasoning": r"--- thoughts ---[\s\S]*--- answers ---[\s\S]*high\s+first thought",
    "human_in_the_loop": r"Paused: 1 call\(s\) wait for a person: \[\{'name': 'book_table'[\s\S]*Booked",
    "subagents": r"weather +\[custom\] Looking up Paris[\s\S]*team +\[updates\] (weather|clock)"
    r"[\s\S]*per subagent: \{'(clock|weather)': (1\d|[2-9]\d)",
}


def test_every_lesson_has_a_script_check():
    assert set(INPUTS) == set(EXPECTED) == {x.id for x in LESSONS if x.teaches}


def _imports(script: str) -> list[str]:
    tree = ast.parse(script)
    return [
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]


@pytest.mark.parametrize("lesson_id", list(INPUTS))
def test_when_script_runs_against_the_simulator_then_it_shows_the_lessons_result(
    lesson_id, sim_base_url, tmp_path
):
    config = embedded_config(sim_base_url, profile=INSTANT)
    script = take_home_script(lesson_id, config, INPUTS[lesson_id])
    assert not [m for m in _imports(script) if m.split(".")[0] in ("streamlab", "components", "tests")]
    path = tmp_path / script_name(lesson_id)
    path.write_text(script, encoding="utf-8")
    # Its own process and folder, no project folder on the path: the script must stand alone.
    # Forked from a warm interpreter (tests/support/scripts.py); the overview test below runs
    # a plain `python` subprocess.
    result = run_script(
        path,
        ["--base-url", sim_base_url],
        env={"PATH": "/usr/bin:/bin", "OPENAI_API_KEY": ""},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(EXPECTED[lesson_id], result.stdout), result.stdout[-3000:]


def test_overview_script_counts_more_chunks_than_tokens(sim_base_url, tmp_path):
    script = take_home_script("overview", embedded_config(sim_base_url, profile=INSTANT))
    (tmp_path / "o.py").write_text(script, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "o.py", "--base-url", sim_base_url], cwd=tmp_path, capture_output=True,
        text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    chunks, tokens = map(int, re.search(EXPECTED["overview"], out).groups())  # type: ignore[union-attr]
    assert chunks > tokens


def test_script_writes_out_the_hidden_settings(sim_base_url):
    config = replace(embedded_config(sim_base_url, profile=INSTANT), sim_overrides={"fault": "500"})
    script = take_home_script("overview", config, {"PROMPT": 'say "hi"'})
    assert f'BASE_URL = "{SIMULATOR_URL}"' in script  # python -m streamlab.server, not a random port
    assert 'MODEL = "sim-fast"' in script
    assert 'SIM = {"ttft_ms": 0, "tokens_per_s": 0, "jitter_ms": 0, "seed": 7, "fault": "500"}' in script
    assert '"stream_usage": True' in script
    assert 'PROMPT = "say \\"hi\\""' in script


@pytest.mark.parametrize("lesson_id", list(INPUTS))
def test_script_never_contains_the_api_key(lesson_id):
    secret = "sk-live-do-not-leak-1234567890"
    config = ProviderConfig("openai", "", "gpt-4o-mini", SecretStr(secret))
    script = take_home_script(lesson_id, config, INPUTS[lesson_id])
    assert secret not in script and "OPENAI_API_KEY" in script
    assert 'BASE_URL = "https://api.openai.com/v1"' in script and "SIM = None" in script


def test_forked_runner_runs_a_script_as_python_would_with_the_project_out_of_reach(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text(
        "import os, sys\n"
        "print(sys.argv[1:], os.getcwd(), sorted(os.environ), __name__)\n"
        "try:\n    import streamlab\nexcept ImportError as exc:\n    print(type(exc).__name__)\n"
        "sys.exit(3)\n",
        encoding="utf-8",
    )
    run = run_script(path, ["--base-url", "x"], env={"PATH": "/usr/bin"}, timeout=60)
    assert run.returncode == 3
    assert run.stdout.splitlines() == [
        f"['--base-url', 'x'] {tmp_path} ['PATH'] __main__",
        "ModuleNotFoundError",  # the project's folder is not on the script's path
    ]


def test_forked_runner_reports_a_crash_with_its_traceback_and_exit_code_1(tmp_path):
    path = tmp_path / "crash.py"
    path.write_text("print('before')\nChatOpenAI\n", encoding="utf-8")  # a forgotten import
    run = run_script(path, [], env={}, timeout=60)
    assert (run.returncode, run.stdout) == (1, "before\n")
    assert "NameError: name 'ChatOpenAI' is not defined" in run.stderr
