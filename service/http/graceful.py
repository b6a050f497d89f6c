"""uvicorn's server with a shutdown that drains claimtrace's extraction engine first."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from .engine import Engine


class GracefulServer(uvicorn.Server):
    """uvicorn whose shutdown also drains the engine, a little before uvicorn's own deadline.

    uvicorn waits `timeout_graceful_shutdown` for open connections and then
    cancels their tasks, which clients see as a bare 500. Draining first
    cancels the extractions that would outlast the grace, so each of those
    requests ends with a JSON 503 and its connection closes in time.
    """

    def __init__(self, config: uvicorn.Config, engine: Engine) -> None:
        super().__init__(config)
        self.engine = engine

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        grace = self.config.timeout_graceful_shutdown
        before = None if grace is None else max(grace - 1.0, grace * 0.5)
        drain = asyncio.ensure_future(self.engine.drain(before))
        try:
            await super().shutdown(sockets)
        finally:
            if not drain.done():
                drain.cancel()
