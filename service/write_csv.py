"""Write records as CSV, one row per claim, for spreadsheets.

A document without claims still gets a row (its id and metadata), and a failed
document gets a row with its `error`, so no document is silently missing from
the sheet. Quoting is the csv module's: evidence holds commas, quotes and
newlines, and reads back unchanged with `csv.reader`.
"""

from __future__ import annotations

from .schema import ClaimRecord, DocumentRecord, ErrorRecord

COLUMNS = (
    "doc_id", "outlet", "date", "title",
    "source_name", "source_type", "cue", "kind", "certainty",
    "count", "qualifier", "outcome", "victims", "location", "period",
    "evidence", "start", "end", "error",
)  # fmt: skip

Cell = str | int | None


def rows(record: DocumentRecord | ErrorRecord) -> list[list[Cell]]:
    """The record's rows, in `COLUMNS` order (None is an empty cell)."""
    if isinstance(record, ErrorRecord):
        return [[record.doc_id, *[None] * (len(COLUMNS) - 2), record.error]]
    meta = record.meta
    head: list[Cell] = [
        record.doc_id,
        meta.outlet if meta else None,
        meta.date if meta else None,
        meta.title if meta else None,
    ]
    if not record.claims:
        return [[*head, *[None] * (len(COLUMNS) - len(head))]]
    return [[*head, *_claim_cells(claim), None] for claim in record.claims]


def _claim_cells(claim: ClaimRecord) -> list[Cell]:
    """source_name ... end: the claim's fields, the casualty's when it has one."""
    casualty = claim.casualty
    return [
        claim.source.name,
        claim.source.type,
        claim.cue,
        claim.kind,
        claim.certainty,
        casualty.count if casualty else None,
        casualty.qualifier if casualty else None,
        casualty.outcome if casualty else None,
        casualty.victims if casualty else None,
        casualty.location if casualty else None,
        casualty.period if casualty else None,
        claim.evidence,
        claim.span.start,
        claim.span.end,
    ]
