"""Sidebar: which model endpoint every lesson talks to, and the simulator's latency profile.

Runs from app.py on every page, so the choice is shared through `st.session_state`.
API keys stay inside password widgets and `SecretStr`; only masked forms are ever shown.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Literal

import streamlit as st
from pydantic import SecretStr

from components.presenter import apply_presenter_mode, presenter_toggle
from components.room import keep_room
from components.servers import embedded_server
from streamlab.client.presets import parse_profile_params, to_profile_params
from streamlab.client.providers import (
    ProviderConfig,
    check_connection,
    embedded_config,
    mask_key,
)
from streamlab.sim.answers import MODELS
from streamlab.sim.options import COUNTED_FAULTS, FAULT_LABELS, LIMITS, LatencyProfile

KINDS = {
    "embedded": "Embedded simulator (no key)",
    "openai": "OpenAI",
    "compatible": "OpenAI-compatible URL (Ollama, vLLM, LM Studio)",
}
DEFAULTS = {
    "sim_model": "sim-fast",
    "sim_ttft_ms": 150.0,
    "sim_tokens_per_s": 80.0,
    "sim_jitter_ms": 5.0,
    "sim_seed": 0,
}
PRESET_KEYS = {
    "model": "sim_model",
    "ttft_ms": "sim_ttft_ms",
    "tokens_per_s": "sim_tokens_per_s",
    "jitter_ms": "sim_jitter_ms",
    "seed": "sim_seed",
}


# The profile widgets keep their values for the whole session. A value the app sets through
# st.session_state (a URL preset) reaches the browser only with the run that set it: if that run
# is cut short (the learner clicks a lesson during the first run) or a later run does not draw the
# widget (another provider is chosen), Streamlit keeps the value on the server but, without
# persist_state, lets the browser mount the widget at its own default (0 ms, sim-fast) and the next
# touch of any control sends those defaults back as the learner's choice. With persist_state the
# server tells the browser to show the kept value whenever it draws the widget again.
KEEP: Literal["session"] = "session"


def _apply_url_preset() -> None:
    # Once per session, from the link the session was opened with: afterwards the widgets own
    # their values (and switching page drops the query string anyway). No Streamlit element is
    # drawn between reading the URL and setting the flag, so no rerun can cut this short.
    if st.session_state.get("_preset_applied"):
        return
    st.session_state["_preset_applied"] = True
    st.session_state["_link_params"] = st.query_params.to_dict()
    preset = parse_profile_params(st.session_state["_link_params"])
    st.session_state["_preset_problems"] = preset.problems
    for attr, value in preset.values.items():
        st.session_state[PRESET_KEYS[attr]] = value
    for key, default in DEFAULTS.items():
        st.session_state.setdefault(key, default)


def link_params() -> dict[str, str]:
    """The query parameters of the link this session was opened with.

    Read in the session's first run, before any page switch drops them, so a lesson that
    reads its own part of a shared link (the lab's `lab_*`) still finds it when its first
    run was interrupted or the learner came to it later."""
    return dict(st.session_state.get("_link_params", {}))


def _range(name: str) -> tuple[float, float]:
    """A widget's (min, max) from the simulator's own limits, so every value it allows is accepted."""
    return float(LIMITS[name].low), float(LIMITS[name].high)


def _whole_range(name: str) -> tuple[int, int]:
    return int(LIMITS[name].low), int(LIMITS[name].high)


def _profile_controls() -> LatencyProfile:
    st.selectbox(
        "Model",
        list(MODELS),
        key="sim_model",
        persist_state=KEEP,
        help="sim-fast: short answers, quick; sim-detailed: longer, slower (like gpt-4).",
    )
    # Ranges come from the simulator's limits, which the URL presets use too, so any valid
    # shared link fits the sliders.
    st.slider(
        "Time to first token (ms)", *_range("ttft_ms"), step=10.0, key="sim_ttft_ms", persist_state=KEEP
    )
    st.slider(
        "Tokens per second (0 = as fast as possible)",
        *_range("tokens_per_s"),
        step=5.0,
        key="sim_tokens_per_s",
        persist_state=KEEP,
    )
    st.slider(
        "Jitter (± ms per token)",
        *_range("jitter_ms"),
        step=1.0,
        key="sim_jitter_ms",
        persist_state=KEEP,
    )
    st.number_input(
        "Seed",
        *_whole_range("seed"),
        step=1,
        key="sim_seed",
        persist_state=KEEP,
        help="Same seed → same text and same timing: demos repeat exactly.",
    )
    state = st.session_state
    return LatencyProfile(
        ttft_ms=state.sim_ttft_ms,
        tokens_per_s=state.sim_tokens_per_s,
        jitter_ms=state.sim_jitter_ms,
        seed=int(state.sim_seed),
    )


def _openai_key() -> SecretStr | None:
    typed = st.text_input(
        "OpenAI API key",
        type="password",
        key="openai_key",
        help="Kept in this browser session only; never shown, logged or exported.",
    )
    return SecretStr(typed.strip()) if typed else configured_openai_key()


def configured_openai_key() -> SecretStr | None:
    """OPENAI_API_KEY from `st.secrets`, else the environment (never displayed)."""
    try:
        from_secrets = st.secrets.get("OPENAI_API_KEY")
    except Exception:  # no secrets.toml is the normal case
        from_secrets = None
    key = from_secrets or os.environ.get("OPENAI_API_KEY")
    return SecretStr(key) if key else None


def _provider_config(kind: str) -> ProviderConfig:
    if kind == "openai":
        key = _openai_key()
        model = st.text_input("Model", "gpt-4o-mini", key="openai_model")
        st.caption(f"Key in use: {mask_key(key.get_secret_value() if key else None)}")
        return ProviderConfig("openai", "https://api.openai.com/v1", model.strip(), key)
    if kind == "compatible":
        url = st.text_input("Base URL", "http://localhost:11434/v1", key="compat_url")
        model = st.text_input("Model", "llama3.2", key="compat_model")
        typed = st.text_input("API key (optional)", type="password", key="compat_key").strip()
        return ProviderConfig(
            "compatible", url.strip(), model.strip(), SecretStr(typed) if typed else None
        )
    profile = _profile_controls()
    server = embedded_server()
    config = embedded_config(server.base_url, model=st.session_state.sim_model, profile=profile)
    return replace(config, sim_overrides=_fault_controls())


FAULTS: dict[str, str] = {"": "none", **{str(kind): label for kind, label in FAULT_LABELS.items()}}


def _fault_controls() -> dict[str, object]:
    """Fault injection for workshops and tests: every lesson's next request misbehaves."""
    with st.expander("Inject a fault"):
        fault = st.selectbox("Fault", list(FAULTS), format_func=FAULTS.__getitem__, key="sim_fault")
        if fault in COUNTED_FAULTS:  # drop_after:N or error_after:N
            label = "Drop after N chunks" if fault == "drop_after" else "Error event after N chunks"
            after = st.number_input(label, *_whole_range(fault), 10, key=f"sim_{fault}")
            fault = f"{fault}:{after}"
        text = st.text_area(
            "Force the answer text (optional)",
            key="sim_text",
            help="The simulator streams exactly this text, e.g. to test escaping.",
        )
    overrides: dict[str, object] = {"fault": fault} if fault else {}
    if text:
        overrides["text"] = text
    return overrides


def _share_profile() -> None:
    values = {attr: st.session_state[key] for attr, key in PRESET_KEYS.items()}
    st.query_params.update(to_profile_params(values))


def render_provider_sidebar() -> ProviderConfig:
    """Draw the provider settings and return (and store) the resulting config."""
    _apply_url_preset()
    with st.sidebar:
        presenter_toggle(link_params())
        keep_room(link_params())  # ?room= of a workshop link: the class board's room
        st.header("Model provider")
        for problem in st.session_state.get("_preset_problems", []):
            # The value came from a link: plain text, so no image, link or HTML can render from it.
            st.warning(f"Ignored the link parameter ?{problem.param}: {problem.reason}.")
            st.text(problem.shown)
        kind = st.radio("Provider", list(KINDS), format_func=KINDS.get, key="provider_kind")
        config = _provider_config(kind)
        timeout = st.number_input("Request timeout (s)", 1, 600, 60, key="request_timeout")
        config = replace(config, timeout_s=float(timeout))
        if kind == "embedded":
            _share_profile()
        if st.button("Check connection", key="check_connection"):
            status = check_connection(config)
            (st.success if status.ok else st.error)(status.message)
    st.session_state["provider_config"] = config
    apply_presenter_mode()
    return config


def current_provider() -> ProviderConfig:
    """The config the sidebar produced on this run (pages call this)."""
    config = st.session_state.get("provider_config")
    if config is None:
        st.error("No provider configured: open the app through app.py so the sidebar can run.")
        st.stop()
    return config
