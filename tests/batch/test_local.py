"""The local engine with the `rules` strategy: shards, resume, --retry-errors, --check, kills."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from claimtrace.batch.check import check
from claimtrace.batch.inputs import read_input
from claimtrace.batch.options import BatchOptions
from claimtrace.batch.run import EngineChoice, run_batch
from claimtrace.batch.shards import OutputDir
from claimtrace.extractor import Extractor
from claimtrace.schema import DocumentRecord, ErrorRecord

from .conftest import (
    SlowUpstream,
    cli,
    cli_process,
    dev_articles,
    kill_session,
    python,
    shard_lines,
    wait_for,
    write_jsonl,
)

QUIET = EngineChoice("local", progress=False)


def run(source: Path, out: Path, retry_errors: bool = False, shard_size: int = 5) -> object:
    documents = read_input(str(source)).documents
    options = BatchOptions(strategy="rules", shard_size=shard_size)
    return run_batch(str(source), documents, out, [], options, QUIET, retry_errors)


def test_rules_run_matches_extract_many_and_a_rerun_skips_everything(tmp_path: Path) -> None:
    docs = dev_articles(12)
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    out = tmp_path / "out"
    first = run(source, out)
    assert (first.written, first.skipped, first.failed) == (12, 0, 0)  # type: ignore[attr-defined]
    assert len(OutputDir(out).shards()) == 3
    expected = {r.doc_id: r for r in Extractor().extract_many(list(docs))}
    got = OutputDir(out).records()
    assert got.keys() == expected.keys()
    for doc_id, record in got.items():
        assert isinstance(record, DocumentRecord)
        assert record.claims == expected[doc_id].claims  # type: ignore[union-attr]
    again = run(source, out)
    assert (again.written, again.skipped) == (0, 12)  # type: ignore[attr-defined]
    assert check(out, [d for d, _ in docs]).ok


def test_retry_errors_replaces_the_error_and_leaves_each_id_once(tmp_path: Path) -> None:
    docs = list(dev_articles(3))
    source = write_jsonl(tmp_path / "in.jsonl", [*docs, ("blank", "   ")])
    out = tmp_path / "out"
    run(source, out)
    assert isinstance(OutputDir(out).records()["blank"], ErrorRecord)
    write_jsonl(source, [*docs, ("blank", docs[0][1])])  # the input was fixed
    assert run(source, out).written == 0  # type: ignore[attr-defined]  # errors kept without the flag
    retried = run(source, out, retry_errors=True)
    assert (retried.written, retried.failed) == (1, 0)  # type: ignore[attr-defined]
    assert isinstance(OutputDir(out).records()["blank"], DocumentRecord)
    ids = [line["doc_id"] for line in shard_lines(out)]
    assert sorted(ids) == sorted(d for d, _ in [*docs, ("blank", "")])
    result = check(out, ids)
    assert (result.records, result.errors, result.ok) == (4, 0, True)


def test_cli_run_and_check(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", list(dev_articles(4)))
    out = tmp_path / "out"
    result = cli(str(source), "--out", str(out), "-q", "--shard-size", "3")
    assert result.returncode == 0, result.stderr
    checked = cli("--check", str(out), "--input", str(source))
    assert checked.returncode == 0
    assert checked.stdout.splitlines()[0] == "4 input ids; 4 records, 0 errors in 2 shards"
    more = write_jsonl(tmp_path / "more.jsonl", [*dev_articles(4), ("extra", "Text.")])
    missing = cli("--check", str(out), "--input", str(more))
    assert missing.returncode == 1
    assert "missing 1," in missing.stdout


def test_the_local_engine_never_imports_ray(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", list(dev_articles(2)))
    code = (
        "import sys\n"
        "from claimtrace.cli import app\n"
        f"app(['batch', {str(source)!r}, '--out', {str(tmp_path / 'out')!r}, '-q'],"
        " standalone_mode=False)\n"
        "print(sorted(m for m in sys.modules if m == 'ray' or m.startswith('ray.')))\n"
    )
    result = python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_killed_run_leaves_whole_shards_and_the_next_run_completes_the_set(
    tmp_path: Path,
) -> None:
    docs = [(f"d{i:03d}", f"Rebels killed {i} soldiers, SANA said.") for i in range(60)]
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    out = tmp_path / "out"
    with SlowUpstream(latency=0.25) as fake:
        args = [str(source), "--out", str(out), "-q", "--strategy", "article", "--model", "fake"]
        args += ["--endpoint", fake.base_url, "--concurrency", "2", "--shard-size", "5"]
        args += ["--no-cache"]
        process = cli_process(*args)
        wait_for(lambda: len(list(out.glob("part-*.jsonl"))) >= 2)
        kill_session(process)
        before = shard_lines(out)
        assert 10 <= len(before) < 60
        assert len({line["doc_id"] for line in before}) == len(before)
        finished = cli(*args)
        assert finished.returncode == 0, finished.stderr
        assert fake.chats <= 60 + 2 + 5  # at most the in-flight and unwritten ones twice
    lines = shard_lines(out)
    assert sorted(line["doc_id"] for line in lines) == [d for d, _ in docs]
    assert all("error" not in line for line in lines)
    assert check(out, [d for d, _ in docs]).ok
    manifest = json.loads((out / "_manifest.json").read_text())
    assert [run.get("finished") is not None for run in manifest["runs"]] == [False, True]


def test_ctrl_c_keeps_the_finished_documents_and_says_so(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", dev_articles(200))
    out = tmp_path / "out"
    process = cli_process(str(source), "--out", str(out), "-q", "--shard-size", "5")
    wait_for(lambda: len(list(out.glob("part-*.jsonl"))) >= 1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    kept = len(shard_lines(out))
    assert stderr.strip().splitlines()[-1] == (
        f"error: interrupted: {kept} documents are in {out}; run the same command again to go on"
    )
    assert 5 <= kept < 200
