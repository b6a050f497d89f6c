"""What shapes the service, apart from the extractor it wraps."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BODY = 1 << 20  # 1 MiB
DEFAULT_QUEUE = 16
DEFAULT_CONCURRENCY = 2  # the local llama-server's slots
DEFAULT_TIMEOUT_S = 600.0


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
