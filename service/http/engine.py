"""What the routes call to extract: admission, the endpoint, deadlines and per-request options.

One `Extractor` (its cache and endpoint) serves every request; a request's
options run on a shallow copy of it, so nothing is rebuilt per request. The
endpoint is resolved in a worker thread, once, shared by every waiting
request: resolving may start the local llama-server, which takes a while and
blocks, and the event loop must keep answering /healthz and 429s meanwhile.
With a pool of upstreams (`upstreams`), each document runs on one member's
extractor instead, resolved the same way, and moves when its upstream dies.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import ssl
import time
from collections.abc import Coroutine
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from .. import events, parse
from ..errors import ClaimtraceError, InputError
from ..events import Listener
from ..extractor import Extractor, Strategy
from ..load import check_text
from ..pool import Member, Pool
from ..schema import DocumentRecord, ErrorRecord
from .gate import Gate, Ticket
from .metrics import Metrics
from .problems import ShuttingDown, UpstreamTimeout, problem_from
from .settings import ServiceConfig
from .upstreams import (
    Relay,
    UpstreamHealth,
    UpstreamState,
    UpstreamStatus,
    pool_health,
    states,
)

log = logging.getLogger("claimtrace.http")
Record = DocumentRecord | ErrorRecord


@functools.cache
def _parser_loaded() -> None:
    """Load the parser once, then exempt what is alive from the cyclic collector.

    The service's modules and the parser are some 200,000 objects that live as
    long as it does; a full collection walks them all, holding the GIL for about
    100 ms, and a long article's parse triggers several: the event loop stalled.
    """
    parse.pipeline()
    gc.collect()
    gc.freeze()


@functools.cache
def _tls() -> ssl.SSLContext:
    """httpx's default TLS context, built once: each build costs ~20 ms of event-loop CPU."""
    return httpx.create_ssl_context()


class ExtractOptions(BaseModel):
    """Per-request extraction settings (the rest are the service's)."""

    model_config = ConfigDict(extra="forbid")
    passes: int = Field(
        default=1, ge=1, le=3, description="Extraction passes; 2 adds a recall pass."
    )
    keep_ungrounded: bool = Field(
        default=False, description="Keep claims whose quote is not found, as grounding 'none'."
    )
    cache: bool = Field(default=True, description="Read and write the response cache.")
    strategy: Strategy | None = Field(
        default=None,
        description="parse, rules, sentence or article (default: the service's).",
    )


