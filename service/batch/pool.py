"""A pool of OpenAI-compatible endpoints: capacity, health checks, failover, rejoin.

Each endpoint gets its own `Extractor` and takes as many documents at a time
as it has slots (llama.cpp's `/props` `total_slots`; else REMOTE_PARALLEL, as
`extract` assumes; `--concurrency` overrides). A document that ends in an error
record makes the pool ask its endpoint's health (`GET /models`): when the
endpoint does not answer, the failure was the endpoint's, not the document's,
so the endpoint is taken out and the document goes to another one; the
endpoint is asked again every `recheck_s` and rejoins once it answers. When
every endpoint is down, documents wait up to `down_timeout_s`, then fail.

`bound` pools (one per Ray actor) send work to their first endpoint only while
it is healthy, so each actor is bound to one endpoint and fails over only when
it is down; unbound pools (the local engine) spread work over the least loaded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import httpx

from ..extractor import Extractor
from ..llm import server
from ..llm.endpoint import REMOTE_PARALLEL
from ..load import Loaded
from ..schema import DocumentRecord, ErrorRecord
from .options import RULES_IN_FLIGHT, BatchOptions

Record = DocumentRecord | ErrorRecord
HEALTH_TIMEOUT_S = 3.0


class Member:
    """One endpoint of the pool (url None: the environment's endpoint, or no model at all)."""

    def __init__(self, url: str | None, capacity: int, extractor: Extractor) -> None:
        self.url = url
        self.capacity = capacity
        self.extractor = extractor
        self.healthy = True
        self.in_flight = 0
        self.done = 0
        self.outages = 0

    @property
    def load(self) -> float:
        return self.in_flight / self.capacity


def capacity_of(url: str | None, options: BatchOptions) -> int:
    """Documents an endpoint takes at a time: --concurrency, its slots, or REMOTE_PARALLEL."""
    if options.concurrency:
        return options.concurrency
    if url is None:
        return RULES_IN_FLIGHT
    slots = server.props(url).get("total_slots")
    return slots if isinstance(slots, int) and slots > 0 else REMOTE_PARALLEL


def members(urls: Sequence[str], options: BatchOptions) -> list[Member]:
    """The pool's members; `rules` needs no endpoint and gets one model-less member."""
    if not options.needs_model or not urls:
        capacity = capacity_of(None, options)
        return [Member(None, capacity, options.extractor(None, options.concurrency))]
    found = []
    for url in urls:
        capacity = capacity_of(url, options)
        found.append(Member(url, capacity, options.extractor(url, capacity)))
    return found


class Pool:
    """Runs documents on the pool's endpoints, moving them off endpoints that fail."""

    def __init__(self, members: list[Member], options: BatchOptions, bound: bool = False) -> None:
        self.members = members
        self.options = options
        self.bound = bound
        self.max_moves = len(members) + 1  # an endpoint failure moves a document this often
        self._changed = asyncio.Condition()
        self._rejoin: dict[int, asyncio.Task[None]] = {}
        self._http: httpx.AsyncClient | None = None

    @property
    def capacity(self) -> int:
        return sum(m.capacity for m in self.members)

    async def start(self) -> None:
        """Ask every endpoint once; those down wait for their rejoin."""
        for member in self.members:
            if member.url is not None and not await self.healthy(member.url):
                await self._take_out(member)

    async def run(self, document: Loaded) -> Record:
        """One document to its record, on a healthy endpoint; moved when the endpoint fails."""
        record: Record = ErrorRecord(doc_id=document.doc_id, error="not run")
        for _ in range(self.max_moves + 1):
            member = await self._acquire()
            if member is None:
                urls = ", ".join(m.url or "default" for m in self.members)
                return ErrorRecord(
                    doc_id=document.doc_id,
                    error=f"{document.doc_id}: no endpoint of the pool answered for "
                    f"{self.options.down_timeout_s:g} s ({urls})",
                )
            try:
                record = (await member.extractor.aextract_many([document]))[0]
            finally:
                await self._release(member)
            if (
                isinstance(record, ErrorRecord)
                and member.url is not None
                and not await self.healthy(member.url)
            ):
                await self._take_out(member)
                continue  # the endpoint failed, not the document: run it elsewhere
            member.done += 1
            return record
        return record

    async def close(self) -> None:
        """Stop the rejoin checks and close this loop's HTTP clients."""
        for task in self._rejoin.values():
            task.cancel()
        for task in self._rejoin.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._rejoin.clear()
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        for member in self.members:
            await close_callers(member.extractor)

    async def healthy(self, url: str) -> bool:
        """Whether the endpoint answers `GET /models` at all (any status below 500)."""
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=HEALTH_TIMEOUT_S)
        try:
            response = await self._http.get(f"{url.rstrip('/')}/models")
        except httpx.HTTPError:
            return False
        return response.status_code < 500

    # --- bookkeeping --------------------------------------------------------------

    def _eligible(self) -> list[Member]:
        healthy = [m for m in self.members if m.healthy]
        if self.bound and healthy and healthy[0] is self.members[0]:
            return healthy[:1]  # bound to its own endpoint while that one is up
        return healthy

    async def _acquire(self) -> Member | None:
        """A healthy member with room, waiting for one; None when all stayed down too long."""
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        async with self._changed:
            while True:
                eligible = self._eligible()
                free = [m for m in eligible if m.in_flight < m.capacity]
                if free:
                    member = min(free, key=lambda m: m.load)
                    member.in_flight += 1
                    return member
                if eligible:
                    deadline = None
                elif deadline is None:
                    deadline = loop.time() + self.options.down_timeout_s
                elif loop.time() >= deadline:
                    return None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=1.0)

    async def _release(self, member: Member) -> None:
        async with self._changed:
            member.in_flight -= 1
            self._changed.notify_all()

    async def _take_out(self, member: Member) -> None:
        """Mark the endpoint down (once) and start asking it to come back."""
        async with self._changed:
            if not member.healthy:
                return
            member.healthy = False
            member.outages += 1
            self._changed.notify_all()
        index = self.members.index(member)
        self._rejoin[index] = asyncio.create_task(self._wait_for(member))

    async def _wait_for(self, member: Member) -> None:
        assert member.url is not None
        while not await self.healthy(member.url):
            await asyncio.sleep(self.options.recheck_s)
        async with self._changed:
            member.healthy = True
            self._changed.notify_all()


async def close_callers(extractor: Extractor) -> None:
    """Close the model clients `extractor` made on this loop.

    `Extractor.extract_many` does this itself on the loop it owns; the batch
    engines keep one loop for many documents and call `aextract_many`, so they
    close the clients when their loop's work ends.
    """
    callers = extractor._callers.pop(asyncio.get_running_loop(), {})
    for caller in callers.values():
        await caller.aclose()
