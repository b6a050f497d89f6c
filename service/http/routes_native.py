"""The native API: /v1/extract, /v1/extract/batch, /healthz, /metrics."""

from __future__ import annotations

import time
from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from ..schema import DocumentRecord
from .api import (
    BatchRequest,
    BatchResponse,
    ExtractRequest,
    Health,
    HealthBrief,
    QueueHealth,
)
from .middleware import bearer_ok
from .problems import ErrorBody, Problem
from .state import engine_of, run_unless_disconnected, service_of

router = APIRouter(tags=["native"])


def declared(*statuses: int, model: type = ErrorBody) -> dict[int | str, dict[str, object]]:
    """OpenAPI entries for the errors a route really answers."""
    texts = {
        400: "Malformed JSON body or an unusable request",
        401: "Missing or wrong API key (when the service has one)",
        404: "Unknown model (task)",
        413: "Request body over --max-body, or a batch over the queue's capacity",
        415: "Content-Type is not application/json",
        422: "Invalid request: missing or empty text, too long, unknown option",
        429: "Queue full; retry after the Retry-After header's seconds",
        502: "The model endpoint failed or cannot be reached",
        503: "The service is shutting down",
        504: "The model did not answer within --timeout",
    }
    return {s: {"model": model, "description": texts[s]} for s in statuses}


EXTRACT_ERRORS = declared(400, 401, 413, 415, 422, 429, 502, 503, 504)


@router.post(
    "/v1/extract",
    response_model=DocumentRecord,
    responses=EXTRACT_ERRORS,
    summary="Extract the claims of one article",
)
async def extract(body: ExtractRequest, request: Request) -> DocumentRecord:
    """The document record: the gold format plus offsets, provenance and stats."""
    engine = engine_of(request)
    with engine.admit(1):
        return await run_unless_disconnected(
            request, engine.extract(body.text, body.doc_id or "doc", body.options)
        )


@router.post(
    "/v1/extract/batch",
    response_model=BatchResponse,
    responses=EXTRACT_ERRORS,
    summary="Extract the claims of several articles",
)
async def extract_batch(body: BatchRequest, request: Request) -> BatchResponse:
    """Records in request order; a document that fails is an ErrorRecord, the others go on."""
    engine = engine_of(request)
    if len(body.documents) > engine.config.max_batch:
        raise Problem(
            422,
            "invalid_request",
            f"batch has {len(body.documents)} documents, over the limit of "
            f"{engine.config.max_batch}; split it",
        )
    documents = [(d.doc_id or f"doc-{i}", d.text) for i, d in enumerate(body.documents)]
    with engine.admit(len(documents)):
        records = await run_unless_disconnected(
            request, engine.extract_batch(documents, body.options)
        )
    return BatchResponse(records=records)


@router.get(
    "/healthz",
    response_model=Health,
    responses={
        503: {
            "model": HealthBrief,
            "description": "Not ok (only a caller without the key, when the service has one)",
        }
    },
    summary="Service and upstream model status",
)
async def healthz(request: Request) -> Health | JSONResponse:
    """200 with the detail while the service runs; `status` says whether the model answers.

    With an API key, a caller without it learns only ok or not: `{"ok": true}` with
    200, `{"ok": false}` with 503. The upstream's address and its error text are
    for the service's own clients, not for whoever can reach the port.
    """
    health = await _health(request)
    key = engine_of(request).config.api_key
    if key and not bearer_ok(request.headers.get("authorization", "").encode(), key.encode()):
        ok = health.status == "ok"
        return JSONResponse(HealthBrief(ok=ok).model_dump(), status_code=200 if ok else 503)
    return health


async def _health(request: Request) -> Health:
    engine = engine_of(request)
    upstream = await engine.upstream_health()
    gate = engine.gate
    return Health(
        status="ok" if upstream.status in ("ok", "not_started", "starting") else "degraded",
        version=_version(),
        uptime_s=round(time.monotonic() - service_of(request).started, 3),
        queue=QueueHealth(
            running=gate.running, waiting=gate.waiting, slots=gate.slots, capacity=gate.capacity
        ),
        upstream=upstream,
        upstreams=engine.upstream_states(),
    )


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        **declared(401),
    },
    summary="Prometheus metrics",
)
async def metrics(request: Request) -> PlainTextResponse:
    """Requests, latency, errors by kind, cache hits and upstream tokens, in text format."""
    return PlainTextResponse(
        service_of(request).metrics.render(),
        media_type="text/plain; version=0.0.4; charset=utf-8",
    )


def _version() -> str:
    try:
        return version("claimtrace")
    except PackageNotFoundError:
        return "unknown"
