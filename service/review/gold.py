"""Records to gold-format lines: the one definition the page's export starts from.

A predicted claim becomes a gold claim (GUIDE section 3) by keeping the guide's
fields only and making its evidence the verbatim text it was grounded to, since
a pred evidence may be normalized while gold evidence must be found as is. A
claim that still breaks a gold rule keeps a `problem`; it is shown for review
but left out of the export until fixed, so an exported file always reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .. import schema
from ..harness.offsets import Offsets, evidence_offsets, find_loose
from ..harness.reader import _describe as describe_error
from ..harness.records import Claim

GOLD_FIELDS = set(schema.Claim.model_fields)  # pydantic takes a set, not a frozenset


@dataclass(frozen=True)
class GoldClaim:
    """A claim in gold format, where its evidence sits, and why it cannot be gold yet."""

    claim: dict[str, Any]
    offsets: Offsets | None
    problem: str | None


def gold_problem(claim: dict[str, Any], text: str) -> str | None:
    """Why `claim` is not valid gold for `text` (the guide's rules), or None."""
    try:
        schema.Claim.model_validate(claim)
    except ValidationError as err:
        return describe_error(err)
    if claim["evidence"] not in text:
        return "evidence is not found verbatim in the text"
    return None


def gold_claims(claims: Sequence[Claim], text: str | None) -> list[GoldClaim]:
    """Each claim in gold format, its evidence re-read from the text where it was found."""
    if text is None:
        missing = "the document's text was not found"
        return [GoldClaim(c.model_dump(mode="json", include=GOLD_FIELDS), None, missing)
                for c in claims]  # fmt: skip
    found = evidence_offsets(text, claims)
    out: list[GoldClaim] = []
    for claim, offsets in zip(claims, found, strict=True):
        offsets = offsets or find_loose(text, claim.evidence)
        data = claim.model_dump(mode="json", include=GOLD_FIELDS)
        if offsets is not None:
            data["evidence"] = text[offsets[0] : offsets[1]]
        out.append(GoldClaim(data, offsets, gold_problem(data, text)))
    return out


def gold_line(doc_id: str, claims: Sequence[GoldClaim]) -> dict[str, Any]:
    """One gold JSONL object: the document's claims that have no problem."""
    return {"doc_id": doc_id, "claims": [c.claim for c in claims if c.problem is None]}
