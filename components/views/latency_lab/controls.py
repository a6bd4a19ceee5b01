"""The latency lab's experiment form, its shareable link, and the run-time endpoints.

The form's widgets own their values through `st.session_state` keys (prefix `lab_`), so a URL
preset, a reopened experiment or an imported file can all fill the form the same way:
`load_into_form(config)`, called before the widgets are drawn or from a button callback. Like the
sidebar's profile, the widgets keep their values for the whole session (`persist_state`), so a
learner who leaves the lab, or whose first run was cut short by a click, finds the form as it was.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import asdict, fields
from typing import Any, cast

import pandas as pd
import streamlit as st

from components.servers import embedded_server
from components.sidebar import KEEP, configured_openai_key, current_provider, link_params
from streamlab.client.untrusted import as_text
from streamlab.lab.endpoints import Endpoints
from streamlab.lab.experiments import (
    CHAIN_NAMES,
    CHOICES,
    FAULTS,
    TEXT_LIMITS,
    ChainName,
    ExperimentConfig,
    Variant,
)
from streamlab.lab.links import (
    TEMPLATES,
    apply_preset,
    parse_lab_params,
    template_variants,
    to_lab_params,
)
from streamlab.lab.runner import TIMERS
from streamlab.recipes.latency_lab import (
    CHAINS,
    build_seed_sequence,
    build_with_blocking_step,
    check_answer,
)

__all__ = ["experiment_form", "lab_endpoints", "lab_source", "load_into_form", "share_link"]

_VARIANT_COLUMNS = [f.name for f in fields(Variant)]
_NUMBERS = {"ttft_ms", "tokens_per_s", "jitter_ms"}


def _base_variant() -> Variant:
    # The sidebar's embedded profile is where a learner's lab starts.
    state = st.session_state
    return Variant(
        "base",
        model=str(state.get("sim_model", "sim-fast")),
        ttft_ms=float(state.get("sim_ttft_ms", 150.0)),
        tokens_per_s=float(state.get("sim_tokens_per_s", 80.0)),
        jitter_ms=float(state.get("sim_jitter_ms", 5.0)),
    )


def load_into_form(config: ExperimentConfig) -> None:
    """Put `config` into the form's widget state (before the widgets run, or in a callback)."""
    state = st.session_state
    state.update(
        lab_name=config.name,
        lab_chain=config.chain,
        lab_prompts="\n".join(config.prompts),
        lab_trials=config.trials,
        lab_concurrency=config.concurrency,
        lab_warmup=config.warmup,
        lab_seed=config.seed,
        lab_max_tokens=config.max_tokens,
    )
    _new_rows([asdict(v) for v in config.variants])


def _new_rows(rows: list[dict[str, Any]]) -> None:
    """Give the variants table these rows, in a fresh editor (not the old one's edits)."""
    state = st.session_state
    state["lab_rows"] = rows
    state["lab_rows_version"] = state.get("lab_rows_version", 0) + 1
    state.pop("_lab_last_rows", None)  # these rows replace the ones last drawn


def _editor_key() -> str:
    return f"lab_variants_{st.session_state['lab_rows_version']}"


def _apply_url_preset_once() -> None:
    state = st.session_state
    if not state.get("_lab_preset_applied"):
        # Once per session, from the link the session was opened with: the learner may reach
        # the lab later, or after a first run cut short, when the address no longer holds it.
        state["_lab_preset_applied"] = True
        preset = parse_lab_params(link_params())
        state["_lab_preset_problems"] = preset.problems
        base = ExperimentConfig(variants=template_variants("stream_vs_invoke", _base_variant()))
        load_into_form(apply_preset(base, preset))
    elif _editor_key() not in state and "_lab_last_rows" in state:
        # st.data_editor cannot keep its edits while another lesson is open (it has no
        # persist_state): a fresh editor starts from the rows as they were last drawn.
        _new_rows(state["_lab_last_rows"])


def _use_template() -> None:
    _new_rows([asdict(v) for v in template_variants(st.session_state["lab_template"], _base_variant())])


def _variant_editor() -> pd.DataFrame:
    rows = pd.DataFrame(st.session_state["lab_rows"], columns=_VARIANT_COLUMNS)
    choice = st.column_config.SelectboxColumn
    return st.data_editor(
        rows,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=_editor_key(),
        column_config={
            "label": st.column_config.TextColumn("label", required=True),
            "mode": choice("mode", options=list(CHOICES["mode"]), required=True),
            "api": choice("api", options=list(CHOICES["api"]), required=True),
            "provider": choice("provider", options=list(CHOICES["provider"]), required=True),
            "base_url": st.column_config.TextColumn("custom URL", help="provider = compatible only"),
            "ttft_ms": st.column_config.NumberColumn("TTFT ms", help="embedded only", min_value=0),
            "tokens_per_s": st.column_config.NumberColumn("tok/s", help="embedded only", min_value=0),
            "jitter_ms": st.column_config.NumberColumn("jitter ms", help="embedded only", min_value=0),
            "fault": st.column_config.TextColumn(
                "fault",
                help=f"embedded only, to see failures recorded: {', '.join(FAULTS)} or "
                "drop_after:N (cut the stream after N chunks)",
            ),
        },
    )


