"""Parquet shards (`--format parquet`): the same records and the same exactly-once rules as
JSON Lines, one schema in every shard, DIR readable as one table, and the refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrace.batch.check import check
from claimtrace.batch.formats import shard_format
from claimtrace.batch.inputs import read_input
from claimtrace.batch.options import BatchOptions
from claimtrace.batch.run import BatchSummary, EngineChoice, run_batch
from claimtrace.batch.shards import OutputDir
from claimtrace.errors import InputError
from claimtrace.schema import (
    Casualty,
    ClaimRecord,
    DocumentMeta,
    DocumentRecord,
    ErrorRecord,
    Source,
    Span,
    Stats,
    Timings,
    Usage,
)

from .conftest import cli, dev_articles, python, write_jsonl
from .test_shards import failed, ok

pa = pytest.importorskip("pyarrow")
ds = pytest.importorskip("pyarrow.dataset")
pq = pytest.importorskip("pyarrow.parquet")
pc = pytest.importorskip("pyarrow.compute")

QUIET = EngineChoice("local", progress=False)


def full(doc_id: str) -> DocumentRecord:
    """A record using every field: a casualty claim, an author's claim (nulls), meta, stats."""
    casualty = ClaimRecord(
        evidence="Rebels killed 12 soldiers, SANA said.",
        statement="Rebels killed 12 soldiers.",
        source=Source(name="SANA", type="state_media"),
        cue="said",
        mode="direct",
        kind="casualty",
        certainty="asserted",
        casualty=Casualty(
            count=12,
            qualifier="at_least",
            outcome="killed",
            victims="security_forces",
            location="Idlib",
            period=None,
        ),
        span=Span(start=0, end=37),
        grounding="exact",
    )
    author = ClaimRecord.model_validate(
        {
            **casualty.model_dump(),
            "evidence": "The town is quiet — «calm» now.",
            "source": {"name": None, "type": "author"},
            "cue": None,
            "mode": "unattributed",
            "kind": "event",
            "certainty": "hedged",
            "casualty": None,
            "grounding": "fuzzy",
        }
    )
    return DocumentRecord(
        doc_id=doc_id,
        claims=[casualty, author],
        model="qwen",
        prompt_version="p1",
        schema_version="s1",
        usage=Usage(prompt_tokens=900, completion_tokens=40, cached_prompt_tokens=12),
        timings=Timings(total_s=1.2345678901234, model_s=0.1),
        cache_hit=True,
        stats=Stats(calls=2, retries=1, retry_reasons=["timeout"], chunks=2),
        warnings=["chunk 2 was cut"],
        meta=DocumentMeta(outlet="SANA", date="2016-03-01", title=None),
    )


def parquet_dir(path: Path) -> OutputDir:
    return OutputDir(path, shard_format("parquet"))


def run(source: Path, out: Path, retry_errors: bool = False, fmt: str = "parquet") -> BatchSummary:
    documents = read_input(str(source)).documents
    options = BatchOptions(strategy="rules", shard_size=2, shard_format=fmt)
    return run_batch(str(source), documents, out, [], options, QUIET, retry_errors)


def test_parquet_reads_back_the_records_json_lines_does(tmp_path: Path) -> None:
    records = [full("claims"), ok("no-claims"), failed("error", "text is empty")]
    jsonl = OutputDir(tmp_path / "jsonl")
    parquet = parquet_dir(tmp_path / "parquet")
    for out in (jsonl, parquet):
        out.path.mkdir()
        out.write_shard("run1", 0, records)
    assert [s.name for s in parquet.shards()] == ["part-run1-000000.parquet"]
    expected = {r.doc_id: r for r in records}
    assert OutputDir(parquet.path).records() == expected
    assert jsonl.records() == expected


