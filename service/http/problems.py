"""Every failure as one status, one kind and one line of JSON, in the caller's dialect.

Native routes answer `{"error": "...", "kind": "..."}`; the OpenAI-compatible
routes answer OpenAI's `{"error": {"message", "type", "param", "code"}}` so its
SDKs raise their usual exceptions. Each error is counted by kind in the
metrics as it is built, wherever it comes from (middleware, handler or route).
"""

from __future__ import annotations

import openai
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..errors import BackendError, ClaimtraceError, InputError
from .gate import BeyondCapacity, Overloaded
from .metrics import Metrics


class ErrorBody(BaseModel):
    """A native error: one line saying what went wrong, and a stable kind to branch on."""

    error: str
    kind: str


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class OpenAIErrorBody(BaseModel):
    """An error in OpenAI's shape, for the OpenAI-compatible routes."""

    error: OpenAIErrorDetail


class UpstreamTimeout(BackendError):
    """The model did not answer within the service's deadline."""


class ShuttingDown(BackendError):
    """In-flight work cancelled because the service is stopping."""


class Problem(Exception):
    """An HTTP error on its way out: status, kind, one-line message, extra headers."""

    def __init__(
        self,
        status: int,
        kind: str,
        message: str,
        headers: dict[str, str] | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = one_line(message)
        self.headers = headers or {}
        self.param = param


def one_line(message: str, limit: int = 500) -> str:
    line = " ".join(str(message).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _timed_out(error: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, UpstreamTimeout | openai.APITimeoutError | TimeoutError):
            return True
        current = current.__cause__ or current.__context__
    return False


def problem_from(error: BaseException) -> Problem:
    """The HTTP meaning of a claimtrace failure."""
    if isinstance(error, Problem):
        return error
    if isinstance(error, Overloaded):
        return Problem(
            429, "overloaded", str(error), headers={"Retry-After": str(error.retry_after)}
        )
    if isinstance(error, BeyondCapacity):
        return Problem(413, "batch_too_large", str(error))
    if isinstance(error, ShuttingDown):
        return Problem(503, "shutting_down", str(error), headers={"Retry-After": "5"})
    if isinstance(error, InputError):
        return Problem(422, "invalid_request", str(error))
    if isinstance(error, BackendError | TimeoutError):
        if _timed_out(error):
            return Problem(504, "timeout", str(error) or "the model did not answer in time")
        return Problem(502, "upstream", str(error))
    if isinstance(error, ClaimtraceError):
        return Problem(500, "internal", str(error))
    return Problem(500, "internal", "internal error; see the service log")


def openai_face(path: str) -> bool:
    """Routes that speak OpenAI's dialect (errors included): /v1/* except the native ones."""
    return path.startswith("/v1/") and not path.startswith("/v1/extract")


_OPENAI_TYPES = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}


def error_payload(
    problem: Problem, path: str, metrics: Metrics | None
) -> tuple[int, dict[str, object]]:
    """Status and body of the JSON error in `path`'s dialect; counted under its kind."""
    if metrics is not None:
        metrics.count_error(problem.kind)
    if not openai_face(path):
        return problem.status, ErrorBody(error=problem.message, kind=problem.kind).model_dump()
    # OpenAI answers a malformed request with 400, never 422.
    status = 400 if problem.status == 422 else problem.status
    kind = _OPENAI_TYPES.get(status) or (
        "server_error" if status >= 500 else "invalid_request_error"
    )
    detail = OpenAIErrorDetail(
        message=problem.message, type=kind, param=problem.param, code=problem.kind
    )
    return status, OpenAIErrorBody(error=detail).model_dump()


def error_response(problem: Problem, path: str, metrics: Metrics | None) -> JSONResponse:
    """The JSON error response for `path`'s dialect."""
    status, payload = error_payload(problem, path, metrics)
    return JSONResponse(payload, status_code=status, headers=dict(problem.headers))
