"""Where each claim's evidence sits in the document text, for highlighting.

A valid `span` is used as given. Otherwise the evidence is searched verbatim,
and a repeated evidence string takes the next occurrence after the previous
claim with the same string (so two gold claims on a repeated phrase light up
both places); failing that, a case-insensitive search. None: not in the text
(possible for an ungrounded prediction).

`find_loose` goes one step further for callers that want it (the error
breakdown): it also ignores differences in whitespace, so evidence copied with
a plain space where the text has a newline or NBSP is still found.
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


def evidence_offsets(text: str, claims: Sequence[Claim]) -> list[Offsets | None]:
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


def _loose_form(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with each whitespace run as one space, and each character's index."""
    chars: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        elif len(char.lower()) == 1:
            char = char.lower()
        chars.append(char)
        index.append(i)
    return "".join(chars), index


def find_loose(text: str, evidence: str) -> Offsets | None:
    """Offsets of `evidence` in `text` ignoring case and whitespace differences, or None."""
    needle, _ = _loose_form(evidence.strip())
    if not needle:
        return None
    haystack, index = _loose_form(text)
    at = haystack.find(needle)
    if at < 0:
        return None
    return index[at], index[at + len(needle) - 1] + 1