def test_every_shard_has_the_one_schema_and_dir_reads_as_one_table(tmp_path: Path) -> None:
    out = parquet_dir(tmp_path)
    with out.lock():
        out.prepare("rules", "in.jsonl")
        out.write_shard("run1", 0, [failed("a")])  # every document column null
        out.write_shard("run1", 1, [ok("b")])  # no claims, no meta
        out.write_shard("run1", 2, [full("c"), ok("d")])
    schemas = [pq.read_schema(shard) for shard in out.shards()]
    assert len(schemas) == 3
    assert all(schema.equals(schemas[0]) for schema in schemas)
    assert schemas[0].field("claims").type.value_type.field("casualty").type.num_fields == 6
    table = ds.dataset(tmp_path).to_table()  # the manifest (`_manifest.json`) is skipped
    assert table.num_rows == 4
    assert sorted(table.column("doc_id").to_pylist()) == ["a", "b", "c", "d"]
    assert table.column("error").null_count == 3
    claims = pc.list_flatten(table.column("claims"))
    assert pc.struct_field(claims, "casualty").to_pylist()[0]["count"] == 12


def test_fold_drops_a_superseded_record_from_a_parquet_shard(tmp_path: Path) -> None:
    out = parquet_dir(tmp_path)
    out.write_shard("run1", 0, [failed("a"), ok("b"), failed("c")])
    out.write_shard("run2", 0, [ok("a"), failed("b"), full("c")])  # b: a document beats an error
    before = check(tmp_path, ["a", "b", "c"])
    assert (before.duplicated, before.ok) == (3, False)
    assert out.fold() == 3
    first = pq.read_table(tmp_path / "part-run1-000000.parquet")
    assert first.column("doc_id").to_pylist() == ["b"]
    second = pq.read_table(tmp_path / "part-run2-000000.parquet")
    assert second.column("doc_id").to_pylist() == ["a", "c"]
    assert first.schema.equals(second.schema)
    assert out.records() == {"a": ok("a"), "b": ok("b"), "c": full("c")}
    after = check(tmp_path, ["a", "b", "c"])
    assert (after.records, after.errors, after.duplicated, after.ok) == (3, 0, 0, True)


def test_an_unreadable_parquet_shard_fails_the_check(tmp_path: Path) -> None:
    out = parquet_dir(tmp_path)
    out.write_shard("run1", 0, [ok("a")])
    (tmp_path / "part-run1-000001.parquet").write_bytes(b"not parquet")
    # another tool's part file (Spark's names look like ours): no `error` column
    pq.write_table(pa.table({"doc_id": [1, 2]}), tmp_path / "part-00000-abc.snappy.parquet")
    result = check(tmp_path, ["a"])
    assert (result.records, result.unreadable, result.ok) == (1, 2, False)


def test_a_shard_written_before_a_field_was_added_reads_with_its_default(
    tmp_path: Path,
) -> None:
    out = parquet_dir(tmp_path)
    shard = out.write_shard("run1", 0, [ok("a"), failed("b")])
    pq.write_table(pq.read_table(shard).drop_columns(["warnings", "meta"]), shard)
    assert out.records() == {"a": ok("a"), "b": failed("b")}


def test_resume_and_retry_errors_with_parquet(tmp_path: Path) -> None:
    docs = list(dev_articles(3))
    source = write_jsonl(tmp_path / "in.jsonl", [*docs, ("blank", "   ")])
    out = tmp_path / "out"
    first = run(source, out)
    assert (first.written, first.failed) == (4, 1)
    assert isinstance(OutputDir(out).records()["blank"], ErrorRecord)
    write_jsonl(source, [*docs, ("blank", docs[0][1])])  # the input was fixed
    again = run(source, out)
    assert (again.written, again.skipped) == (0, 4)
    retried = run(source, out, retry_errors=True)
    assert (retried.written, retried.failed) == (1, 0)
    assert isinstance(OutputDir(out).records()["blank"], DocumentRecord)
    assert ds.dataset(out).to_table().num_rows == 4  # the fold left each id once
    result = check(out, [d for d, _ in docs] + ["blank"])
    assert (result.records, result.errors, result.ok) == (4, 0, True)
    assert OutputDir(out).manifest()["shards"] == "parquet"
    assert not list(out.glob("*.jsonl"))


