"""What the chat server's routes share: provider configs by opaque token, the model factory, the
probes of recent runs, and where the blocking demo runs.

One server serves every Streamlit session; a session registers its provider config and passes
the token as `cfg=`, so keys stay in memory here and never appear in a URL.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from fastapi import HTTPException
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable

from streamlab.client.providers import ProviderConfig, build_chat_model
from streamlab.demos.fastapi.probe import OUTCOMES, ProbedChain, RunProbe
from streamlab.recipes import fastapi as recipes
from streamlab.recipes.agent_streaming import build_agent

__all__ = ["BLOCKING_BUDGET_S", "MAX_RUNS", "ChatService", "ModelFactory"]

ModelFactory = Callable[[ProviderConfig, "dict[str, Any] | None"], BaseChatModel]
MAX_RUNS = 200
MAX_CONFIGS = 256  # every sidebar change is a new config; old tokens expire first-in, first-out
# The blocking demo holds its event loop for its whole answer; past this (plus one token gap) it
# is cut off. Its measured run (the longer model, 60 tokens/s, the slowest first token) fits.
BLOCKING_BUDGET_S = 15.0


def _default_factory(config: ProviderConfig, sim: dict[str, Any] | None) -> BaseChatModel:
    return build_chat_model(config, sim=sim)


class ChatService:
    """Provider configs by token, the model factory, and the probes of the last `MAX_RUNS` runs."""

    def __init__(
        self,
        config: ProviderConfig,
        model_factory: ModelFactory | None = None,
        *,
        blocking_budget_s: float = BLOCKING_BUDGET_S,
    ) -> None:
        self.default_config = config
        self.model_factory = model_factory or _default_factory
        self.blocking_budget_s = blocking_budget_s
        self.blocking_url: str | None = None
        """The server (own thread, own loop) that runs `/chat/blocking`; None until it started."""
        self._configs: OrderedDict[str, ProviderConfig] = OrderedDict()
        self._tokens: dict[str, str] = {}
        self._runs: OrderedDict[str, RunProbe] = OrderedDict()
        self._lock = threading.Lock()
        self._salt = secrets.token_bytes(16)

    def register(self, config: ProviderConfig) -> str:
        # ProviderConfig's repr leaves out the latency profile and the sidebar's fault: add them, or
        # a changed sidebar would get the old config's token.
        settings = (config, config.key(), config.profile, sorted(config.sim_overrides.items()))
        fingerprint = hashlib.sha256(self._salt + repr(settings).encode()).hexdigest()
        with self._lock:
            token = self._tokens.get(fingerprint)
            if token is None or token not in self._configs:
                token = secrets.token_urlsafe(9)
                self._tokens[fingerprint], self._configs[token] = token, config
                while len(self._configs) > MAX_CONFIGS:
                    self._configs.popitem(last=False)
            return token

    def config_for(self, token: str | None) -> ProviderConfig:
        if token is None:
            return self.default_config
        with self._lock:
            config = self._configs.get(token)
        if config is None:
            raise HTTPException(404, "Unknown cfg token: reload the lesson page to get a fresh one.")
        return config

    def new_run(self, endpoint: str) -> RunProbe:
        run = RunProbe(secrets.token_hex(6), endpoint)
        with self._lock:
            self._runs[run.rid] = run
            while len(self._runs) > MAX_RUNS:
                self._runs.popitem(last=False)
        return run

    def run(self, rid: str) -> RunProbe | None:
        with self._lock:
            return self._runs.get(rid)

    def chain(
        self,
        run: RunProbe,
        config: ProviderConfig,
        sim: dict[str, Any],
        *,
        budget_s: float | None = None,
    ) -> Runnable:
        llm = self.model_factory(config, sim or None)
        return ProbedChain(recipes.build_chain(llm), run, budget_s=budget_s)

    def agent(self, run: RunProbe, config: ProviderConfig, sim: dict[str, Any]) -> Runnable:
        """The agent lessons' agent on `config`'s model, watched by `run` like a chain."""
        return ProbedChain(build_agent(self.model_factory(config, sim or None)), run)

    def totals(self) -> dict[str, int]:
        with self._lock:
            runs = list(self._runs.values())
        counts: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
        for run in runs:
            counts[run.outcome] += 1
        return {"runs": len(runs), "chunks": sum(len(r.chunk_ns) for r in runs), **counts}
