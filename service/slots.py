"""The bound on model calls in flight, and why a hung call cannot hold it for good.

The bound keeps calls within what the server can run at once (llama.cpp's
slots). For a remote endpoint a slot is ours, not the server's: a call that
has held one for `patience` seconds gives it up (the call itself goes on until
its timeout), so two hung calls cannot keep every other document waiting. A
local llama-server's slots are real, and its calls keep them: one sent early
would only queue on the server and time out there.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Slots:
    """`async with slots.held(): ...` bounds concurrent calls; see the module docstring."""

    def __init__(self, size: int, patience_s: float | None) -> None:
        self._free = asyncio.Semaphore(max(size, 1))
        self.patience_s = patience_s

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        await self._free.acquire()
        lease = _Lease(self._free)
        timer = (
            asyncio.get_running_loop().call_later(self.patience_s, lease.give_up)
            if self.patience_s is not None
            else None
        )
        try:
            yield
        finally:
            if timer is not None:
                timer.cancel()
            lease.give_up()


class _Lease:
    """One acquired slot, released exactly once (at the end, or when patience runs out)."""

    def __init__(self, free: asyncio.Semaphore) -> None:
        self._free = free
        self._held = True

    def give_up(self) -> None:
        if self._held:
            self._held = False
            self._free.release()
