"""Build the FastAPI app: state, middleware, error handlers and routes.

The app owns a `Service` (engine, metrics); its lifespan resolves a remote
endpoint at start when asked to (a local llama-server starts on demand
instead), and on shutdown gives in-flight extractions a moment, then cancels
them. With a pool of upstreams, every member is resolved, shares the app's
upstream client, and the pool's health checks stop on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from typing import Any

import openai
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ClaimtraceError
from ..extractor import Extractor
from ..pool import Pool
from . import openapi
from .engine import Engine
from .gate import BeyondCapacity, Overloaded
from .metrics import Metrics
from .middleware import AuthMiddleware, BodyGateMiddleware, MetricsMiddleware
from .problems import Problem, error_response, problem_from
from .routes_ledger import router as ledger_router
from .routes_native import router as native_router
from .routes_openai import router as openai_router
from .settings import ServiceConfig
from .state import ClientGone, Service

log = logging.getLogger("claimtrace.http")


def create_app(
    extractor: Extractor, config: ServiceConfig | None = None, pool: Pool | None = None
) -> FastAPI:
    """The service app around `extractor` (its endpoint, cache and settings).

    With `pool` (`upstreams.upstream_pool`), documents run on the pool's
    members; `extractor` (one of them) is still what requests are checked against.
    """
    config = config or ServiceConfig()
    metrics = Metrics()
    engine = Engine(extractor, config, metrics, pool)
    service = Service(engine=engine, metrics=metrics)
    gate = engine.gate
    metrics.gauge(
        "claimtrace_queue_running", "Documents holding a model slot.", lambda: gate.running
    )
    metrics.gauge("claimtrace_queue_waiting", "Documents waiting for a slot.", lambda: gate.waiting)
    metrics.gauge(
        "claimtrace_queue_capacity", "Running plus waiting places.", lambda: gate.capacity
    )
    if pool is not None:
        _pool_gauges(metrics, pool)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # One pooled upstream client for the app's life: building one per document (what the
        # extractor does when given none) costs more than answering from the cache.
        given = [e for e in engine.extractors if e.http_client is None]
        shared = openai.DefaultAsyncHttpxClient() if given else None
        for each in given:
            each.http_client = shared
        if config.resolve_at_startup:
            for each in engine.extractors:
                warm = asyncio.ensure_future(each.readiness.aendpoint())
                warm.add_done_callback(_log_resolution)
        engine.open()
        try:
            yield
        finally:
            await engine.drain(grace_s=1.0)  # uvicorn has drained by now; this is the backstop
            await engine.close()
            for each in given:
                each.http_client = None
            if shared is not None:
                await shared.aclose()

    app = FastAPI(
        title="claimtrace",
        summary="Grounded claims, attributions and casualty figures from news articles.",
        version=_version(),
        lifespan=lifespan,
        docs_url=None,  # served from packaged assets by openapi.install_docs, not a CDN
        redoc_url=None,  # ReDoc loads from a CDN; there is no packaged copy
    )
    app.state.service = service
    app.include_router(native_router)
    app.include_router(openai_router)
    app.include_router(ledger_router)
    openapi.install_docs(app)
    _install_handlers(app, metrics)
    # Added innermost first: metrics see everything, auth runs before the body is read.
    app.add_middleware(BodyGateMiddleware, max_body=config.max_body, metrics=metrics)
    if config.api_key:
        app.add_middleware(AuthMiddleware, api_key=config.api_key, metrics=metrics)
    # Every route the app serves, its own docs and schema pages included, so a
    # request is counted under its route template ("unmatched" only for a 404).
    own = [r for r in app.router.routes if isinstance(getattr(r, "path", None), str)]
    routes = [*own, *native_router.routes, *openai_router.routes]
    app.add_middleware(MetricsMiddleware, metrics=metrics, routes=routes)
    openapi.install(app, bearer=bool(config.api_key))
    return app


def _install_handlers(app: FastAPI, metrics: Metrics) -> None:
    def answer(request: Request, problem: Problem) -> JSONResponse:
        return error_response(problem, request.url.path, metrics)

    @app.exception_handler(Problem)
    async def on_problem(request: Request, error: Problem) -> JSONResponse:
        return answer(request, error)

    @app.exception_handler(ClaimtraceError)
    async def on_claimtrace(request: Request, error: ClaimtraceError) -> JSONResponse:
        return answer(request, problem_from(error))

    @app.exception_handler(Overloaded)
    async def on_overloaded(request: Request, error: Overloaded) -> JSONResponse:
        return answer(request, problem_from(error))

    @app.exception_handler(BeyondCapacity)
    async def on_beyond(request: Request, error: BeyondCapacity) -> JSONResponse:
        return answer(request, problem_from(error))

    @app.exception_handler(ClientGone)
    async def on_gone(request: Request, error: ClientGone) -> JSONResponse:
        return answer(request, Problem(499, "client_closed", str(error)))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return answer(request, _validation_problem(error))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        kinds = {400: "invalid_json", 404: "not_found", 405: "method_not_allowed"}
        detail = error.detail if isinstance(error.detail, str) else "HTTP error"
        if error.status_code == 400:  # FastAPI's answer to a body it cannot decode
            detail = f"malformed JSON body: {detail.lower()} (is it UTF-8?)"
        if error.status_code == 404:
            detail = f"no route {request.method} {request.url.path}"
        problem = Problem(error.status_code, kinds.get(error.status_code, "http_error"), detail)
        problem.headers.update(error.headers or {})
        return answer(request, problem)

    @app.exception_handler(Exception)
    async def on_bug(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return answer(request, problem_from(error))


def _validation_problem(error: RequestValidationError) -> Problem:
    """One line from pydantic's list: the first error, where it is, and how many more."""
    errors = list(error.errors())
    if not errors:
        return Problem(422, "invalid_request", "invalid request")
    first = errors[0]
    if first.get("type") == "json_invalid":
        reason = (first.get("ctx") or {}).get("error", "JSON decode error")
        where = first.get("loc", ("body", 0))[-1]
        return Problem(400, "invalid_json", f"malformed JSON body: {reason} at character {where}")
    loc = [str(p) for p in first.get("loc", ()) if p != "body"]
    where = ".".join(loc) or "body"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return Problem(
        422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}{more}", param=where
    )


def _pool_gauges(metrics: Metrics, pool: Pool) -> None:
    """Per-upstream gauges, labelled by URL."""
    for name, attribute, help_text in (
        ("claimtrace_upstream_healthy", "healthy", "1 while the upstream is in rotation."),
        ("claimtrace_upstream_in_flight", "in_flight", "Documents on the upstream."),
        ("claimtrace_upstream_capacity", "capacity", "Documents the upstream takes at once."),
    ):
        metrics.labelled_gauge(name, help_text, functools.partial(_per_upstream, pool, attribute))


def _per_upstream(pool: Pool, attribute: str) -> list[tuple[dict[str, str], float]]:
    return [({"url": m.url or "default"}, float(getattr(m, attribute))) for m in pool.members]


def _log_resolution(future: asyncio.Future[Any]) -> None:
    if not future.cancelled() and (error := future.exception()) is not None:
        log.error("model endpoint not ready: %s (retried on the next request)", error)


def _version() -> str:
    from .routes_native import _version as version

    return version()
