"""A pool of OpenAI-compatible endpoints: capacity, health checks, failover, rejoin.

One pool serves `claimtrace batch` (`batch.pool`: a document to its record)
and `claimtrace serve --upstream` (`http.upstreams`: a request's document).
Each member is one endpoint with its own `Extractor` and takes as many
documents at a time as it has slots. A try that fails makes the pool ask its
endpoint's health (`GET /models`): when the endpoint does not answer, the
failure was the endpoint's, not the document's, so the endpoint is taken out
and the document goes to another one (if the caller says it may still move);
the endpoint is asked again every `recheck_s` and rejoins once it answers.
When every endpoint is down, documents wait up to `down_timeout_s`, then fail.

`bound` pools (one per Ray actor) send work to their first endpoint only while
it is healthy, so each actor is bound to one endpoint and fails over only when
it is down; unbound pools spread work over the least loaded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import httpx

from .errors import BackendError, ClaimtraceError, InputError
from .extractor import Extractor
from .llm import server
from .llm.endpoint import REMOTE_PARALLEL

T = TypeVar("T")
HEALTH_TIMEOUT_S = 3.0


def pool_urls(given: Sequence[str], path: Path | None, flag: str) -> list[str]:
    """The URLs named by a repeated flag, then those of a file (a URL a line, `#` comments).

    Trailing slashes go and repeats are dropped; anything but an http(s) URL is
    refused in one line naming the flag, or the file and line; a file without
    a URL is refused too, rather than falling back to some default endpoint.
    """
    urls = [_url(u.strip(), flag) for u in given]
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            why = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise InputError(f"{path}: cannot read ({why})") from error
        listed = [
            _url(text, f"{path}:{number}:")
            for number, line in enumerate(lines, 1)
            if (text := line.split("#", 1)[0].strip())
        ]
        if not listed:
            raise InputError(f"{path}: no URL in it (one a line; # starts a comment)")
        urls += listed
    return list(dict.fromkeys(urls))


def _url(text: str, where: str) -> str:
    if not text.startswith(("http://", "https://")) or any(c.isspace() for c in text):
        raise InputError(f"{where} {text!r} is not an http(s) URL")
    return text.rstrip("/")


class Member:
    """One endpoint of the pool (url None: the environment's endpoint, or no model at all)."""

    def __init__(
        self, url: str | None, capacity: int, extractor: Extractor, reread_slots: bool = False
    ) -> None:
        self.url = url
        self.capacity = capacity
        self.extractor = extractor
        # Capacity from the endpoint's slots is read again when it rejoins: one down at
        # start got the default, and a restarted server may have another --parallel.
        self.reread_slots = reread_slots
        self.healthy = True
        self.in_flight = 0
        self.done = 0
        self.outages = 0

    @property
    def load(self) -> float:
        return self.in_flight / self.capacity


class PoolDown(BackendError):
    """No endpoint of the pool answered while a document waited for one."""


def slots_of(url: str) -> int:
    """An endpoint's slots: llama.cpp's `/props` `total_slots`, else REMOTE_PARALLEL."""
    slots = server.props(url).get("total_slots")
    return slots if isinstance(slots, int) and slots > 0 else REMOTE_PARALLEL


def always() -> bool:
    return True


class Pool:
    """Runs tries on the pool's endpoints, moving them off endpoints that fail."""

    def __init__(
        self,
        members: list[Member],
        *,
        recheck_s: float,
        down_timeout_s: float,
        bound: bool = False,
    ) -> None:
        self.members = members
        self.recheck_s = recheck_s
        self.down_timeout_s = down_timeout_s
        self.bound = bound
        self.max_moves = len(members) + 1  # an endpoint failure moves a document this often
        self._changed = asyncio.Condition()
        self._rejoin: dict[int, asyncio.Task[None]] = {}
        self._http: httpx.AsyncClient | None = None
        self._probed = float("-inf")

    @property
    def capacity(self) -> int:
        return sum(m.capacity for m in self.members)

    async def start(self) -> None:
        """Ask every endpoint once; those down wait for their rejoin."""
        for member in self.members:
            if member.url is not None and not await self.healthy(member.url):
                await self._take_out(member)

    async def probe(self) -> None:
        """Ask the endpoints in rotation at once; take out those that do not answer.

        At most once per `recheck_s`: health polls come as often as a load balancer
        likes, and each would cost every upstream a request.
        """
        now = asyncio.get_running_loop().time()
        if now - self._probed < self.recheck_s:
            return
        self._probed = now
        asked = [(m, m.url) for m in self.members if m.healthy and m.url is not None]
        answers = await asyncio.gather(*(self.healthy(url) for _, url in asked))
        for (member, _), answered in zip(asked, answers, strict=True):
            if not answered:
                await self._take_out(member)

    async def dispatch(
        self,
        attempt: Callable[[Member], Awaitable[T]],
        doc_id: str,
        movable: Callable[[], bool] = always,
    ) -> T:
        """`attempt(member)` on a healthy member with room; PoolDown when none came.

        A try that raises ClaimtraceError on an endpoint that no longer answers
        runs again on another member while `movable()` holds; any other failure
        (the document's own) is raised as it is.
        """
        moves = 0
        while True:
            member = await self._acquire()
            if member is None:
                urls = ", ".join(m.url or "default" for m in self.members)
                raise PoolDown(
                    f"{doc_id}: no endpoint of the pool answered for "
                    f"{self.down_timeout_s:g} s ({urls})"
                )
            try:
                result = await attempt(member)
            except ClaimtraceError:
                if await self._endpoint_failed(member) and moves < self.max_moves and movable():
                    moves += 1
                    continue  # the endpoint failed, not the document: run it elsewhere
                raise
            finally:
                await self._release(member)
            member.done += 1
            return result

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
                    deadline = loop.time() + self.down_timeout_s
                elif loop.time() >= deadline:
                    return None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=1.0)

    async def _release(self, member: Member) -> None:
        # Counted back before the lock: a second cancel while waiting for it must not
        # leak the slot (a waiter missing the notice looks again within a second).
        member.in_flight -= 1
        async with self._changed:
            self._changed.notify_all()

    async def _endpoint_failed(self, member: Member) -> bool:
        """After a failed try: whether its endpoint stopped answering (then it is taken out)."""
        if member.url is None or await self.healthy(member.url):
            return False
        await self._take_out(member)
        return True

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
            await asyncio.sleep(self.recheck_s)
        capacity = member.capacity
        if member.reread_slots:
            capacity = await asyncio.to_thread(slots_of, member.url)
        async with self._changed:
            member.capacity = capacity
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
