"""Take it home: a standalone script that reproduces what a lesson just ran.

Each lesson has a driver here, named like the lesson (`streamlab/take_home/<stem>.py`): a
`main()` that calls the lesson's recipes the way its page does and prints what happened. The
script is that `main` plus everything it uses, copied from the same source the page shows
(`bundle`), with the run's settings written out as literals: the base URL, the model, the
simulator's latency as the `sim` extra body field, `stream_usage=True`, and the lesson's inputs.
The API key is never written: the script reads OPENAI_API_KEY.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from streamlab.catalog import lesson
from streamlab.client.providers import OPENAI_URL, ProviderConfig
from streamlab.take_home.bundle import Bundle, BundleError, bundle

__all__ = ["SIMULATOR_URL", "Settings", "script_name", "settings_for", "take_home_script"]

SIMULATOR_URL = "http://127.0.0.1:8765/v1"
"""`python -m streamlab.server`'s address: where a script made on the embedded simulator points."""
RUNTIME = "streamlab.take_home.runtime"
PACKAGES = {  # import name → what `pip install` calls it
    "langchain_openai": "langchain-openai",
    "langchain_core": "langchain-core",
    "langchain_classic": "langchain-classic",
    "fastapi": "fastapi",
    "uvicorn": "uvicorn",
    "httpx": "httpx",
    "sse_starlette": "sse-starlette",
    "pydantic": "pydantic",
    "langchain": "langchain",
    "langgraph": "langgraph",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Where a script sends its requests: the sidebar's provider, minus the key."""

    base_url: str
    model: str
    sim: dict[str, Any] | None
    """The simulator's `sim` body (latency, seed, fault); None for real providers."""


def settings_for(config: ProviderConfig) -> Settings:
    """The provider's settings as a script should write them (the embedded simulator's random
    port becomes `python -m streamlab.server`'s default address)."""
    if config.kind != "embedded":
        return Settings(config.base_url or OPENAI_URL, config.model, None)
    sim: dict[str, Any] = config.profile.to_sim() if config.profile is not None else {}
    sim.update(config.sim_overrides)
    return Settings(SIMULATOR_URL, config.model, sim)


def script_name(lesson_id: str) -> str:
    """The file name a lesson's script downloads as (never a package's name: `fastapi.py` next to
    the script would shadow FastAPI itself)."""
    return f"{lesson(lesson_id).id}_take_home.py"


def _header(lesson_id: str, packages: list[str], settings: Settings) -> str:
    name = script_name(lesson_id)
    against = (
        f"Against the lab's simulator (no key needed), from the lab's folder:\n"
        f"    python -m streamlab.server\n    python {name}\n"
        if settings.sim is not None
        else f"Against {settings.base_url} (the key is read from OPENAI_API_KEY):\n    python {name}\n"
    )
    return (
        f'"""{lesson(lesson_id).title}: the lesson\'s run as a script (Streaming Runnables Lab).\n\n'
        "Every setting the lab's page hides is written out below: the base URL, the model, the\n"
        "simulator's latency (sent as the `sim` extra body field) and `stream_usage=True`.\n\n"
        f"{against}"
        "Against OpenAI (the key is read from OPENAI_API_KEY, never written into this file):\n"
        f"    python {name} --openai --model gpt-4o-mini\n"
        "Any other OpenAI-compatible server: --base-url URL --model NAME --no-sim.\n\n"
        f"Needs: pip install {' '.join(packages)}\n"
        '"""'
    )


def _packages(imports: set[str]) -> list[str]:
    roots = {line.split()[1].split(".")[0] for line in imports}
    unknown = sorted(r for r in roots if r not in PACKAGES and r not in sys.stdlib_module_names)
    if unknown:
        raise BundleError(f"no pip name known for {', '.join(unknown)}")
    return sorted({PACKAGES[r] for r in roots if r in PACKAGES})


SETTING_NOTES = {
    "BASE_URL": "# Where the requests go (--base-url changes it).",
    "MODEL": "# The model every request names, unless a lesson picks one (--model changes it).",
    "SIM": "# The simulator's latency, sent as the extra body field `sim` (the lab's sidebar).\n"
    "# Real providers reject unknown fields: --no-sim sends none.",
}


def _commented(name: str, line: str) -> str:
    return f"{SETTING_NOTES[name]}\n{line}" if name in SETTING_NOTES else line


def _import_block(lines: set[str]) -> str:
    """isort's layout: standard library, then third party; `from x import a, b` merged."""
    plain: dict[bool, set[str]] = {True: set(), False: set()}
    names: dict[tuple[bool, str], list[str]] = {}
    for line in lines:
        words = line.split()
        stdlib = words[1].split(".")[0] in sys.stdlib_module_names
        if words[0] == "import":
            plain[stdlib].add(line)
        else:
            names.setdefault((stdlib, words[1]), []).append(" ".join(words[3:]))
    groups = []
    for stdlib in (True, False):
        group = sorted(plain[stdlib], key=lambda line: line.split()[1])
        group += [
            f"from {module} import {', '.join(sorted(imported, key=str.lower))}"
            for (is_std, module), imported in sorted(names.items())
            if is_std == stdlib
        ]
        if group:
            groups.append("\n".join(group))
    return "\n\n".join(groups)


def take_home_script(
    lesson_id: str, config: ProviderConfig, inputs: Mapping[str, object] | None = None
) -> str:
    """The script reproducing `lesson_id`'s run on this provider with these inputs (constants of
    its driver, e.g. {"QUESTION": "Explain RAG"}; unknown names raise a `BundleError`).

    A driver may derive more constants from the provider with `from_provider(config)`, e.g. the
    slower latency of a lesson's second model."""
    driver = f"streamlab.take_home.{lesson(lesson_id).id}"
    module = importlib.import_module(driver)
    runtime = importlib.import_module(RUNTIME)
    derived = module.from_provider(config) if hasattr(module, "from_provider") else {}
    given = {**derived, **(inputs or {})}
    unknown = [k for k in given if not hasattr(module, k) or hasattr(runtime, k)]
    if unknown:
        raise BundleError(f"{driver} has no setting {', '.join(unknown)}")
    settings = settings_for(config)
    overrides = {"BASE_URL": settings.base_url, "MODEL": settings.model, "SIM": settings.sim, **given}
    found: Bundle = bundle(driver, "main", overrides)
    found.add(RUNTIME, "configure")
    parts = [
        _header(lesson_id, _packages(found.imports), settings),
        "from __future__ import annotations",
        _import_block(found.imports),
        "# The settings of the run this script reproduces.\n"
        + "\n".join(_commented(name, line) for name, line in found.settings.items()),
        *found.definitions,
        'if __name__ == "__main__":\n    configure()\n    main()',
    ]
    header, future, imports, settings_block, *rest = parts
    script = f"{header}\n\n{future}\n\n{imports}\n\n{settings_block}\n\n\n" + "\n\n\n".join(rest) + "\n"
    compile(script, script_name(lesson_id), "exec")  # a broken script must never be offered
    return script
