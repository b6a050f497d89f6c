"""Build claims and records for ledger tests without a model."""

from __future__ import annotations

from typing import Any

from claimtrace.harness.records import DocRecord


def casualty(
    evidence: str,
    count: int,
    *,
    qualifier: str = "exact",
    outcome: str = "killed",
    victims: str = "unspecified",
    location: str | None = None,
    period: str | None = None,
    source: str | None = "Syrian Observatory for Human Rights",
    source_type: str = "ngo",
) -> dict[str, Any]:
    """A casualty claim in the gold format."""
    author = source is None
    return {
        "evidence": evidence,
        "statement": evidence,
        "source": {"name": source, "type": "author" if author else source_type},
        "cue": None if author else "said",
        "mode": "unattributed" if author else "indirect",
        "kind": "casualty",
        "certainty": "asserted",
        "casualty": {"count": count, "qualifier": qualifier, "outcome": outcome,
                     "victims": victims, "location": location, "period": period},
    }  # fmt: skip


def record(doc_id: str, claims: list[dict[str, Any]], day: str | None = None,
           outlet: str | None = None) -> DocRecord:  # fmt: skip
    """A document record, with meta when a date or outlet is given."""
    data: dict[str, Any] = {"doc_id": doc_id, "claims": claims}
    if day or outlet:
        data["meta"] = {"date": day, "outlet": outlet}
    return DocRecord.model_validate(data)
