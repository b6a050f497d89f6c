"""INPUT as JSON Lines, CSV (extract's columns) and Parquet; bad input is one error line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from claimtrace.batch.inputs import Columns, read_input
from claimtrace.errors import InputError
from claimtrace.load import CorpusColumns

from .conftest import cli


def test_jsonl_with_named_fields_keeps_first_of_repeated_ids(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [{"key": 7, "body": "one"}, {"key": "8", "body": "two"}, {"key": 7, "body": "again"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    found = read_input(str(path), Columns("key", "body"))
    assert found.ids == ["7", "8"]
    assert found.repeated == 1
    assert found.documents[0].text == "one"  # type: ignore[union-attr]


def test_csv_reads_fakes_columns_and_own_columns(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "article_content", "source"])
        writer.writerow(["11", "Text, with a comma\nand a newline.", "SANA"])
    assert read_input(str(path)).ids == ["fakes-11"]
    own = CorpusColumns(id="source", text="article_content", prefix="")
    assert read_input(str(path), corpus=own).ids == ["SANA"]


def test_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"doc_id": ["a", "b"], "text": ["x", "y"]}), path)
    assert read_input(str(path)).ids == ["a", "b"]
    with pytest.raises(InputError, match="no column 'body'"):
        read_input(str(path), Columns("doc_id", "body"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("in.jsonl", '{"doc_id": "a"}\n', "line 1: no field 'text'"),
        ("in.jsonl", "not json\n", "line 1: not JSON"),
        ("in.jsonl", "", "no documents"),
        ("in.txt", "x", "unknown input type"),
        ("in.parquet", "not parquet", "not a readable Parquet file"),
    ],
)
def test_bad_input_is_one_input_error(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_input(str(path))


def test_cli_bad_input_is_one_error_line(tmp_path: Path) -> None:
    result = cli(str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: {tmp_path}/missing.jsonl: no such file"]
