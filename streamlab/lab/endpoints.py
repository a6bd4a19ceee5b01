"""Where each configuration's requests go, and which key they may carry.

A configuration can come from a shared link or an imported file, so it may name any URL.
Keys come only from the learner: the OpenAI key goes only to api.openai.com, and the key
typed in the sidebar's OpenAI-compatible field only to the base URL typed next to it. A
configuration naming another URL runs without a key, and `key_notices` says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from pydantic import SecretStr

from streamlab.client.providers import OPENAI_URL, ProviderConfig, embedded_config
from streamlab.lab.experiments import ExperimentConfig, Variant

__all__ = [
    "Endpoints",
    "ProviderUnavailable",
    "key_notices",
    "provider_config",
    "same_endpoint",
    "unusable",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}


class ProviderUnavailable(Exception):
    """A configuration whose provider cannot be reached as configured (e.g. no API key)."""


@dataclass(frozen=True)
class Endpoints:
    """Where each provider kind is reached on this run. Never stored with an experiment."""

    embedded_url: str | None = None
    openai_key: SecretStr | None = field(default=None, repr=False)
    """Sent only to api.openai.com."""
    compatible_key: SecretStr | None = field(default=None, repr=False)
    """Sent only to `compatible_url`."""
    compatible_url: str = ""
    """The base URL the learner typed next to `compatible_key`."""
    timeout_s: float = 60.0


def _parts(url: str) -> tuple[object, ...] | None:
    try:
        split = urlsplit(url.strip())
        port = split.port
    except ValueError:  # a port that is not a number, a bad IPv6 literal
        return None
    if split.scheme not in _DEFAULT_PORTS or not split.hostname:
        return None
    path = split.path.rstrip("/")
    port = port or _DEFAULT_PORTS[split.scheme]
    # urlsplit has lowercased the scheme and the host name already.
    return split.scheme, split.username, split.password, split.hostname, port, path, split.query


def same_endpoint(a: str, b: str) -> bool:
    """Whether two base URLs name the same endpoint: scheme and host compared without case, a
    default port written or not, a trailing slash ignored; every other part must match."""
    first = _parts(a)
    return first is not None and first == _parts(b)


def _host(url: str) -> str:
    """The host (and port, if written) of `url`, without any user name or password."""
    try:
        netloc = urlsplit(url.strip()).netloc
    except ValueError:
        netloc = ""
    return netloc.rpartition("@")[2] or "no host"


def provider_config(variant: Variant, endpoints: Endpoints) -> ProviderConfig:
    """The ProviderConfig for one variant; raises ProviderUnavailable with what to fix."""
    if variant.provider == "embedded":
        if not endpoints.embedded_url:
            raise ProviderUnavailable("The embedded simulator is not running.")
        return replace(
            embedded_config(endpoints.embedded_url, model=variant.model), timeout_s=endpoints.timeout_s
        )
    if variant.provider == "openai":
        if endpoints.openai_key is None:
            raise ProviderUnavailable(
                f"Configuration {variant.label!r} uses OpenAI, but no API key is set. Choose OpenAI "
                "in the sidebar and enter a key (or set OPENAI_API_KEY); it is used for this run only "
                "and never saved."
            )
        # Always OpenAI's own URL: a base_url an imported file put on this variant is ignored.
        return ProviderConfig(
            "openai", OPENAI_URL, variant.model, endpoints.openai_key, timeout_s=endpoints.timeout_s
        )
    if not variant.base_url.startswith(("http://", "https://")):
        raise ProviderUnavailable(
            f"Configuration {variant.label!r}: the custom URL must start with http:// or https://."
        )
    typed_here = same_endpoint(variant.base_url, endpoints.compatible_url)
    return ProviderConfig(
        "compatible",
        variant.base_url,
        variant.model,
        endpoints.compatible_key if typed_here else None,
        timeout_s=endpoints.timeout_s,
    )


def unusable(config: ExperimentConfig, endpoints: Endpoints) -> list[str]:
    """One message per configuration that cannot run with these endpoints."""
    problems = []
    for variant in config.variants:
        try:
            provider_config(variant, endpoints)
        except ProviderUnavailable as exc:
            problems.append(str(exc))
    return problems


def key_notices(config: ExperimentConfig, endpoints: Endpoints) -> list[str]:
    """One message per custom-URL configuration that runs without the key the learner typed,
    because its URL is not the one typed next to the key; each names the host it points at."""
    if endpoints.compatible_key is None:
        return []
    typed = _host(endpoints.compatible_url) if endpoints.compatible_url.strip() else "none typed"
    return [
        f"Configuration {v.label!r} runs without your API key: its URL points at {_host(v.base_url)}, "
        f"and the key you typed goes only to the base URL next to it ({typed})."
        for v in config.variants
        if v.provider == "compatible" and not same_endpoint(v.base_url, endpoints.compatible_url)
    ]
