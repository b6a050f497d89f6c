"""The output directory: which record wins, folding, the check, atomic shards, the lock."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claimtrace.batch.check import check
from claimtrace.batch.formats import shard_format
from claimtrace.batch.shards import OutputDir
from claimtrace.errors import InputError
from claimtrace.schema import DocumentRecord, ErrorRecord


def ok(doc_id: str) -> DocumentRecord:
    return DocumentRecord(
        doc_id=doc_id, claims=[], model="rules", prompt_version="p", schema_version="s"
    )


def failed(doc_id: str, why: str = "boom") -> ErrorRecord:
    return ErrorRecord(doc_id=doc_id, error=why)


def test_a_record_beats_an_error_and_later_shards_win(tmp_path: Path) -> None:
    out = OutputDir(tmp_path)
    out.write_shard("run1", 0, [failed("a"), ok("b"), failed("c", "first")])
    out.write_shard("run2", 0, [ok("a"), failed("b"), failed("c", "second")])
    records = out.records()
    assert isinstance(records["a"], DocumentRecord)
    assert isinstance(records["b"], DocumentRecord)  # a later error never replaces a record
    assert records["c"].error == "second"  # type: ignore[union-attr]
    assert out.read().done(retry_errors=True) == {"a", "b"}
    assert out.read().done(retry_errors=False) == {"a", "b", "c"}


def test_fold_leaves_each_id_once_and_check_agrees(tmp_path: Path) -> None:
    out = OutputDir(tmp_path)
    out.write_shard("run1", 0, [failed("a"), ok("b")])
    out.write_shard("run2", 0, [ok("a")])
    before = check(tmp_path, ["a", "b", "c"])
    assert (before.missing, before.duplicated, before.ok) == (1, 1, False)
    assert out.fold() == 1
    lines = [json.loads(x) for s in out.shards() for x in s.read_text().splitlines()]
    assert sorted(line["doc_id"] for line in lines) == ["a", "b"]
    after = check(tmp_path, ["a", "b"])
    assert (after.records, after.errors, after.duplicated, after.ok) == (2, 0, 0, True)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_fold_removes_a_shard_left_empty(tmp_path: Path, fmt: str) -> None:
    out = OutputDir(tmp_path, shard_format(fmt))
    out.write_shard("run1", 0, [failed("a")])
    out.write_shard("run2", 0, [ok("a")])
    out.fold()
    assert [s.name for s in out.shards()] == [f"part-run2-000000.{fmt}"]


def test_shards_are_renamed_into_place_and_stale_temp_files_go(tmp_path: Path) -> None:
    out = OutputDir(tmp_path)
    with out.lock():
        (tmp_path / ".part-x.jsonl.abc.tmp").write_text('{"doc_id": "half', encoding="utf-8")
        out.prepare("rules", "in.jsonl")
        out.write_shard("run1", 0, [ok("a")])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "_manifest.json",
        "part-run1-000000.jsonl",
    ]
    assert oct(os.stat(out.shards()[0]).st_mode & 0o777) == "0o644"


def test_another_strategy_is_refused(tmp_path: Path) -> None:
    out = OutputDir(tmp_path)
    with out.lock():
        out.prepare("rules", "in.jsonl")
    with pytest.raises(InputError, match="holds rules records"), out.lock():
        out.prepare("article", "in.jsonl")


def test_a_live_lock_refuses_and_a_stale_one_is_taken_over(tmp_path: Path) -> None:
    out = OutputDir(tmp_path)
    with out.lock(), pytest.raises(InputError, match="another batch run"), out.lock():
        pass
    (tmp_path / ".lock").write_text(f"{os.uname().nodename} 999999999")
    with out.lock():
        assert (tmp_path / ".lock").read_text().endswith(str(os.getpid()))
    assert not (tmp_path / ".lock").exists()


def test_an_earlier_dirs_manifest_json_is_read_and_kept(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        json.dumps({"format": "claimtrace-batch/1", "strategy": "rules", "runs": []}),
        encoding="utf-8",
    )
    out = OutputDir(tmp_path)
    with out.lock():
        out.prepare("rules", "in.jsonl")
        out.record_run({"run": "run1", "todo": 1})
    assert not (tmp_path / "_manifest.json").exists()  # one manifest, under its old name
    assert [r["run"] for r in out.manifest()["runs"]] == ["run1"]
    with pytest.raises(InputError, match="holds rules records"):
        OutputDir(tmp_path).prepare("parse", "in.jsonl")
