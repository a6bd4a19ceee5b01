"""An experiment on its own thread, so a UI can keep drawing (progress, live table) meanwhile.

Streamlit calls only work on the script thread, and pressing Stop interrupts that thread
with a rerun; the run here lives on regardless, and `stop()` + `snapshot()` keep what finished.
With a store, each trial is saved the moment it finishes, from the run's own threads, so
even a killed process leaves every finished trial in the history.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from streamlab.lab.endpoints import Endpoints
from streamlab.lab.experiments import ExperimentConfig
from streamlab.lab.results import Experiment, TrialResult
from streamlab.lab.runner import run_experiment
from streamlab.lab.store import ExperimentStore, StoreError

__all__ = ["BackgroundRun", "progress_text", "start_experiment"]


class BackgroundRun:
    """An experiment running on its own thread, for a UI that must keep drawing meanwhile.

    `wait()` hands over the trials finished since the last call. If the UI goes away
    (Streamlit reruns the script when Stop is pressed), call `stop()` then `snapshot()`
    to keep what finished.
    """

    def __init__(
        self, config: ExperimentConfig, endpoints: Endpoints, store: ExperimentStore | None = None
    ) -> None:
        self.config = config
        self._stop = threading.Event()
        self._queue: queue.Queue[TrialResult] = queue.Queue()
        self._received: list[TrialResult] = []
        self.warmups_done = 0
        self.started = time.perf_counter()
        self.created_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.experiment: Experiment | None = None
        self.error: BaseException | None = None
        self.store = store
        self.experiment_id: int | None = None  # its row in the store, once begun
        self.save_error: str | None = None  # the first save that failed, in words for the user
        self._saved, self._save_lock = 0, threading.Lock()
        if store is not None:
            try:
                self.experiment_id = store.begin(Experiment(config, created_at=self.created_at))
            except StoreError as exc:
                self.save_error = str(exc)
        self._thread = threading.Thread(
            target=self._main, args=(endpoints,), daemon=True, name="lab-experiment"
        )
        self._thread.start()

    def _main(self, endpoints: Endpoints) -> None:
        try:
            self.experiment = run_experiment(
                self.config,
                endpoints,
                on_trial=self._finished,
                on_warmup=self._count_warmup,
                stop=self._stop,
            )
            self.experiment.created_at, self.experiment.id = self.created_at, self.experiment_id
        except BaseException as exc:  # reported by the UI thread; nothing else can see it
            self.error = exc
        finally:
            self._finish_saving()

    def _finished(self, trial: TrialResult) -> None:
        # On a runner thread, as each trial ends: saved first, so whatever the UI has seen is on disk.
        if self.store is not None and self.experiment_id is not None:
            with self._save_lock:
                try:
                    self.store.add_trial(self.experiment_id, self._saved, trial)
                    self._saved += 1
                except StoreError as exc:
                    self.save_error = self.save_error or str(exc)
        self._queue.put(trial)

    def _finish_saving(self) -> None:
        if self.store is None or self.experiment_id is None:
            return
        done = self.experiment
        status = done.status if done is not None and self.error is None else "stopped"
        wall_ms = done.wall_ms if done is not None else (time.perf_counter() - self.started) * 1000
        try:
            self.store.finish(self.experiment_id, status, wall_ms)
        except StoreError as exc:
            self.save_error = self.save_error or str(exc)

    def _count_warmup(self, _: TrialResult) -> None:
        self.warmups_done += 1

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self, timeout_s: float) -> list[TrialResult]:
        """Trials finished since the last call; waits up to `timeout_s` for the first one."""
        new: list[TrialResult] = []
        try:
            new.append(self._queue.get(timeout=timeout_s))
            while True:
                new.append(self._queue.get_nowait())
        except queue.Empty:
            pass
        self._received.extend(new)
        return new

    def iter_trials(self, poll_s: float = 0.1) -> Iterator[list[TrialResult]]:
        """Batches of finished trials until the run ends (an empty batch is a heartbeat)."""
        while not self.done:
            yield self.wait(poll_s)
        yield self.wait(0)

    @property
    def received(self) -> list[TrialResult]:
        """Every measured trial handed over by `wait()` so far."""
        return list(self._received)

    def stop(self) -> None:
        self._stop.set()

    def snapshot(self, wait_s: float = 0.0) -> Experiment:
        """The finished experiment, or what has arrived so far, marked as stopped.

        `wait_s`: after `stop()`, how long to let the trials in flight end (and be saved) first."""
        self._thread.join(wait_s)
        if self.experiment is not None and self.done:
            return self.experiment
        self.wait(0)
        wall_ms = (time.perf_counter() - self.started) * 1000
        return Experiment(
            self.config, list(self._received), self.created_at, wall_ms, "stopped", self.experiment_id
        )


def start_experiment(
    config: ExperimentConfig, endpoints: Endpoints, store: ExperimentStore | None = None
) -> BackgroundRun:
    """Start `config` on its own thread; with a `store`, every trial is saved as it finishes."""
    return BackgroundRun(config, endpoints, store)


def progress_text(
    done: int, total: int, elapsed_s: float, warmups_done: int = 0, warmups_total: int = 0
) -> str:
    """ "12 of 40 trials · 3.1 s elapsed · about 7 s left" (the ETA assumes the pace so far holds)."""
    if done == 0 and warmups_done < warmups_total:
        return f"Warming up: {warmups_done} of {warmups_total} runs (not recorded)…"
    text = f"{done} of {total} trials · {elapsed_s:.1f} s elapsed"
    if 0 < done < total:
        text += f" · about {elapsed_s / done * (total - done):.0f} s left"
    return text
