"""Output: CSV rows and quoting, metadata in records, and the progress counts."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from claimtrace import events, pipeline
from claimtrace.errors import InputError
from claimtrace.load import Document, Loaded, Unreadable
from claimtrace.pipeline import Tracker, extract_to_file
from claimtrace.schema import (
    Casualty,
    ClaimRecord,
    DocumentMeta,
    DocumentRecord,
    ErrorRecord,
    Source,
    Span,
)
from claimtrace.write import FileOutput, StreamOutput
from claimtrace.write_csv import COLUMNS

EVIDENCE = 'He said: "at least 3, maybe 4,\nwere killed"'


def _claim(evidence: str = EVIDENCE, casualty: Casualty | None = None) -> ClaimRecord:
    return ClaimRecord(
        evidence=evidence,
        statement=f"Police said: {evidence}.",
        source=Source(name="Police", type="government"),
        cue="said",
        mode="indirect",
        kind="casualty" if casualty else "event",
        certainty="asserted",
        casualty=casualty,
        span=Span(start=10, end=10 + len(evidence)),
        grounding="exact",
    )


def _record(
    doc_id: str, claims: list[ClaimRecord], meta: DocumentMeta | None = None
) -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id, claims=claims, model="m", prompt_version="p", schema_version="s", meta=meta
    )


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_quoting_round_trips(tmp_path: Path) -> None:
    casualty = Casualty(
        count=3,
        qualifier="at_least",
        outcome="killed",
        victims="civilians",
        location="Homs, Syria",
        period=None,
    )
    meta = DocumentMeta(outlet="ahram", date="2/16/2015", title='Blast, "seven dead"')
    out = tmp_path / "out.csv"
    writer = FileOutput(out, "csv", ["a", "empty", "bad"])
    writer.write(0, _record("a", [_claim(casualty=casualty), _claim("no figure")], meta))
    writer.write(2, ErrorRecord(doc_id="bad", error='bad: not UTF-8, "really"'))
    writer.write(1, _record("empty", []))  # finishes late: the file is in input order
    writer.finish()
    with out.open(encoding="utf-8", newline="") as handle:
        header, *rows = csv.reader(handle)
    assert tuple(header) == COLUMNS
    first, second, empty, bad = (dict(zip(header, row, strict=True)) for row in rows)
    assert first["evidence"] == EVIDENCE and first["title"] == 'Blast, "seven dead"'
    assert (first["count"], first["qualifier"], first["location"]) == (
        "3",
        "at_least",
        "Homs, Syria",
    )
    assert (first["start"], first["end"]) == ("10", str(10 + len(EVIDENCE)))
    assert (second["evidence"], second["count"], second["outlet"]) == ("no figure", "", "ahram")
    assert empty["doc_id"] == "empty" and not any(v for k, v in empty.items() if k != "doc_id")
    assert bad["doc_id"] == "bad" and bad["error"] == 'bad: not UTF-8, "really"'
    assert not list(tmp_path.glob(".*.tmp")), "the temporary file was renamed into place"


def test_meta_is_left_out_of_json_when_absent() -> None:
    plain = _record("a", [])
    assert "meta" not in plain.model_dump_json()
    assert DocumentRecord.model_validate_json(plain.model_dump_json()) == plain  # old lines load
    with_meta = _record("a", [], DocumentMeta(outlet="nna"))
    assert DocumentRecord.model_validate_json(with_meta.model_dump_json()).meta == DocumentMeta(
        outlet="nna"
    )


class RecordingTracker(Tracker):
    """The pipeline's tracker, kept where the test can read it."""

    last: RecordingTracker

    def __init__(self, documents: int) -> None:
        super().__init__(documents)
        RecordingTracker.last = self


class FakeExtractor:
    """Plays a run's events: doc `a` plans 2 calls, `b` none (rules), `c` fails."""

    heard: list[tuple[float, str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.kwargs = kwargs

    def extract_many(
        self, documents: Iterable[Loaded], on_done: Any, listener: events.Listener
    ) -> None:
        docs = list(documents)
        listener(events.CallsPlanned("a", 2))
        listener(events.CallDone("a", cached=False))
        FakeExtractor.heard.append((RecordingTracker.last.completed, RecordingTracker.last.label()))
        listener(events.CallDone("a", cached=True))
        on_done(1, _record("b", []))  # out of order: held until `a` is written
        on_done(0, _record("a", [_claim()]))
        on_done(2, ErrorRecord(doc_id="c", error="c: empty"))
        assert len(docs) == 3


def test_pipeline_carries_meta_counts_calls_and_keeps_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    FakeExtractor.heard = []
    monkeypatch.setattr(pipeline, "Extractor", FakeExtractor)
    monkeypatch.setattr(pipeline, "Tracker", RecordingTracker)
    meta = DocumentMeta(outlet="nna", date="4/5/2017", title="T")
    documents: list[Loaded] = [
        Document("a", "A said 1 died.", meta),
        Document("b", "B said 2 died."),
        Unreadable("c", "c: empty"),
    ]
    out = tmp_path / "out.csv"
    summary = extract_to_file(documents, out, fmt="csv", progress=False)
    rows = _read(out)
    assert [r["doc_id"] for r in rows] == ["a", "b", "c"]
    assert (rows[0]["outlet"], rows[0]["date"], rows[0]["title"]) == ("nna", "4/5/2017", "T")
    assert rows[2]["error"] == "c: empty"
    assert (summary.documents, summary.failed, summary.claims) == (3, 1, 1)
    assert FakeExtractor.heard == [(0.5, "0/3 docs · 1/2 calls")]
    tracker = RecordingTracker.last
    assert (tracker.finished, tracker.calls_done, tracker.calls_planned, tracker.completed) == (
        3,
        2,
        2,
        3,
    )
    assert "error: c: empty" in capsys.readouterr().err


def test_tracker_without_calls_counts_documents_only() -> None:
    tracker = Tracker(2)
    tracker.hear(events.CallsPlanned("a", 0))
    tracker.finish("a")
    assert (tracker.completed, tracker.label()) == (1, "1/2 docs")


def test_tracker_counts_partial_documents() -> None:
    tracker = Tracker(3)
    tracker.hear(events.CallsPlanned("a", 4))
    tracker.hear(events.CallsPlanned("b", 2))
    for doc_id in ("a", "b", "b"):
        tracker.hear(events.CallDone(doc_id, cached=False))
    tracker.hear(events.ClaimsReady("b", []))
    assert tracker.completed == pytest.approx(0.25 + 1.0)
    tracker.finish("b")
    assert tracker.completed == pytest.approx(1.25)
    assert tracker.label() == "1/3 docs · 3/6 calls"


def test_rules_run_writes_jsonl_with_meta(tmp_path: Path) -> None:
    """The real extractor (rules, no model): metadata reaches the written record."""
    meta = DocumentMeta(outlet="nna")
    out = tmp_path / "out.jsonl"
    extract_to_file(
        [Document("a", "Activists said 12 civilians were killed in Douma.", meta)],
        out,
        progress=False,
    )
    record = DocumentRecord.model_validate_json(out.read_text())
    assert record.meta == meta and record.claims


def test_unknown_format_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown output format 'xml'"):
        extract_to_file([], tmp_path / "x", fmt="xml")


def test_stdout_csv(capsys: pytest.CaptureFixture[str]) -> None:
    writer = StreamOutput("csv")
    writer.write(0, _record("a", [_claim("x, y")]))
    writer.finish()
    _, row = csv.reader(io.StringIO(capsys.readouterr().out))
    assert row[0] == "a" and row[COLUMNS.index("evidence")] == "x, y"
