from __future__ import annotations

import json

from streamlab.measure.events import to_json
from tests.support.apptest import open_page, texts

PAGE = "lessons/07_astream_events.py"


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _run(at, version: str = "v2", **filters):
    at.radio(key="ev_version").set_value(version)
    for name, values in filters.items():
        at.multiselect(key=f"ev_{name}").set_value(values)
    at.button(key="ev_run").click().run()
    assert not at.exception, at.exception
    return at


def test_v2_run_shows_chat_model_events_timeline_table_and_download():
    at = _run(open_page(PAGE))
    metrics = _metrics(at)
    assert int(metrics["on_chat_model_stream"]) > 10 and metrics["on_llm_stream"] == "0"
    assert metrics["Runs"] == "4"
    table = at.dataframe[0].value
    expected = {"on_chain_start", "on_prompt_end", "on_chat_model_stream", "on_chat_model_end"}
    assert expected <= set(table["event"])
    assert not [w for w in at.warning if "Warning captured" in w.value]  # v2 does not warn
    assert len(at.get("plotly_chart")) == 1
    download = at.get("download_button")[0]
    assert download.proto.label == "Download the events (JSON)"
    assert 'return RunnableLambda(lambda x: {"topic": x}) | prompt | llm' in texts(at)


def test_v1_run_shows_the_captured_deprecation_warning():
    at = _run(open_page(PAGE), "v1")
    warnings = [w.value for w in at.warning if "Warning captured" in w.value]
    assert len(warnings) == 1
    assert "LangChainDeprecationWarning" in warnings[0] and "deprecated" in warnings[0]
    assert _metrics(at)["on_llm_stream"] == "0"


def test_include_types_llm_gives_no_events_and_chat_model_gives_only_the_model():
    at = _run(open_page(PAGE), include_types=["llm"])
    assert _metrics(at)["Events"] == "0"
    at = _run(at, include_types=["chat_model"])
    events = set(at.dataframe[0].value["event"])
    assert events == {"on_chat_model_start", "on_chat_model_stream", "on_chat_model_end"}


def test_table_filter_narrows_the_captured_rows_without_running_again():
    at = _run(open_page(PAGE))
    total = len(at.dataframe[0].value)
    at.multiselect(key="ev_filter_event").set_value(["on_prompt_start", "on_prompt_end"]).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert list(shown["name"]) == ["ChatPromptTemplate", "ChatPromptTemplate"]
    assert f"2 of {total} events match." in texts(at)


def test_check_button_proves_the_seed_wrong_on_three_claims():
    at = open_page(PAGE)
    at.button(key="ev_check").click().run()
    assert not at.exception
    verdicts = list(at.dataframe[-1].value["verdict"])
    assert verdicts == ["❌ wrong or dated"] * 3 + ["➕ not in the seed"] * 2


def test_v3_runs_the_model_alone_with_content_block_events():
    at = _run(open_page(PAGE), "v3")
    assert "content-block-delta" in set(at.dataframe[0].value["event"])
    assert _metrics(at)["Runs"] == "1"
    assert at.multiselect(key="ev_include_types").disabled


def test_json_export_holds_version_warning_and_capped_rows():
    at = _run(open_page(PAGE), "v1")
    document = json.loads(to_json(at.session_state["ev_captured"]))  # what the download button serves
    assert document["version"] == "v1"
    assert any("deprecated" in w for w in document["warnings"])
    assert len(document["events"]) == int(_metrics(at)["Events"])
    assert all(len(row["data"]) <= 300 for row in document["events"])


def test_empty_question_is_refused_with_a_clear_message():
    at = open_page(PAGE)
    at.text_input(key="ev_question").set_value(" ")
    at.button(key="ev_run").click().run()
    assert not at.exception
    assert "prompt is empty" in at.error[0].value


def test_the_timeline_says_which_clock_its_times_come_from():
    page = " ".join(texts(_run(open_page(PAGE))).split())
    assert "Event times are LangChain's clock (the *received by LangChain* layer" in page
