"""Connection limits for uvicorn, including the header-read timeout it lacks.

uvicorn closes an idle keep-alive connection after `timeout_keep_alive`, but
has no timer while a request's headers arrive: a client that sends half a
header (or one byte every few seconds) holds its connection, and a socket,
for ever. `HeaderDeadlineProtocol` is uvicorn's h11 protocol with a deadline
for each request's headers, counted from the moment the connection is ready
for them (opened, or done with the previous response); it is not extended by
each byte received, so a trickle does not keep it alive either.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .settings import DEFAULT_HEADER_TIMEOUT_S, ServerLimits


def uvicorn_options(limits: ServerLimits) -> dict[str, Any]:
    """Keyword arguments of `uvicorn.Config` that enforce `limits`."""
    protocol = type(
        "HeaderDeadlineH11Protocol",
        (HeaderDeadlineProtocol,),
        {"header_timeout_s": limits.header_timeout_s},
    )
    return {
        "http": protocol,
        "limit_concurrency": limits.max_connections,
        "timeout_keep_alive": limits.keep_alive_s,
        "h11_max_incomplete_event_size": limits.max_header_bytes,
    }


class HeaderDeadlineProtocol(H11Protocol):
    """h11 that closes a connection whose request headers are not complete in time."""

    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the headers are in
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()  # the next request's headers have their own deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._header_deadline = self.loop.call_later(self.header_timeout_s, self._expire)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _expire(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.transport.close()
