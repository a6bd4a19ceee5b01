"""OpenAI-style refusals: `{"error": {"message", "type", "param", "code"}}` with a 4xx/5xx status.

Every refusal the simulator sends (a bad body, a missing or wrong key, an unknown route or
method) has the shape of OpenAI's `ErrorResponse`, so the `openai` SDK raises the same
exception class, with the same message fields, as it would against the real API.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BAD_KEY_PREFIX", "RequestError", "key_error", "route_error"]

BAD_KEY_PREFIX = "sk-bad"  # API keys the simulator rejects with 401, for the "wrong key" lesson


class RequestError(Exception):
    """A request the simulator refuses, mapped to an OpenAI-style error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None,
        type_: str = "invalid_request_error",
        param: str | None = None,
    ):
        super().__init__(message)
        self.status, self.message, self.code, self.type, self.param = status, message, code, type_, param

    def body(self) -> dict[str, Any]:
        return {
            "error": {"message": self.message, "type": self.type, "code": self.code, "param": self.param}
        }


def key_error(authorization: str) -> RequestError | None:
    """The 401 for an `Authorization` header OpenAI would refuse: none at all, or a `sk-bad…` key.

    Any other key is accepted: the simulator has no accounts to check against.
    """
    scheme, _, key = authorization.strip().partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        return RequestError(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization "
            "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). The simulator accepts "
            "any key.",
            code=None,
        )
    if key.startswith(BAD_KEY_PREFIX):
        return RequestError(
            401,
            f"Incorrect API key provided (keys starting with {BAD_KEY_PREFIX!r} are "
            "rejected by the simulator).",
            code="invalid_api_key",
        )
    return None


def route_error(status: int, method: str, path: str) -> RequestError:
    """OpenAI's answer to a URL it does not serve (404) or a method the URL does not take (405)."""
    shown = f"{method} {path[:200]}"
    if status == 405:
        return RequestError(405, f"Invalid method for URL ({shown})", code=None)
    if status == 404:
        return RequestError(404, f"Invalid URL ({shown})", code=None)
    return RequestError(status, f"Request refused ({shown})", code=None)