def _to_variant(row: Mapping[Hashable, Any]) -> Variant:
    defaults = Variant("")
    values: dict[str, Any] = {}
    for name in _VARIANT_COLUMNS:
        value: Any = row.get(name)
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        if name in _NUMBERS:
            values[name] = getattr(defaults, name) if missing else float(value)
        else:
            values[name] = "" if missing else str(value).strip()
    return Variant(**values)


def _whole(key: str, label: str, help_text: str) -> int:
    # No min/max on purpose: an out-of-range value gets a clear message at Run, not a silent clamp.
    return int(st.number_input(label, step=1, key=key, help=help_text, persist_state=KEEP))


def experiment_form() -> ExperimentConfig:
    """Draw the form; return the config it describes (check `.problems()` before running)."""
    _apply_url_preset_once()
    for problem in st.session_state.get("_lab_preset_problems", []):
        st.warning(as_text(problem))
    left, middle, right = st.columns([2, 2, 2])
    name = left.text_input(
        "Experiment name", key="lab_name", max_chars=TEXT_LIMITS["name"], persist_state=KEEP
    )
    chain = middle.selectbox(
        "Chain",
        list(CHAIN_NAMES),
        format_func=lambda c: CHAIN_NAMES[c],
        key="lab_chain",
        persist_state=KEEP,
    )
    right.selectbox(
        "Start from a comparison",
        list(TEMPLATES),
        format_func=lambda t: TEMPLATES[t],
        key="lab_template",
        on_change=_use_template,
        help="Replaces the table below; the first row is the baseline.",
    )
    edited = _variant_editor()
    prompts = st.text_area(
        "Prompts (one per line; trial i uses prompt i mod n)",
        key="lab_prompts",
        height=68,
        persist_state=KEEP,
    )
    cols = st.columns(5)
    with cols[0]:
        trials = _whole("lab_trials", "Trials per configuration", "1–200")
    with cols[1]:
        concurrency = _whole("lab_concurrency", "Concurrency", "1–16 trials in flight at once")
    with cols[2]:
        warmup = _whole("lab_warmup", "Warm-up runs", "0–20 per configuration, not recorded")
    with cols[3]:
        seed = _whole("lab_seed", "Seed", "Fixes the trial order, the simulated jitter and the CI")
    with cols[4]:
        max_tokens = _whole("lab_max_tokens", "Max tokens (0 = no limit)", "0–4096")
    config = ExperimentConfig(
        name=name.strip() or "experiment",
        chain=cast(ChainName, chain),  # one of the selectbox's options
        variants=tuple(_to_variant(r) for r in edited.to_dict("records")),
        prompts=tuple(p.strip() for p in prompts.splitlines() if p.strip()),
        trials=trials,
        concurrency=concurrency,
        warmup=warmup,
        seed=seed,
        max_tokens=max_tokens,
    )
    st.session_state["_lab_last_rows"] = [asdict(v) for v in config.variants]  # not a widget key
    return config


def share_link(config: ExperimentConfig) -> None:
    """Keep the page address in sync with a valid config, so copying the URL shares the experiment."""
    if config.problems():
        return
    params = to_lab_params(config)
    for stale in [k for k in st.query_params if k.startswith("lab_") and k not in params]:
        del st.query_params[stale]
    st.query_params.update(params)
    st.caption(
        "The page address now holds this experiment: copy it to share the exact setup "
        "(API keys are never part of it)."
    )


def lab_source(config: ExperimentConfig) -> tuple[Callable[..., object], ...]:
    """The recipe functions a run of `config` calls: its chain (helpers included), then each
    trial function its configurations use, for show_source."""
    if config.chain == "blocking":
        chain: tuple[Callable[..., object], ...] = (
            build_seed_sequence,
            check_answer,
            build_with_blocking_step,
        )
    else:
        chain = (CHAINS.get(config.chain, CHAINS["llm"]),)
    calls = [(v.mode, v.api) for v in config.variants]
    return chain + tuple(dict.fromkeys(TIMERS[c] for c in calls if c in TIMERS))


def lab_endpoints() -> Endpoints:
    """Where configurations run now: the embedded server, plus keys from the sidebar or environment.

    The sidebar's OpenAI-compatible key comes with the base URL typed next to it: the only URL
    it is ever sent to."""
    provider = current_provider()
    openai_key = provider.api_key if provider.kind == "openai" else configured_openai_key()
    compatible = provider.kind == "compatible"
    return Endpoints(
        embedded_server().base_url,
        openai_key,
        provider.api_key if compatible else None,
        provider.base_url if compatible else "",
    )