class Engine:
    """Runs documents through the extractor within the service's limits."""

    def __init__(
        self,
        extractor: Extractor,
        config: ServiceConfig,
        metrics: Metrics,
        pool: Pool | None = None,
    ) -> None:
        self.extractor = extractor  # with a pool: what requests are checked against
        self.config = config
        self.metrics = metrics
        self.pool = pool
        self.gate = Gate(config.concurrency, config.queue)
        self._inflight: set[asyncio.Task[DocumentRecord]] = set()
        self._starting: asyncio.Task[None] | None = None
        self.draining = False

    # --- the pool's life ----------------------------------------------------------

    def open(self) -> None:
        """Ask a pool's upstreams once, in the background: those down wait for their rejoin."""
        if self.pool is not None:
            self._starting = asyncio.ensure_future(self.pool.start())

    async def close(self) -> None:
        """Stop the pool's checks and close its members' model clients (after `drain`)."""
        if self._starting is not None:
            self._starting.cancel()
            await asyncio.wait({self._starting})
            self._starting = None
        if self.pool is not None:
            await self.pool.close()

    # --- admission and the endpoint -------------------------------------------

    def admit(self, documents: int = 1) -> Ticket:
        """Places for a request's documents, or Overloaded (-> 429) at once."""
        if self.draining:
            raise ShuttingDown("the service is shutting down; retry on another instance")
        return self.gate.reserve(documents)

    @property
    def extractors(self) -> list[Extractor]:
        """The extractors that run documents: the pool's members', or the one."""
        if self.pool is None:
            return [self.extractor]
        return [m.extractor for m in self.pool.members]

    def upstream_states(self) -> list[UpstreamState] | None:
        """Each upstream of the pool (None without one)."""
        return None if self.pool is None else states(self.pool)

    async def upstream_health(self) -> UpstreamHealth:
        """Whether the model endpoint answers, without starting anything."""
        if self.pool is not None:
            return await pool_health(self.pool)
        readiness = self.extractor.readiness
        endpoint = readiness.resolved
        if endpoint is None:
            if readiness.state == "error":
                status: UpstreamStatus = "error"
                detail = readiness.error or ""
            elif readiness.state == "starting":
                status, detail = "starting", "connecting (a local llama-server may be starting)"
            else:
                status, detail = "not_started", "the endpoint is resolved by the first extraction"
            return UpstreamHealth(
                status=status, base_url=self.config.upstream_base_url, detail=detail
            )
        health = UpstreamHealth(status="ok", base_url=endpoint.base_url, model=endpoint.model)
        try:
            async with httpx.AsyncClient(
                timeout=self.config.health_timeout_s, verify=_tls()
            ) as client:
                response = await client.get(
                    f"{endpoint.base_url}/models",
                    headers={"Authorization": f"Bearer {endpoint.api_key}"},
                )
        except httpx.HTTPError as error:
            health.status, health.detail = "unreachable", f"{type(error).__name__}: {error}"
            return health
        if response.status_code != 200:
            health.status, health.detail = "error", f"GET /models answered {response.status_code}"
        return health

    # --- extraction -------------------------------------------------------------

    async def extract(
        self,
        text: str,
        doc_id: str,
        options: ExtractOptions,
        listener: Listener = events.ignore,
    ) -> DocumentRecord:
        """One document (its ticket already reserved): a record, or InputError/BackendError.

        `listener` hears the extraction's events (a stream sends claims as they are final).
        """
        try:
            record = await self._extract(text, doc_id, options, listener)
        except ClaimtraceError:
            self.metrics.documents["error"] += 1
            raise
        self.metrics.observe_record(record)
        return record

    async def _extract(
        self, text: str, doc_id: str, options: ExtractOptions, listener: Listener
    ) -> DocumentRecord:
        problem = check_text(doc_id, text, self.extractor.max_chars)
        if problem:
            raise InputError(problem)
        async with self.gate.slot():
            if self.draining:  # queued while the service began to stop
                raise ShuttingDown(f"{doc_id}: not started, the service is shutting down")
            task = asyncio.ensure_future(await self._work(text, doc_id, options, listener))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.config.timeout_s):
                    return await task
            except TimeoutError as error:
                raise UpstreamTimeout(
                    f"{doc_id}: no answer within {self.config.timeout_s:g}s "
                    f"(waited {time.monotonic() - started:.0f}s)"
                ) from error
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise  # this request itself was cancelled (client gone, server stopping)
                raise ShuttingDown(f"{doc_id}: cancelled, the service is shutting down") from None

    async def extract_batch(
        self, documents: list[tuple[str, str]], options: ExtractOptions
    ) -> list[Record]:
        """Many documents, concurrently within the gate; a failure is that document's record."""

        async def one(doc_id: str, text: str) -> Record:
            try:
                return await self.extract(text, doc_id, options)
            except ClaimtraceError as error:
                self.metrics.count_error(problem_from(error).kind)
                return ErrorRecord(doc_id=doc_id, error=str(error))
            except Exception as error:  # a bug on one document must not cost the batch
                log.exception("document %s failed", doc_id)
                self.metrics.documents["error"] += 1
                self.metrics.count_error("internal")
                return ErrorRecord(doc_id=doc_id, error=problem_from(error).message)

        return list(await asyncio.gather(*(one(d, t) for d, t in documents)))

    async def _work(
        self, text: str, doc_id: str, options: ExtractOptions, listener: Listener
    ) -> Coroutine[Any, Any, DocumentRecord]:
        """The document's extraction, to run under the deadline.

        One endpoint is resolved first (it may be the local server starting,
        which the deadline must not count); a pool's member is resolved within
        its try, so that an upstream down at that point fails over too.
        """
        strategy = options.strategy or self.extractor.strategy
        if self.pool is None or strategy == "rules":  # rules asks no model: no upstream's slot
            extractor = await _for_request(self.extractor, options)
            await _warm_parser(extractor.strategy)
            return extractor.aextract(text, doc_id, listener)
        await _warm_parser(strategy)
        relay = Relay(listener)
        attempt = functools.partial(_on_member, text, doc_id, options, relay)
        return self.pool.dispatch(attempt, doc_id, relay.movable)

    async def drain(self, grace_s: float | None) -> None:
        """Stop admitting, give in-flight extractions `grace_s`, then cancel what is left.

        Cancelled documents answer 503 (in-stream for SSE), so their clients
        get a JSON error rather than a dropped connection.
        """
        self.draining = True
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=grace_s)
        for task in list(self._inflight):
            task.cancel()
        if self._inflight:
            await asyncio.wait(set(self._inflight), timeout=5.0)


async def _for_request(extractor: Extractor, options: ExtractOptions) -> Extractor:
    """`extractor`, its endpoint resolved, with the request's options (a copy if any differ).

    `rules` asks no model, so its requests neither wait for nor fail on the endpoint.
    """
    if (options.strategy or extractor.strategy) != "rules":
        await extractor.readiness.aendpoint()
    if options == ExtractOptions():
        return extractor
    return extractor.variant(
        passes=options.passes,
        keep_ungrounded=options.keep_ungrounded,
        cache=options.cache,
        strategy=options.strategy,
    )


async def _warm_parser(strategy: Strategy) -> None:
    if strategy in ("rules", "parse"):
        await asyncio.to_thread(_parser_loaded)


async def _on_member(
    text: str, doc_id: str, options: ExtractOptions, listener: Listener, member: Member
) -> DocumentRecord:
    """One try of a document on a member of the pool."""
    extractor = await _for_request(member.extractor, options)
    return await extractor.aextract(text, doc_id, listener)
