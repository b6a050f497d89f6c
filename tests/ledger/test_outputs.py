"""CSV, JSON, markdown and the offline HTML page; the `ledger` command and `POST /v1/ledger`."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from claimtrace.cli import app
from claimtrace.extractor import Extractor
from claimtrace.http import ServiceConfig, create_app
from claimtrace.ledger.build import build, ledger_json
from claimtrace.ledger.context import Sources
from claimtrace.ledger.html import to_html
from claimtrace.ledger.tables import CSV_COLUMNS, to_csv, to_markdown

from .helpers import casualty, record

RECORDS = [
    record("a", [casualty("at least 58 people were killed", 58, qualifier="at_least",
                          location="Khan Sheikhoun", period="on Tuesday")],
           day="2017-04-05", outlet="ahram"),
    record("b", [casualty("50 people were killed", 50, location="Idlib", period="Tuesday",
                          source="SANA", source_type="state_media")],
           day="2017-04-06", outlet="sana"),
]  # fmt: skip


@pytest.fixture
def ledger() -> dict[str, object]:
    return ledger_json(build(RECORDS, Sources()))


def test_csv_has_a_row_per_figure(ledger: dict[str, object]) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(ledger))))
    assert [tuple(rows[0])] == [CSV_COLUMNS]
    assert [r["count"] for r in rows] == ["58", "50"]
    assert {r["tally"] for r in rows} == {"t01"} and rows[0]["flag"] == "conflict"


def test_markdown_table(ledger: dict[str, object]) -> None:
    text = to_markdown(ledger)
    assert "| t01: killed people, Khan Sheikhoun (Idlib) | conflict |" in text
    assert "a [0:30]" not in text  # no span given and no text: offsets unknown
    assert "at least 58" in text and "SANA (state_media)" in text


def test_html_is_one_offline_file(ledger: dict[str, object]) -> None:
    page = to_html(ledger)
    assert "<svg" in page and "<circle" in page
    assert not re.search(r"https?://", page)  # nothing to load: no CDN, no fonts, no links
    assert "<script src" not in page and "<link" not in page and "@import" not in page


def test_cli_writes_four_files(tmp_path: Path) -> None:
    pred = tmp_path / "out.jsonl"
    pred.write_text("".join(r.model_dump_json() + "\n" for r in RECORDS), encoding="utf-8")
    result = CliRunner().invoke(app, ["ledger", str(pred), "--out", str(tmp_path / "L")])
    assert result.exit_code == 0, result.output
    assert "2 figures from 2 documents: 1 tallies" in result.output
    written = json.loads((tmp_path / "L" / "ledger.json").read_text(encoding="utf-8"))
    assert written["summary"]["conflict"] == 1
    assert {p.name for p in (tmp_path / "L").iterdir()} == {
        "ledger.json", "ledger.csv", "ledger.md", "ledger.html"}  # fmt: skip


@pytest.fixture
def service() -> TestClient:
    app_ = create_app(Extractor(strategy="rules", cache=False), ServiceConfig())
    return TestClient(app_)


def test_route_takes_records_or_jsonl(service: TestClient, ledger: dict[str, object]) -> None:
    body = [json.loads(r.model_dump_json()) for r in RECORDS]
    as_list = service.post("/v1/ledger", json=body)
    assert as_list.status_code == 200, as_list.text
    assert as_list.json()["tallies"] == ledger["tallies"]
    jsonl = "".join(r.model_dump_json() + "\n" for r in RECORDS)
    as_text = service.post("/v1/ledger", json=jsonl)
    assert as_text.json() == as_list.json()


def test_route_refuses_bad_records_and_is_documented(service: TestClient) -> None:
    bad = service.post("/v1/ledger", json=[{"claims": []}])
    assert bad.status_code in (400, 422) and "doc_id" in bad.text
    spec = service.get("/openapi.json").json()["paths"]["/v1/ledger"]["post"]
    examples = spec["requestBody"]["content"]["application/json"]["examples"]
    assert set(examples) == {"records", "jsonl"}