def test_a_dir_keeps_its_format(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [("blank", " ")])  # an error: no parse needed
    run(source, tmp_path / "jsonl", fmt="jsonl")
    with pytest.raises(InputError, match="holds jsonl shards; go on with --format jsonl"):
        run(source, tmp_path / "jsonl", fmt="parquet")
    run(source, tmp_path / "parquet")
    with pytest.raises(InputError, match="holds parquet shards; go on with --format parquet"):
        run(source, tmp_path / "parquet", fmt="jsonl")


def test_cli_with_parquet_gives_the_records_of_a_json_lines_run(tmp_path: Path) -> None:
    docs = list(dev_articles(4))
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    out = tmp_path / "out"
    result = cli(str(source), "--out", str(out), "-q", "--shard-size", "3", "--format", "parquet")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("part-")) == [
        "_manifest.json"
    ]
    assert [s.suffix for s in OutputDir(out).shards()] == [".parquet", ".parquet"]
    checked = cli("--check", str(out), "--input", str(source))
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.splitlines()[0] == "4 input ids; 4 records, 0 errors in 2 shards"
    run(source, tmp_path / "jsonl", fmt="jsonl")
    as_jsonl = OutputDir(tmp_path / "jsonl").records()
    as_parquet = OutputDir(out).records()
    assert as_parquet.keys() == {d for d, _ in docs}
    assert any(r.claims for r in as_parquet.values())  # type: ignore[union-attr]
    for doc_id, record in as_parquet.items():
        assert record.claims == as_jsonl[doc_id].claims  # type: ignore[union-attr]
    again = cli(str(source), "--out", str(out), "-q", "--retry-errors")  # no --format: DIR's
    assert again.returncode == 0, again.stderr
    assert [s.suffix for s in OutputDir(out).shards()] == [".parquet", ".parquet"]
    refused = cli(str(source), "--out", str(out), "-q", "--format", "jsonl")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1] == (
        f"error: {out}: holds parquet shards; go on with --format parquet (or no --format), "
        "or use another --out for --format jsonl"
    )


def test_parquet_without_pyarrow_is_one_error_line(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [("a", "Text.")])
    code = (
        "import sys\n"
        "sys.modules['pyarrow'] = None  # as if not installed\n"
        "from claimtrace.cli import main\n"
        f"sys.argv = ['claimtrace', 'batch', {str(source)!r}, '--out', {str(tmp_path / 'out')!r},"
        " '--format', 'parquet']\n"
        "main()\n"
    )
    result = python(code)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: Parquet shards need pyarrow (pyarrow not installed): "
        "pip install 'claimtrace[batch]'"
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_ray_writes_parquet_shards(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    docs = dev_articles(24)
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    documents = read_input(str(source)).documents
    options = BatchOptions(strategy="rules", shard_size=10, shard_format="parquet")
    ray = EngineChoice("ray", batch_size=4, progress=False)
    summary = run_batch(str(source), documents, tmp_path / "ray", [], options, ray)
    assert (summary.written, summary.failed) == (24, 0)
    assert len(OutputDir(tmp_path / "ray").shards()) == 3
    assert ds.dataset(tmp_path / "ray").to_table().num_rows == 24
    assert check(tmp_path / "ray", [d for d, _ in docs]).ok
    local = BatchOptions(strategy="rules", shard_format="jsonl")
    run_batch(str(source), documents, tmp_path / "local", [], local, QUIET)
    on_ray = OutputDir(tmp_path / "ray").records()
    for doc_id, record in OutputDir(tmp_path / "local").records().items():
        assert record.claims == on_ray[doc_id].claims  # type: ignore[union-attr]
