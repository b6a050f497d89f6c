"""What the review page embeds: each document's text, claims in gold format, and failures.

Texts come from the same `DocumentStore` that `claimtrace eval` reads gold
against, so a document the page can export is one the harness can check.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from .. import schema
from ..errors import InputError
from ..harness.offsets import Offsets
from ..harness.reader import read_pred
from ..load import DocumentStore
from .gold import GoldClaim, gold_claims, gold_line

# The choices the page's editors offer, from the schema that defines them.
CHOICES: dict[str, tuple[str, ...]] = {
    "source_type": get_args(schema.SourceType),
    "mode": get_args(schema.Mode),
    "kind": get_args(schema.Kind),
    "certainty": get_args(schema.Certainty),
    "qualifier": get_args(schema.Qualifier),
    "outcome": get_args(schema.Outcome),
    "victims": get_args(schema.Victims),
}


@dataclass(frozen=True)
class ReviewDoc:
    """A document to review; `text` is None when the store has no text for it."""

    doc_id: str
    meta: dict[str, str | None]
    text: str | None
    text_error: str | None
    claims: list[GoldClaim]


@dataclass(frozen=True)
class Review:
    """A records file read for review: its documents and its failed ones (doc_id, error)."""

    records: Path
    docs: list[ReviewDoc]
    failed: list[tuple[str, str]]

    def gold_lines(self) -> list[dict[str, Any]]:
        """The gold file an untouched review exports: documents with text, valid claims."""
        return [gold_line(d.doc_id, d.claims) for d in self.docs if d.text is not None]


def load_review(records: Path, store: DocumentStore) -> Review:
    """Read a records file (one-line errors name file:line) and find each document's text."""
    docs: list[ReviewDoc] = []
    failed: list[tuple[str, str]] = []
    for record in read_pred(records):
        if record.error is not None:
            failed.append((record.doc_id, record.error))
            continue
        meta = record.meta.model_dump() if record.meta else {}
        try:
            text: str | None = store.get(record.doc_id)
            text_error = None
        except InputError as err:
            text, text_error = None, str(err)
        claims = gold_claims(record.claim_list, text)
        docs.append(ReviewDoc(record.doc_id, meta, text, text_error, claims))
    return Review(records, docs, failed)


def utf16_span(text: str | None, offsets: Offsets | None) -> Offsets | None:
    """Code-point offsets as the UTF-16 offsets a browser's strings use (they differ after
    an emoji or any character beyond the Basic Multilingual Plane)."""
    if text is None or offsets is None:
        return None
    start, end = (len(text[:at].encode("utf-16-le")) // 2 for at in offsets)
    return start, end


def page_data(review: Review) -> dict[str, Any]:
    """The JSON the page embeds; `hash` keys the reviewer's saved edits to this content."""
    data: dict[str, Any] = {
        "records": str(review.records),
        "choices": CHOICES,
        "docs": [
            {
                "doc_id": d.doc_id,
                "meta": d.meta,
                "text": d.text,
                "text_error": d.text_error,
                "claims": [
                    {"gold": c.claim, "span": utf16_span(d.text, c.offsets), "problem": c.problem}
                    for c in d.claims
                ],
            }
            for d in review.docs
        ],
        "failed": [{"doc_id": doc_id, "error": error} for doc_id, error in review.failed],
    }
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    data["hash"] = hashlib.sha256(blob).hexdigest()[:16]
    return data
