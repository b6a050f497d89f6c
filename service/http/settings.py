"""What shapes the service, apart from the extractor it wraps."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BODY = 1 << 20  # 1 MiB
DEFAULT_QUEUE = 16
DEFAULT_CONCURRENCY = 2  # the local llama-server's slots
DEFAULT_TIMEOUT_S = 600.0
DEFAULT_MAX_CONNECTIONS = 100
DEFAULT_KEEP_ALIVE_S = 5
DEFAULT_HEADER_TIMEOUT_S = 10.0
DEFAULT_MAX_HEADER_BYTES = 16 * 1024  # h11's own default, made explicit
UPSTREAM_RECHECK_S = 5.0  # how often a down upstream of the pool is asked whether it is back
# How long a document waits while every upstream of the pool is down, then 502: a client
# is better served by an error it can retry than by holding its request for minutes.
UPSTREAM_DOWN_WAIT_S = 30.0


@dataclass(frozen=True)
class ServiceConfig:
    """Limits and switches of one service instance (the CLI fills it from flags)."""

    api_key: str | None = None  # clients must send `Authorization: Bearer <api_key>`
    max_body: int = DEFAULT_MAX_BODY  # bytes; larger request bodies get 413
    concurrency: int = DEFAULT_CONCURRENCY  # documents holding a model slot at once
    queue: int = DEFAULT_QUEUE  # documents that may wait for a slot; beyond that, 429
    timeout_s: float = DEFAULT_TIMEOUT_S  # longest a document may hold a slot; then 504
    max_batch: int = 64  # documents in one batch request
    resolve_at_startup: bool = (
        False  # reach a remote endpoint at once (the local one starts on demand)
    )
    upstream_base_url: str | None = None  # what /healthz reports before the endpoint is resolved
    health_timeout_s: float = 3.0
    keepalive_s: float = 5.0  # SSE comment interval while a streamed answer is computed


@dataclass(frozen=True)
class ServerLimits:
    """What one client may hold of the server, whatever it sends (`limits` enforces them)."""

    max_connections: int = DEFAULT_MAX_CONNECTIONS  # beyond, new requests get 503
    keep_alive_s: int = DEFAULT_KEEP_ALIVE_S  # an idle connection's life between requests
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S  # for a request's headers to arrive
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES  # of a head not yet complete; beyond, 400
