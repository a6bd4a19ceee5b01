"""The shared sidebar: provider choice, URL presets, connection check, key masking."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from streamlab.sim.options import FAULT_LABELS, LIMITS
from tests.support.apptest import ROOT


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def test_url_preset_sets_the_latency_profile():
    at = app()
    at.query_params.update({"ttft": "800", "tps": "25", "model": "sim-detailed", "seed": "4"})
    at.run()
    assert not at.exception
    config = at.session_state["provider_config"]
    assert config.kind == "embedded" and config.model == "sim-detailed"
    assert (config.profile.ttft_ms, config.profile.tokens_per_s, config.profile.seed) == (800, 25, 4)


def test_bad_url_preset_warns_and_keeps_defaults():
    at = app()
    at.query_params.update({"ttft": "soon", "model": "gpt-99"})
    at.run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.sidebar.warning)
    assert "?ttft: it must be a number" in warnings and "?model: choose one of" in warnings
    assert [t.value for t in at.sidebar.text] == ["?ttft='soon'", "?model='gpt-99'"]
    assert at.session_state["provider_config"].profile.ttft_ms == 150


def test_embedded_connection_check_succeeds():
    at = app().run()
    at.sidebar.button(key="check_connection").click().run()
    assert "Connected to http://127.0.0.1:" in at.sidebar.success[0].value


def test_unreachable_compatible_url_gives_a_clear_error():
    at = app().run()
    at.sidebar.radio(key="provider_kind").set_value("compatible").run()
    at.sidebar.text_input(key="compat_url").set_value("http://127.0.0.1:9/v1").run()
    at.sidebar.button(key="check_connection").click().run()
    assert not at.exception
    assert "Cannot reach http://127.0.0.1:9/v1" in at.sidebar.error[0].value


def test_malformed_url_gives_a_clear_error():
    at = app().run()
    at.sidebar.radio(key="provider_kind").set_value("compatible").run()
    at.sidebar.text_input(key="compat_url").set_value("localhost:11434").run()
    at.sidebar.button(key="check_connection").click().run()
    assert "not a valid base URL" in at.sidebar.error[0].value


def test_openai_key_is_only_ever_shown_masked(monkeypatch):
    secret = "sk-test-0123456789abcdefSECRET"
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    at = app().run()
    at.sidebar.radio(key="provider_kind").set_value("openai").run()
    at.sidebar.text_input(key="openai_key").set_value(secret).run()
    elements = [*at.sidebar.caption, *at.sidebar.markdown, *at.main.markdown]
    shown = " ".join(str(e.value) for e in elements)
    assert "sk-…CRET" in shown
    assert secret not in shown
    assert secret not in repr(at.session_state["provider_config"])
    assert secret not in repr(dict(at.query_params))
    assert at.session_state["provider_config"].key() == secret


def test_latency_widgets_take_their_ranges_from_the_simulator_limits():
    at = app().run()
    for key, name in [
        ("sim_ttft_ms", "ttft_ms"),
        ("sim_tokens_per_s", "tokens_per_s"),
        ("sim_jitter_ms", "jitter_ms"),
    ]:
        slider = at.sidebar.slider(key=key)
        assert (slider.min, slider.max) == (LIMITS[name].low, LIMITS[name].high), key
    seed = at.sidebar.number_input(key="sim_seed")
    assert (seed.min, seed.max) == (LIMITS["seed"].low, LIMITS["seed"].high)
    assert list(at.sidebar.selectbox(key="sim_fault").options) == [
        "none",
        *FAULT_LABELS.values(),
    ]


def test_url_values_in_warnings_when_hostile_then_shown_as_text_not_markdown():
    hostile = {
        "model": "![x](http://evil.example/x.png)",
        "ttft": "[click](http://evil.example)",
        "seed": "<img src=http://evil.example/s.png>",
    }
    at = app()
    at.query_params.update(hostile)
    at.run()
    assert not at.exception
    assert len(at.sidebar.warning) == 3
    markdown = [
        str(e.value) for kind in ("warning", "markdown", "caption") for e in at.sidebar.get(kind)
    ]
    assert not [body for body in markdown if "evil.example" in body]
    texts = [str(t.value) for t in at.sidebar.text]
    for name, value in hostile.items():
        assert f"?{name}={value!r}" in texts


def test_url_preset_when_another_provider_is_chosen_and_back_then_the_profile_is_kept():
    at = app()
    at.query_params.update({"ttft": "800", "tps": "25", "jitter": "10", "model": "sim-detailed"})
    at.run()
    at.sidebar.radio(key="provider_kind").set_value("openai").run()  # the profile is not drawn
    at.switch_page("lessons/02_why_streaming.py").run()
    at.sidebar.radio(key="provider_kind").set_value("embedded").run()
    assert not at.exception
    shown = [
        at.sidebar.slider(key=k).value for k in ("sim_ttft_ms", "sim_tokens_per_s", "sim_jitter_ms")
    ]
    assert shown == [800, 25, 10] and at.sidebar.selectbox(key="sim_model").value == "sim-detailed"
    profile = at.session_state["provider_config"].profile
    assert (profile.ttft_ms, profile.tokens_per_s, profile.jitter_ms) == (800, 25, 10)
    assert at.query_params["ttft"] == "800" and at.query_params["model"] == "sim-detailed"


def test_lab_link_when_the_lab_is_opened_after_other_lessons_then_its_form_has_the_link():
    at = app()
    at.query_params.update({"lab_n": "7", "lab_name": "workshop", "ttft": "0", "tps": "0"})
    at.run()
    at.query_params.clear()  # switching page drops the address's query string
    at.switch_page("lessons/02_why_streaming.py").run()
    at.switch_page("lessons/14_latency_lab.py").run()
    assert not at.exception
    assert at.number_input(key="lab_trials").value == 7
    assert at.text_input(key="lab_name").value == "workshop"
    at.number_input(key="lab_trials").set_value(9).run()
    at.switch_page("lessons/02_why_streaming.py").run()  # the form is not drawn: kept anyway
    at.switch_page("lessons/14_latency_lab.py").run()
    assert at.number_input(key="lab_trials").value == 9
    assert at.text_input(key="lab_name").value == "workshop"
