"""What the service knows of its upstreams, and the pool behind `claimtrace serve --upstream`.

With several upstreams the service runs each document on a member of
`claimtrace.pool.Pool` (the batch runs' pool): as many documents per upstream
as it has slots, to the least loaded, and off an upstream that stops
answering. A streamed answer moves only while none of its claims has been
sent (`Relay`): after that, a retry could send them twice, so the stream ends
with the error instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel

from ..events import ClaimsReady, Event, Listener
from ..extractor import Extractor
from ..pool import Member, Pool, slots_of

UpstreamStatus = Literal["ok", "not_started", "starting", "unreachable", "error"]


class UpstreamHealth(BaseModel):
    status: UpstreamStatus
    base_url: str | None = None
    model: str | None = None
    detail: str | None = None


class UpstreamState(BaseModel):
    """One upstream of the pool: `healthy` while in rotation (out after a failed document
    and a failed `GET /models`, back once it answers)."""

    url: str
    healthy: bool
    in_flight: int
    capacity: int
    done: int
    outages: int
    model: str | None = None


def upstream_pool(
    urls: Sequence[str],
    extractor: Callable[[str], Extractor],
    recheck_s: float,
    down_timeout_s: float,
) -> Pool:
    """One member per URL (`extractor(url)`), taking as many documents as it has slots."""
    members = [Member(url, slots_of(url), extractor(url), reread_slots=True) for url in urls]
    return Pool(members, recheck_s=recheck_s, down_timeout_s=down_timeout_s)


def states(pool: Pool) -> list[UpstreamState]:
    return [
        UpstreamState(
            url=m.url or "default",
            healthy=m.healthy,
            in_flight=m.in_flight,
            capacity=m.capacity,
            done=m.done,
            outages=m.outages,
            model=_model(m),
        )
        for m in pool.members
    ]


async def pool_health(pool: Pool) -> UpstreamHealth:
    """`ok` while any upstream is in rotation (after asking each, so a dead idle one is out)."""
    await pool.probe()
    healthy = [m for m in pool.members if m.healthy]
    return UpstreamHealth(
        status="ok" if healthy else "unreachable",
        model=next((model for m in healthy if (model := _model(m))), None),
        detail=f"{len(healthy)} of {len(pool.members)} upstreams in rotation",
    )


def _model(member: Member) -> str | None:
    endpoint = member.extractor.readiness.resolved
    return endpoint.model if endpoint is not None else None


class Relay:
    """Passes a document's events on, noting whether claims went out (then it may not move)."""

    def __init__(self, listener: Listener) -> None:
        self.listener = listener
        self.sent = False

    def __call__(self, event: Event) -> None:
        if isinstance(event, ClaimsReady) and event.claims:
            self.sent = True
        self.listener(event)

    def movable(self) -> bool:
        return not self.sent
