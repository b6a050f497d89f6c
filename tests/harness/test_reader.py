"""Gold files are refused line by line with one-line errors; pred files are schema-checked only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimtrace.errors import InputError
from claimtrace.harness.reader import read_gold, read_pred
from claimtrace.load import DocumentStore

from .conftest import Workspace, claim

TEXT = "The observatory said 27 civilians were shot dead by security forces in Deraa."

# The example of GUIDE section 3, verbatim, against the real seed 004.
GUIDE_EXAMPLE = """{"doc_id": "004_edab79c1a45cfe29", "claims": [
  {"evidence": "27 civilians were shot dead by security forces",
   "statement": "The Syrian Observatory for Human Rights says 27 civilians were shot dead by security forces.",
   "source": {"name": "Syrian Observatory for Human Rights", "type": "ngo"},
   "cue": "said", "mode": "indirect", "kind": "casualty", "certainty": "asserted",
   "casualty": {"count": 27, "qualifier": "exact", "outcome": "killed",
                "victims": "civilians", "location": null, "period": "past 24 hours"}}
]}"""


def _refused(ws: Workspace, lines: list[str]) -> str:
    path = ws.root / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_gold(path, ws.store())
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:")
    return message


def _line(claims: list[dict[str, object]], doc_id: str = "d") -> str:
    return json.dumps({"doc_id": doc_id, "claims": claims})


def test_reads_the_guide_example_against_the_seed(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(json.loads(GUIDE_EXAMPLE)) + "\n", encoding="utf-8")
    records, texts = read_gold(path, DocumentStore())
    assert records[0].claim_list[0].casualty is not None
    assert records[0].claim_list[0].casualty.period == "past 24 hours"
    assert "27 civilians were shot dead" in texts["004_edab79c1a45cfe29"]


def test_non_verbatim_evidence_names_the_line(ws: Workspace) -> None:
    ws.doc("d", TEXT)
    ws.doc("e", TEXT)
    good = _line([claim("27 civilians were shot dead")], doc_id="e")
    # "shot and killed" is a paraphrase: not in the text
    bad = _line([claim("in Deraa"), claim("27 civilians were shot and killed")])
    message = _refused(ws, [good, "", bad])
    assert ":3: claim 2: evidence not found verbatim in d" in message


def test_not_json(ws: Workspace) -> None:
    ws.doc("d", TEXT)
    assert ":1: not valid JSON" in _refused(ws, ['{"doc_id": "d", "claims": [}'])


def test_missing_field(ws: Workspace) -> None:
    ws.doc("d", TEXT)
    c = claim("27 civilians")
    del c["certainty"]
    assert ":1: claims.0.certainty: field is missing" in _refused(ws, [_line([c])])
    c = claim("27 civilians")
    del c["source"]["name"]
    assert ":1: claims.0.source.name: field is missing" in _refused(ws, [_line([c])])
    assert ":1: field 'claims' is required" in _refused(ws, ['{"doc_id": "d"}'])


def test_bad_enum(ws: Workspace) -> None:
    ws.doc("d", TEXT)
    message = _refused(ws, [_line([claim("27 civilians", kind="rumour")])])
    assert ":1: claims.0.kind: Input should be 'casualty'" in message
    bad_victims = claim("27 civilians", casualty=(27, "killed", "people"))
    assert ":1: claims.0.casualty.victims:" in _refused(ws, [_line([bad_victims])])


def test_count_must_be_an_integer(ws: Workspace) -> None:
    ws.doc("d", TEXT)
    c = claim("27 civilians", casualty=(27, "killed", "civilians"))
    c["casualty"]["count"] = "27"
    assert ":1: claims.0.casualty.count:" in _refused(ws, [_line([c])])


def test_casualty_object_exactly_for_casualty_kind(ws: Workspace) -> None:
    ws.doc("d", TEXT)
    assert "casualty is null" in _refused(ws, [_line([claim("27 civilians", kind="casualty")])])
    c = claim("27 civilians", casualty=(27, "killed", "civilians"))
    c["kind"] = "event"
    assert "kind is 'event'" in _refused(ws, [_line([c])])


def test_author_consistency(ws: Workspace) -> None:
    ws.doc("d", TEXT)
    named_author = claim("27 civilians", type="author")
    named_author["source"]["name"] = "the article"
    assert "source.name must be null" in _refused(ws, [_line([named_author])])
    nameless = claim("27 civilians", name=None, type="ngo")
    assert "source.name must be null" in _refused(ws, [_line([nameless])])
    assert "mode must be 'unattributed'" in _refused(
        ws, [_line([claim("27 civilians", mode="unattributed")])]
    )


def test_unknown_document_duplicate_and_error_record(ws: Workspace) -> None:
    ws.doc("d", TEXT)
    assert ":1: nope: document not found" in _refused(ws, [_line([], doc_id="nope")])
    assert ":2: doc_id 'd' already on line 1" in _refused(ws, [_line([]), _line([])])
    error = '{"doc_id": "d", "error": "boom"}'
    assert ":1: gold line is an error record" in _refused(ws, [error])


def test_empty_gold_file(ws: Workspace) -> None:
    (ws.root / "gold.jsonl").write_text("\n")
    with pytest.raises(InputError, match="no documents"):
        read_gold(ws.root / "gold.jsonl", ws.store())


def test_pred_allows_ungrounded_and_error_records(ws: Workspace) -> None:
    path = ws.pred(
        [
            {"doc_id": "d", "claims": [claim("words not in any text", grounding="none")]},
            {"doc_id": "e", "error": "backend down"},
        ]
    )
    records = read_pred(path)
    assert [r.failed for r in records] == [False, True]


def test_pred_still_schema_checked(ws: Workspace) -> None:
    path = ws.pred([{"doc_id": "d", "claims": [claim("x", grounding="maybe")]}])
    with pytest.raises(InputError, match=r"pred.jsonl:1: claims.0.grounding"):
        read_pred(path)
