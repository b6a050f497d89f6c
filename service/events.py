"""What a document's extraction reports while it runs, for progress bars and streams.

The extractor calls a `Listener` with these events; it never blocks on one, and
a run without a listener is the same run. Planned counts are known once code has
found the candidates (parse) or the units (sentence, article), before any call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .schema import ClaimRecord


@dataclass(frozen=True)
class CallsPlanned:
    """The document will make `calls` model calls (answers from the cache included)."""

    doc_id: str
    calls: int


@dataclass(frozen=True)
class CallDone:
    """One of the planned calls ended, from the model or from the cache."""

    doc_id: str
    cached: bool


@dataclass(frozen=True)
class ClaimsReady:
    """Claims that are final: no later call of this document changes or removes them."""

    doc_id: str
    claims: list[ClaimRecord]


Event = CallsPlanned | CallDone | ClaimsReady
Listener = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """The listener of a run nobody watches."""
