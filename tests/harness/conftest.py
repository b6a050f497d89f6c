"""Shared helpers: a temporary workspace of tiny .txt documents and gold/pred JSONL files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimtrace.harness.cli import eval_app
from claimtrace.harness.run import EvalResult, evaluate
from claimtrace.load import DocumentStore

SOHR = "Syrian Observatory for Human Rights"


def claim(
    evidence: str,
    *,
    name: str | None = SOHR,
    type: str = "ngo",
    kind: str = "event",
    cue: str | None = "said",
    mode: str = "indirect",
    certainty: str = "asserted",
    casualty: tuple[int, str, str] | dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A claim dict; `casualty=(count, outcome, victims)` also sets kind to casualty."""
    cas: dict[str, Any] | None = None
    if isinstance(casualty, tuple):
        count, outcome, victims = casualty
        cas = {
            "count": count,
            "qualifier": "exact",
            "outcome": outcome,
            "victims": victims,
            "location": None,
            "period": None,
        }
        kind = "casualty"
    elif isinstance(casualty, dict):
        cas, kind = casualty, "casualty"
    if type == "author":
        name, cue, mode = None, None, "unattributed"
    return {
        "evidence": evidence,
        "statement": f"Someone says {evidence}.",
        "source": {"name": name, "type": type},
        "cue": cue,
        "mode": mode,
        "kind": kind,
        "certainty": certainty,
        "casualty": cas,
        **extra,
    }


class Workspace:
    """A temp dir with docs/, gold.jsonl, pred.jsonl and an out/ directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs = root / "docs"
        self.docs.mkdir()
        self.out = root / "out"

    def doc(self, doc_id: str, text: str) -> None:
        (self.docs / f"{doc_id}.txt").write_text(text, encoding="utf-8")

    def write(self, name: str, records: list[dict[str, Any]]) -> Path:
        path = self.root / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path

    def gold(self, records: list[dict[str, Any]]) -> Path:
        return self.write("gold.jsonl", records)

    def pred(self, records: list[dict[str, Any]]) -> Path:
        return self.write("pred.jsonl", records)

    def store(self) -> DocumentStore:
        return DocumentStore([self.docs], [])

    def evaluate(self, out: str = "out") -> EvalResult:
        return evaluate(
            self.root / "gold.jsonl", self.root / "pred.jsonl", self.root / out, self.store()
        )

    def cli(self, *args: str) -> Any:
        # wide, so that rich never wraps or truncates a table cell under test
        return CliRunner().invoke(eval_app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)
