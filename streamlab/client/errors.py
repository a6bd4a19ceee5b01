"""Plain-language explanations of what can go wrong while streaming.

The UI shows these instead of tracebacks; keeping them UI-free lets tests check every
message and lets the lab store them with failed trials.
"""

from __future__ import annotations

import openai

__all__ = ["BROKEN_STREAM", "explain_error"]


def _retry_after(exc: openai.APIStatusError) -> str:
    value = exc.response.headers.get("retry-after") if exc.response is not None else None
    return f" The server asks to retry after {value} s." if value else ""


BROKEN_STREAM = (
    "The connection broke while the answer was streaming. "
    "What arrived is kept above, but it is incomplete."
)


def explain_error(exc: BaseException, *, partial: bool = False) -> str:
    """One or two sentences: what happened and what to do about it.

    `partial`: some output had already arrived, so a connection error means a stream that
    broke mid-way rather than a server that could not be reached.
    """
    if isinstance(exc, openai.AuthenticationError):
        return "The provider rejected the API key (HTTP 401). Check the key in the sidebar."
    if isinstance(exc, openai.PermissionDeniedError):
        return "The API key has no access to this model (HTTP 403). Pick another model or key."
    if isinstance(exc, openai.NotFoundError):
        return "The provider does not know this model (HTTP 404). Check the model name in the sidebar."
    if isinstance(exc, openai.RateLimitError):
        return "Rate limit reached (HTTP 429)." + _retry_after(exc) + " Wait a moment and run again."
    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        detail = exc.body.get("message") if isinstance(exc.body, dict) else None
        return f"The provider refused the request (HTTP {exc.status_code}): {detail or exc.message}"
    if isinstance(exc, openai.InternalServerError):
        return f"The provider had an internal error (HTTP {exc.status_code}). Try again."
    if isinstance(exc, openai.APITimeoutError):
        return "The provider did not answer in time. Check that it is running, or raise the timeout."
    if isinstance(exc, openai.APIConnectionError) and partial:
        return BROKEN_STREAM
    if isinstance(exc, openai.APIConnectionError):
        return "Cannot connect to the provider. Check the base URL and that the server is running."
    if isinstance(exc, openai.APIError):
        return BROKEN_STREAM
    return f"The run failed: {type(exc).__name__}: {exc}"
