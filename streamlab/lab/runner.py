"""Run an experiment's trials concurrently and report each one as soon as it finishes.

One event loop drives every trial under a semaphore (the concurrency limit): async trials
run on the loop itself, sync trials in a thread pool of the same size, so `sync` and `async`
configurations are compared on equal terms. Trials are I/O-bound waits, which is why
concurrency shortens the wall time almost linearly.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from langchain_core.runnables import Runnable

from streamlab.client.errors import BROKEN_STREAM, explain_error
from streamlab.client.providers import build_chat_model
from streamlab.lab.endpoints import Endpoints, ProviderUnavailable, provider_config
from streamlab.lab.experiments import ExperimentConfig, Variant
from streamlab.lab.results import ChunkPoint, Experiment, Status, TrialResult
from streamlab.measure.recorder import StreamRecorder
from streamlab.recipes.latency_lab import CHAINS, atime_invoke, atime_stream, time_invoke, time_stream

__all__ = ["TIMERS", "Job", "plan_jobs", "run_experiment"]

TrialFn = Callable[..., Any]
TIMERS: dict[tuple[str, str], TrialFn] = {
    ("stream", "sync"): time_stream,
    ("invoke", "sync"): time_invoke,
    ("stream", "async"): atime_stream,
    ("invoke", "async"): atime_invoke,
}


@dataclass(frozen=True, slots=True)
class Job:
    variant: Variant
    trial: int
    warmup: bool = False


def plan_jobs(config: ExperimentConfig) -> list[Job]:
    """Warm-ups first, then every measured trial in a seeded random order.

    Shuffling interleaves the configurations, so a slow minute on the network hits all of
    them alike instead of whichever happened to run then.
    """
    warmups = [Job(v, -1 - k, warmup=True) for k in range(config.warmup) for v in config.variants]
    measured = [Job(v, i) for i in range(config.trials) for v in config.variants]
    random.Random(config.seed).shuffle(measured)
    return warmups + measured


def _sim_options(variant: Variant) -> dict[str, float | str]:
    options: dict[str, float | str] = {
        "ttft_ms": variant.ttft_ms,
        "tokens_per_s": variant.tokens_per_s,
        "jitter_ms": variant.jitter_ms,
    }
    if variant.fault:
        options["fault"] = variant.fault
    return options


def _build_model(variant: Variant, config: ExperimentConfig, endpoints: Endpoints) -> Runnable:
    provider = provider_config(variant, endpoints)
    sim = _sim_options(variant) if variant.provider == "embedded" else None
    extra = {"max_tokens": config.max_tokens} if config.max_tokens else {}
    return build_chat_model(provider, sim=sim, **extra)


def _chain_for(job: Job, model: Runnable, config: ExperimentConfig) -> Runnable:
    if job.variant.provider == "embedded":
        # Trial i gets sim seed (seed + i) in every configuration: the same jitter pattern for
        # each, and a different one per trial, so the spread is real but repeatable.
        sim = {**_sim_options(job.variant), "seed": config.seed + max(job.trial, 0)}
        model = model.bind(extra_body={"sim": sim})
    return CHAINS[config.chain](model)


class _Trials:
    """Turns one job into one TrialResult; shared by the sync and async paths."""

    def __init__(self, config: ExperimentConfig, endpoints: Endpoints, stop: threading.Event):
        self.config, self.stop = config, stop
        self.t0_ns = time.perf_counter_ns()
        self.models: dict[str, Runnable | ProviderUnavailable] = {}
        for variant in config.variants:
            try:
                self.models[variant.label] = _build_model(variant, config, endpoints)
            except ProviderUnavailable as exc:
                self.models[variant.label] = exc

    async def aclose(self) -> None:
        # Each run builds its own async HTTP clients; close their pools on this loop now,
        # or every experiment would leave its keep-alive sockets open until GC.
        for model in self.models.values():
            client = getattr(model, "http_async_client", None)
            if client is not None:
                await client.aclose()

    def prepare(self, job: Job) -> tuple[StreamRecorder, Runnable | ProviderUnavailable, str]:
        model = self.models[job.variant.label]
        chain = model if isinstance(model, ProviderUnavailable) else _chain_for(job, model, self.config)
        prompts = [p for p in self.config.prompts if p.strip()]
        return StreamRecorder(label=job.variant.label), chain, prompts[max(job.trial, 0) % len(prompts)]

    def run_sync(self, job: Job) -> TrialResult:
        rec, chain, prompt = self.prepare(job)
        error: BaseException | None = None
        try:
            if isinstance(chain, ProviderUnavailable):
                raise chain
            TIMERS[job.variant.mode, "sync"](chain, prompt, rec, self.stop)
        except Exception as exc:  # a failed trial is data, not a crash
            error = exc
        return self.result(job, rec, error)

    async def run_async(self, job: Job) -> TrialResult:
        rec, chain, prompt = self.prepare(job)
        error: BaseException | None = None
        try:
            if isinstance(chain, ProviderUnavailable):
                raise chain
            await TIMERS[job.variant.mode, "async"](chain, prompt, rec, self.stop)
        except Exception as exc:
            error = exc
        return self.result(job, rec, error)

    def result(self, job: Job, rec: StreamRecorder, error: BaseException | None) -> TrialResult:
        s = rec.summary()
        start = rec.start_ns if rec.start_ns is not None else time.perf_counter_ns()
        end = rec.end_ns if rec.end_ns is not None else start
        status: Status = "failed" if error is not None else ("ok" if rec.complete else "stopped")
        message = _message(error, s["content_chunks"])
        prompts = [p for p in self.config.prompts if p.strip()]
        return TrialResult(
            variant=job.variant.label,
            trial=job.trial,
            prompt_index=max(job.trial, 0) % len(prompts),
            status=status,
            started_ms=(start - self.t0_ns) / 1e6,
            ended_ms=(end - self.t0_ns) / 1e6,
            ttft_ms=s["ttft_ms"],
            total_ms=s["total_ms"],
            output_speed_tps=s["output_speed_tps"],
            throughput_tps=s["throughput_tps"],
            chunks=s["chunks"],
            content_chunks=s["content_chunks"],
            output_tokens=s["output_tokens"],
            tokens_source=s["tokens_source"],
            gap_p50_ms=s["gap_p50_ms"],
            gap_p95_ms=s["gap_p95_ms"],
            gap_max_ms=s["gap_max_ms"],
            error_type=type(error).__name__ if error is not None else None,
            error=message,
            points=tuple(ChunkPoint(r["index"], r["t_ms"], r["branch"], r["text"]) for r in rec.rows()),
        )


def _message(error: BaseException | None, content_chunks: int) -> str | None:
    if error is None:
        return None
    if isinstance(error, ProviderUnavailable):
        return str(error)
    message = explain_error(error, partial=content_chunks > 0)
    if message == BROKEN_STREAM:  # its wording points at text above; a trial has a table row
        return (
            f"The connection broke while the answer was streaming, after {content_chunks} "
            "content chunks; the partial timings are kept."
        )
    return message


async def _run_jobs(
    jobs: list[Job], trials: _Trials, concurrency: int, on_done: Callable[[Job, TrialResult], None]
) -> None:
    semaphore = asyncio.Semaphore(concurrency)
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(concurrency, thread_name_prefix="lab-trial") as pool:

        async def one(job: Job) -> None:
            async with semaphore:  # waiters are served in order, so the planned order holds
                if trials.stop.is_set():
                    return
                work: Awaitable[TrialResult] = (
                    trials.run_async(job)
                    if job.variant.api == "async"
                    else loop.run_in_executor(pool, trials.run_sync, job)
                )
                result = await work
            on_done(job, result)

        await asyncio.gather(*(one(job) for job in jobs))


def run_experiment(
    config: ExperimentConfig,
    endpoints: Endpoints,
    *,
    on_trial: Callable[[TrialResult], None] | None = None,
    on_warmup: Callable[[TrialResult], None] | None = None,
    stop: threading.Event | None = None,
) -> Experiment:
    """Run every trial of `config`; blocks until done or `stop` is set.

    `on_trial` is called for each measured trial as it finishes, from the runner's threads.
    Warm-up trials are run first (reported to `on_warmup` only) and never recorded.
    """
    stop = stop or threading.Event()
    created = datetime.now(UTC).isoformat(timespec="seconds")
    experiment = Experiment(config, created_at=created)
    trials = _Trials(config, endpoints, stop)
    lock = threading.Lock()

    def done(job: Job, result: TrialResult) -> None:
        if job.warmup:
            if on_warmup:
                on_warmup(result)
            return
        with lock:
            experiment.trials.append(result)
        if on_trial:
            on_trial(result)

    jobs = plan_jobs(config)

    async def phases() -> None:
        # One loop for both phases, so the warm-up also warms the async connection pool.
        await _run_jobs([j for j in jobs if j.warmup], trials, config.concurrency, done)
        trials.t0_ns = time.perf_counter_ns()  # wall time and trial offsets exclude the warm-up
        await _run_jobs([j for j in jobs if not j.warmup], trials, config.concurrency, done)
        await trials.aclose()

    asyncio.run(phases())
    experiment.wall_ms = (time.perf_counter_ns() - trials.t0_ns) / 1e6
    complete = len(experiment.trials) == experiment.planned and not any(
        t.status == "stopped" for t in experiment.trials
    )
    experiment.status = "complete" if complete else "stopped"
    return experiment
