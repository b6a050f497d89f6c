"""A small records file and docs dir: overlapping spans, hostile text, failures, problems."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from claimtrace.review.cli import text_store
from claimtrace.review.data import Review, load_review

# An emoji (two UTF-16 units) before the claims, and markup that must stay inert.
HOSTILE = (
    "Breaking 🔥 news </script><script>alert(1)</script> <!-- a comment {{data}}\n"
    "Activists said 27 civilians were shot dead by security forces in Deraa. "
    "The army denied it."
)
PLAIN = "Officials said twelve   people were wounded.\nNobody claimed the attack."


@dataclass(frozen=True)
class Run:
    """The records file, its docs dir, and the review read from them."""

    records: Path
    docs: Path
    review: Review


def claim(
    evidence: str,
    *,
    name: str | None = None,
    type: str = "author",
    kind: str = "event",
    certainty: str = "asserted",
    casualty: tuple[int, str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A pred claim; `casualty=(count, outcome, victims)` sets kind casualty; type author
    (the default) has no name, cue or mode."""
    author = type == "author"
    figure = None
    if casualty is not None:
        count, outcome, victims = casualty
        figure = {"count": count, "qualifier": "exact", "outcome": outcome, "victims": victims,
                  "location": None, "period": None}  # fmt: skip
        kind = "casualty"
    return {
        "evidence": evidence,
        "statement": f"{name or 'The author'} says: {evidence}.",
        "source": {"name": name, "type": type},
        "cue": None if author else "said",
        "mode": "unattributed" if author else "indirect",
        "kind": kind,
        "certainty": certainty,
        "casualty": figure,
        **extra,
    }


def records() -> list[dict[str, Any]]:
    outer = "27 civilians were shot dead by security forces in Deraa"
    inner = "27 civilians were shot dead"
    start = HOSTILE.index(outer)
    return [
        {
            "doc_id": "hostile",
            "meta": {"outlet": "Wire", "date": "2024-01-02", "title": "<b>title</b>"},
            "claims": [
                claim(outer, name="Activists", type="activist", span={"start": start, "end": start + len(outer)}),
                claim(inner, name="Activists", type="activist", casualty=(27, "killed", "civilians")),
                claim("The army denied it", name="The army", type="military", certainty="denied"),
            ],
        },
        {
            "doc_id": "plain",
            "claims": [
                # normalized evidence: one space where the text has three
                claim("twelve people were wounded", name="Officials", type="government"),
                claim("not in this text at all", name="Officials", type="government"),
                claim("Nobody claimed the attack", type="author", kind="casualty"),  # no casualty
            ],
        },
        {"doc_id": "broken", "error": "broken: not UTF-8 text (byte 0xff at offset 3)"},
        {"doc_id": "elsewhere", "claims": []},
    ]  # fmt: skip


@pytest.fixture
def run(tmp_path: Path) -> Run:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (docs / "plain.txt").write_text(PLAIN, encoding="utf-8")
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records()), encoding="utf-8")
    return Run(path, docs, load_review(path, text_store([docs], None)))  # as the command does
