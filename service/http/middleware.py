"""Pure ASGI middleware: metrics around everything, then auth, then the body gate.

Pure ASGI rather than `BaseHTTPMiddleware`, so streamed responses pass
through untouched and a refused request is answered before its body is read.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Sequence
from email.message import Message

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from .metrics import Metrics
from .problems import Problem, error_response
from .surrogates import lone_surrogate

OPEN_PATHS = frozenset({"/healthz"})  # probes carry no token (and get no detail: the route)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class MetricsMiddleware:
    """Counts every request by route template and status, and times it to its last byte."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = 500  # what the client sees if the app dies before answering

        async def timed_send(message: AsgiMessage) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            route = getattr(scope.get("route"), "path", None) or self._template(scope)
            self.metrics.observe_request(route, scope["method"], status, time.monotonic() - started)

    def _template(self, scope: Scope) -> str:
        """The route a request refused before routing (401, 413, 415) was meant for."""
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return str(getattr(route, "path", "unmatched"))
        return "unmatched"


class AuthMiddleware:
    """Requires `Authorization: Bearer <key>`, compared in constant time."""

    def __init__(self, app: ASGIApp, api_key: str, metrics: Metrics) -> None:
        self.app = app
        self.key = api_key.encode()
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if bearer_ok(_header(scope, b"authorization"), self.key):
            await self.app(scope, receive, send)
            return
        problem = Problem(
            401,
            "unauthorized",
            "missing or wrong API key: send 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
        await error_response(problem, scope["path"], self.metrics)(scope, receive, send)


def bearer_ok(header: bytes, key: bytes) -> bool:
    """Whether an Authorization header carries `Bearer <key>` (constant-time compare)."""
    scheme, _, token = header.partition(b" ")
    return scheme.lower() == b"bearer" and hmac.compare_digest(token.strip(), key)


class BodyGateMiddleware:
    """Refuses non-JSON bodies (415), bodies over `max_body` bytes (413), and text that
    is not Unicode (a lone surrogate escape, 400: no model client could send it on).

    Content-Length is checked first; the body is then read (it is small by
    construction) and counted as it streams in, so a chunked or lying client
    is caught too, and the app is handed the body already read.
    """

    def __init__(self, app: ASGIApp, max_body: int, metrics: Metrics) -> None:
        self.app = app
        self.max_body = max_body
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        content_type = _header(scope, b"content-type").decode("latin-1")
        if not _is_json(content_type):
            got = f"got {content_type!r}" if content_type else "none was sent"
            problem = Problem(
                415, "unsupported_media_type", f"Content-Type must be application/json; {got}"
            )
            await error_response(problem, path, self.metrics)(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left; nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if (refusal := _not_unicode(body)) is not None:
            await error_response(refusal, path, self.metrics)(scope, receive, send)
            return
        replayed = False

        async def replay() -> AsgiMessage:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the client to disconnect

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = Problem(
            413,
            "too_large",
            f"request body over the limit of {self.max_body:,} bytes (the server's --max-body)",
        )
        response = error_response(problem, scope["path"], self.metrics)
        response.headers["Connection"] = "close"  # the rest of the body is not read
        await response(scope, receive, send)


def _not_unicode(body: bytes) -> Problem | None:
    """A 400 for a body whose text holds a lone surrogate, naming the field."""
    where = lone_surrogate(body)
    if where is None:
        return None
    return Problem(
        400,
        "invalid_text",
        f"{where}: holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape), "
        "which is not valid Unicode; send the text as UTF-8",
        param=where,
    )


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value)
    return b""


def _is_json(content_type: str) -> bool:
    if not content_type:
        return False
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )
