"""The endpoint pool of a batch run: `claimtrace.pool` with BatchOptions, a document to a record.

Capacity per endpoint is `--concurrency`, else its slots (`pool.slots_of`);
`rules` needs no endpoint and gets one model-less member. A document that ends
in an error record on an endpoint that no longer answers is run elsewhere; one
that waited too long for any endpoint becomes an error record (which
`--retry-errors` runs again).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ..errors import ClaimtraceError
from ..load import Loaded
from ..pool import Member, PoolDown, close_callers, slots_of
from ..pool import Pool as EndpointPool
from ..schema import DocumentRecord, ErrorRecord
from .options import RULES_IN_FLIGHT, BatchOptions

Record = DocumentRecord | ErrorRecord
__all__ = ["Member", "Pool", "Record", "capacity_of", "close_callers", "members"]


def capacity_of(url: str | None, options: BatchOptions) -> int:
    """Documents an endpoint takes at a time: --concurrency, its slots, or REMOTE_PARALLEL."""
    if options.concurrency:
        return options.concurrency
    if url is None:
        return RULES_IN_FLIGHT
    return slots_of(url)


def members(urls: Sequence[str], options: BatchOptions) -> list[Member]:
    """The pool's members; `rules` needs no endpoint and gets one model-less member."""
    if not options.needs_model or not urls:
        capacity = capacity_of(None, options)
        return [Member(None, capacity, options.extractor(None, options.concurrency))]
    found = []
    for url in urls:
        capacity = capacity_of(url, options)
        reread = not options.concurrency  # --concurrency holds; slots are read again
        found.append(Member(url, capacity, options.extractor(url, capacity), reread))
    return found


class Pool(EndpointPool):
    """The endpoint pool with the run's timings; `run` turns every outcome into a record."""

    def __init__(self, members: list[Member], options: BatchOptions, bound: bool = False) -> None:
        super().__init__(
            members,
            recheck_s=options.recheck_s,
            down_timeout_s=options.down_timeout_s,
            bound=bound,
        )
        self.options = options

    async def run(self, document: Loaded) -> Record:
        """One document to its record, on a healthy endpoint; moved when the endpoint fails."""
        try:
            return await self.dispatch(functools.partial(_record, document), document.doc_id)
        except _Failed as failed:
            return failed.record
        except PoolDown as error:
            return ErrorRecord(doc_id=document.doc_id, error=str(error))


class _Failed(ClaimtraceError):
    """A document's error record, raised so the pool asks whether its endpoint failed."""

    def __init__(self, record: ErrorRecord) -> None:
        super().__init__(record.error)
        self.record = record


async def _record(document: Loaded, member: Member) -> DocumentRecord:
    record = (await member.extractor.aextract_many([document]))[0]
    if isinstance(record, ErrorRecord):
        raise _Failed(record)
    return record
