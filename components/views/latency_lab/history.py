"""The latency lab's history: where it is saved, the saved list, reopen/compare/delete, JSON import.

Store failures are shown as messages and never stop the page: with a damaged history the lab
still runs experiments and offers to start a fresh file (the old one is kept, renamed); a file
that is not a lab history is never renamed or replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from components.views.latency_lab.controls import load_into_form
from components.views.latency_lab.results import render_comparison, render_experiment
from streamlab.client.untrusted import as_text
from streamlab.lab.imports import MAX_BYTES, ImportProblem, from_json, size_problem
from streamlab.lab.results import Experiment
from streamlab.lab.store import ExperimentStore, StoreError, default_db_path, quarantine

__all__ = ["keeper", "pick_store", "render_current", "render_history"]

_BOX = "_lab"


def _box() -> dict:
    """The lab's state: a plain dict inside st.session_state.

    Fetch it before a run: writing to this dict never yields to Streamlit, so an
    interrupted run (Stop) can still leave its results here.
    """
    return st.session_state.setdefault(_BOX, {})


def _current() -> Experiment | None:
    return _box().get("current")


def _notice(kind: str, text: str, box: dict | None = None) -> None:
    (_box() if box is None else box)["notice"] = (kind, text)


def render_current(*, key: str) -> None:
    """The message left by a button callback or an interrupted run, then the experiment last run,
    opened or imported."""
    kind, text = _box().pop("notice", ("", ""))
    if text:  # notices quote names and paths from links, files and the learner: text, not Markdown
        {"error": st.error, "success": st.success}.get(kind, st.info)(as_text(text))
    if (current := _current()) is not None:
        render_experiment(current, key=key)


def _fresh(path: str) -> None:
    try:
        moved = quarantine(path)  # checks, at the click, that it is a lab history
    except StoreError as exc:
        _notice("error", str(exc))
        return
    except OSError as exc:
        _notice("error", f"Could not move {path} aside: {exc.strerror}. Choose another path.")
        return
    _notice("success", f"Started a fresh history at {path}; the damaged file is kept as {moved.name}.")


def pick_store() -> ExperimentStore | None:
    """The history-file field and the store it opens; None (with a message) if it cannot be used."""
    default = str(default_db_path())
    st.session_state.setdefault("lab_db", default)
    path = st.text_input(
        "History file (SQLite)",
        key="lab_db",
        help=f"Default: {default}. Set $STREAMLAB_DB to change the default.",
    ).strip()
    try:
        store = ExperimentStore(path or default)
    except StoreError as exc:
        st.error(as_text(exc))
        if exc.damaged and Path(path).is_file():
            st.button("Start a fresh history file", key="lab_db_fresh", on_click=_fresh, args=(path,))
        st.caption("Experiments still run meanwhile; they are just not saved.")
        return None
    _announce_interrupted(store)
    return store


def _announce_interrupted(store: ExperimentStore) -> None:
    # Once per session and experiment: the history table keeps saying "interrupted" after that.
    try:
        table = store.list()
    except StoreError:
        return  # the saved-experiments tab says what is wrong
    announced = _box().setdefault("announced", set())
    for row in table[table["status"] == "interrupted"].to_dict("records"):
        if row["id"] in announced:
            continue
        announced.add(row["id"])
        planned = row["planned"]
        of = f" of {int(planned)}" if isinstance(planned, int | float) and planned == planned else ""
        st.warning(
            as_text(
                f"Experiment #{row['id']} “{row['name']}” was interrupted: the app stopped during "
                f"the run, after {row['trials']}{of} trials. The trials saved by then are kept: "
                "open it under Saved experiments."
            ),
            icon=":material/history:",
        )


def keeper(store: ExperimentStore | None) -> Callable[[Experiment, str | None], None]:
    """A `keep` for run_live: show the experiment next, and say how its saving went.

    Safe inside an interrupted run: it touches only the box, never Streamlit.
    """
    box = _box()

    def keep(experiment: Experiment, save_error: str | None) -> None:
        box["current"] = experiment
        if store is None:
            return
        if save_error is None and experiment.id is not None:
            box["select"] = experiment.id  # the history's picker moves to it on this rerun
        if save_error is not None:
            _notice(
                "error", f"The results are shown, but the history could not keep them: {save_error}", box
            )
        elif experiment.status == "stopped":
            _notice(
                "info",
                f"Stopped: {len(experiment.trials)} of {experiment.planned} trials "
                f"finished and were saved as #{experiment.id}.",
                box,
            )

    return keep


def _picked() -> int:
    # Read in the callback, not bound as an argument: the selection may have changed in this rerun.
    return int(st.session_state["lab_hist_pick"])


def _open(store: ExperimentStore, into_form: bool) -> None:
    exp_id = _picked()
    try:
        experiment = store.load(exp_id)
    except StoreError as exc:
        _notice("error", str(exc))
        return
    _box()["current"] = experiment
    if into_form:
        load_into_form(experiment.config)
        _notice("success", f"Loaded the configuration of #{exp_id} into the form: press Run to repeat.")


def _delete(store: ExperimentStore) -> None:
    exp_id = _picked()
    try:
        store.delete(exp_id)
    except StoreError as exc:
        _notice("error", str(exc))
        return
    current = _current()
    if current is not None and current.id == exp_id:
        del _box()["current"]
    _notice("success", f"Deleted experiment #{exp_id}.")


def _listing(store: ExperimentStore):
    try:
        return store.list()
    except StoreError as exc:
        st.error(as_text(exc))
        return None


def _render_saved(store: ExperimentStore | None) -> None:
    if store is None:
        st.caption("No working history file (see the message above).")
        return
    table = _listing(store)
    if table is None or table.empty:
        st.caption("No saved experiments yet: run one above.")
        return
    st.dataframe(table, hide_index=True, key="lab_hist_table")
    names = {row.id: f"#{row.id} {row.name} ({row.created_at})" for row in table.itertuples()}
    if (just_run := _box().pop("select", None)) in names:
        st.session_state["lab_hist_pick"] = just_run  # before the widget: it shows the new run
    st.selectbox("Experiment", list(names), format_func=lambda i: names[i], key="lab_hist_pick")
    left, middle, right = st.columns(3)
    left.button("Open results", key="lab_hist_open", on_click=_open, args=(store, False))
    middle.button("Load config into the form", key="lab_hist_load", on_click=_open, args=(store, True))
    right.button("Delete", key="lab_hist_delete", on_click=_delete, args=(store,))


def _render_compare(store: ExperimentStore | None) -> None:
    table = _listing(store) if store is not None else None
    if store is None or table is None or len(table) < 2:
        st.caption("Save at least two experiments to compare them.")
        return
    names = {row.id: f"#{row.id} {row.name} ({row.created_at})" for row in table.itertuples()}
    ids = list(names)
    left, right = st.columns(2)
    first = left.selectbox(
        "First (baseline)", ids, index=1, format_func=lambda i: names[i], key="lab_cmp_a"
    )
    second = right.selectbox("Second", ids, index=0, format_func=lambda i: names[i], key="lab_cmp_b")
    if first == second:
        st.info("Pick two different experiments.")
        return
    try:
        a, b = store.load(int(first)), store.load(int(second))
    except StoreError as exc:
        st.error(as_text(exc))
        return
    st.caption(
        "Every configuration of both experiments, named “#id · label”; the first one listed "
        "is the baseline for the verdicts and Δ columns."
    )
    render_comparison(a, b, key="lab_cmp")


def _render_import(store: ExperimentStore | None) -> None:
    upload = st.file_uploader(
        "Import an experiment JSON (exported by this lab)",
        type=["json"],
        key="lab_import",
        max_upload_size=MAX_BYTES // 1_000_000,  # a browser refuses a bigger file before sending it
    )
    if upload is None or st.session_state.get("_lab_imported") == upload.file_id:
        return
    try:
        if problem := size_problem(upload.size):  # refused by its size, unread
            raise ImportProblem(problem)
        experiment = from_json(upload.getvalue())
    except ImportProblem as exc:
        st.error(as_text(f"Cannot import {upload.name}: {exc}"))
        return
    st.session_state["_lab_imported"] = upload.file_id  # once per upload, not once per rerun
    _box()["current"] = experiment
    name, count = experiment.config.name, len(experiment.trials)
    if store is None:
        _notice(
            "info",
            f"Opened “{name}” ({count} trials) from {upload.name}; it is not saved: "
            "there is no working history file.",
        )
    else:
        try:
            store.save(experiment)
        except StoreError as exc:
            _notice(
                "error",
                f"Read “{name}” from {upload.name}, but it could not be saved: {exc} "
                "It is shown below, not in the history.",
            )
        else:
            _notice("success", f"Imported “{name}” ({count} trials) and saved as #{experiment.id}.")
    st.rerun()  # draw its results in the results section, above this one


def render_history(store: ExperimentStore | None) -> None:
    """The saved experiments, the comparison of two, and the JSON import, as three tabs."""
    saved, compare, imported = st.tabs(["Saved experiments", "Compare two", "Import JSON"])
    with saved:
        _render_saved(store)
    with compare:
        _render_compare(store)
    with imported:
        _render_import(store)
