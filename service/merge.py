"""Merge duplicate claims: across overlapping chunks, passes, and repeated figures.

Two records are one claim when they cover the same text (the same span, or
most of one inside the other) and say the same thing (the same figure, or the
same source), or when the same figure from the same source comes twice: the
guide records a repeated figure once. The first occurrence is kept.
"""

from __future__ import annotations

from .schema import ClaimRecord


def _overlap(a: ClaimRecord, b: ClaimRecord) -> float:
    """Share of the shorter span that lies inside the other (0 for ungrounded)."""
    shorter = min(a.span.end - a.span.start, b.span.end - b.span.start)
    if shorter <= 0:
        return 0.0
    inter = min(a.span.end, b.span.end) - max(a.span.start, b.span.start)
    return max(inter, 0) / shorter


def _figure(claim: ClaimRecord) -> tuple[int, str, str] | None:
    c = claim.casualty
    return (c.count, c.outcome, c.victims) if c else None


def _source(claim: ClaimRecord) -> str:
    return (claim.source.name or "").lower().strip()


def same_claim(a: ClaimRecord, b: ClaimRecord) -> bool:
    """Whether `b` repeats `a`."""
    figure_a, figure_b = _figure(a), _figure(b)
    if figure_a is not None and figure_a == figure_b and _source(a) == _source(b):
        return True  # a figure repeated with the same source is one claim
    if _overlap(a, b) >= 0.8:
        if figure_a is not None or figure_b is not None:
            return figure_a == figure_b
        return _source(a) == _source(b) or a.kind == b.kind
    return False


def merge(claims: list[ClaimRecord]) -> tuple[list[ClaimRecord], int]:
    """Distinct claims in text order, and how many duplicates were merged away."""
    kept: list[ClaimRecord] = []
    for claim in sorted(claims, key=lambda c: (c.span.start, c.span.end)):
        if not any(same_claim(existing, claim) for existing in kept):
            kept.append(claim)
    return kept, len(claims) - len(kept)


def new_only(found: list[ClaimRecord], extra: list[ClaimRecord]) -> list[ClaimRecord]:
    """Claims of a recall pass that neither repeat nor overlap what was found."""
    return [
        claim
        for claim in extra
        if not any(same_claim(f, claim) or _overlap(f, claim) > 0 for f in found)
    ]
