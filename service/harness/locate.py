"""Where each claim's evidence sits in the document text, for highlighting.

A valid `span` is used as given. Otherwise the evidence is searched verbatim,
and a repeated evidence string takes the next occurrence after the previous
claim with the same string (so two gold claims on a repeated phrase light up
both places); failing that, a case-insensitive search. None: not in the text
(possible for an ungrounded prediction).
"""

from __future__ import annotations

from collections.abc import Sequence

from .records import Claim

Offsets = tuple[int, int]


def _valid(text: str, claim: Claim) -> Offsets | None:
    span = claim.span
    if span is None or not 0 <= span.start < span.end <= len(text):
        return None
    return span.start, span.end


def _find(text: str, evidence: str, after: int) -> int:
    at = text.find(evidence, after)
    if at < 0 and after:
        at = text.find(evidence)
    if at < 0:
        lowered = text.lower()
        if len(lowered) == len(text):
            at = lowered.find(evidence.lower())
    return at


def locate(text: str, claims: Sequence[Claim]) -> list[Offsets | None]:
    """Character offsets of each claim's evidence, or None when it cannot be found."""
    found: list[Offsets | None] = []
    next_start: dict[str, int] = {}
    for claim in claims:
        offsets = _valid(text, claim)
        if offsets is None and claim.evidence:
            at = _find(text, claim.evidence, next_start.get(claim.evidence, 0))
            if at >= 0:
                offsets = (at, at + len(claim.evidence))
                next_start[claim.evidence] = at + 1
        found.append(offsets)
    return found
