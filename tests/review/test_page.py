"""The page: self-contained, data that round-trips whatever the articles hold, and the command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from claimtrace.review.data import page_data
from claimtrace.review.page import render_page, script_json

from .conftest import HOSTILE, Run

ROOT = Path(__file__).resolve().parents[2]
DATA = re.compile(r'<script type="application/json" id="review-data">(.*?)</script>', re.S)


def report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from claimtrace.cli import main; main()", "report", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def page(run: Run, tmp_path: Path) -> str:
    out = tmp_path / "report.html"
    done = report(str(run.records), "--docs", str(run.docs), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "2 documents" not in done.stdout and "3 documents, 6 claims, 1 failed" in done.stdout
    return out.read_text(encoding="utf-8")


def test_page_loads_nothing_from_the_network(page: str) -> None:
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import|url\(", page)


def test_embedded_data_round_trips_hostile_text(page: str, run: Run) -> None:
    blocks = DATA.findall(page)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data == json.loads(json.dumps(page_data(run.review)))
    assert data["docs"][0]["text"] == HOSTILE
    # the article's markup appears only as JSON escapes
    assert "<!--" not in page and "alert(1)</script>" not in page
    assert page.count("</script>") == 2  # the data block and the page's script


def test_script_json_escapes_what_could_end_a_script() -> None:
    value = {"t": "</script><!-- & \u2028 {{x}}"}
    text = script_json(value)
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == value


def test_failed_documents_are_listed(page: str) -> None:
    data = json.loads(DATA.findall(page)[0])
    assert data["failed"] == [
        {"doc_id": "broken", "error": "broken: not UTF-8 text (byte 0xff at offset 3)"}
    ]
    assert data["docs"][2]["text"] is None  # "elsewhere" has no text: shown, not exported


def test_title_is_escaped(run: Run) -> None:
    page = render_page(page_data(run.review), "<i>{{data}}</i>")
    assert "<title>&lt;i&gt;{{data}}&lt;/i&gt;</title>" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no/such.jsonl", "--out", "x.html"], "error: no/such.jsonl: no such file"),
        (["evals/gold/dev.jsonl", "--docs", "no/dir", "--out", "x.html"], "no/dir: no such dir"),
        (["evals/gold/dev.jsonl", "--corpus", "no.csv", "-o", "x.html"], "corpus file not found"),
        (["evals/gold/dev.jsonl"], "error: Missing option '--out'"),
    ],
)
def test_errors_are_one_line(args: list[str], message: str) -> None:
    done = report(*args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr


def test_unreadable_records_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "a", "claims": []}\n{"doc_id": "b", "claims": [{}]}\n')
    done = report(str(bad), "--out", str(tmp_path / "r.html"))
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {bad}:2: claims.0.evidence: field is missing")
    assert not (tmp_path / "r.html").exists()


def test_unwritable_out_is_one_line(run: Run, tmp_path: Path) -> None:
    done = report(
        str(run.records), "--docs", str(run.docs), "--out", str(tmp_path / "no" / "r.html")
    )
    assert (
        done.returncode == 2 and done.stderr.startswith("error: ") and "cannot write" in done.stderr
    )
