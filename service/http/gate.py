"""A bounded queue in front of the model: a few documents run, a few wait, the rest get 429.

A CPU model answers one document in tens of seconds, so an unbounded backlog
would only turn into timeouts. Admission is decided at once, before any work:
`reserve(n)` takes places for a request's `n` documents or raises
`Overloaded` with a Retry-After estimate (`BeyondCapacity` when `n` could
never fit, so that no client retries it forever); each document then waits for one
of the `slots` (an asyncio semaphore) and gives its place back when done.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Overloaded(Exception):
    """No room in the queue; `retry_after` seconds is when a place should have freed."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BeyondCapacity(Exception):
    """A request with more documents than the queue can ever hold: waiting will not help."""


class Ticket:
    """Places reserved for one request; `release` is idempotent (streams release late)."""

    def __init__(self, gate: Gate, places: int) -> None:
        self.gate = gate
        self.places = places
        self._released = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            self.gate.admitted -= self.places

    def __enter__(self) -> Ticket:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


class Gate:
    """`slots` documents run at once and `queue` more may wait; the rest are refused."""

    def __init__(self, slots: int, queue: int) -> None:
        if slots < 1 or queue < 0:
            raise ValueError(f"need slots >= 1 and queue >= 0, got {slots} and {queue}")
        self.slots = slots
        self.queue = queue
        self.admitted = 0  # places reserved: running plus waiting
        self.running = 0
        self._semaphore = asyncio.Semaphore(slots)
        self._mean_s = 5.0  # running mean of how long a document holds a slot

    @property
    def capacity(self) -> int:
        return self.slots + self.queue

    @property
    def waiting(self) -> int:
        return max(self.admitted - self.running, 0)

    def reserve(self, places: int = 1) -> Ticket:
        """Places for `places` documents, or Overloaded / BeyondCapacity (nothing is queued)."""
        if places > self.capacity:
            raise BeyondCapacity(
                f"{places} documents exceed the service's capacity of {self.capacity} "
                f"({self.slots} running plus {self.queue} queued: the server's --concurrency "
                f"and --queue), so this request can never be admitted; send at most "
                f"{self.capacity} at once"
            )
        if self.admitted + places > self.capacity:
            raise Overloaded(
                f"overloaded: {self.running} documents running and {self.waiting} queued "
                f"(capacity {self.capacity}); retry later",
                retry_after=self.retry_after(),
            )
        self.admitted += places
        return Ticket(self, places)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one model slot for the duration of the block (waits in FIFO order)."""
        async with self._semaphore:
            self.running += 1
            started = time.monotonic()
            try:
                yield
            finally:
                self.running -= 1
                self._mean_s = 0.8 * self._mean_s + 0.2 * (time.monotonic() - started)

    def retry_after(self) -> int:
        """Seconds until the queue has likely moved up by one (whole, 1..600)."""
        rounds = self.waiting // self.slots + 1
        return min(max(math.ceil(self._mean_s * rounds), 1), 600)
