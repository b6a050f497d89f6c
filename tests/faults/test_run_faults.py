"""Fault matrix, whole runs through the CLI: good output is never clobbered, finished
documents are kept, `--resume` completes the set, and stderr is claimtrace's own lines."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from .conftest import cli, cli_process, write_docs
from .upstream import FakeUpstream

GOOD = '{"doc_id": "old", "claims": []}\n'


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _wait_for_lines(path: Path, n: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file() and len(path.read_text().splitlines()) >= n:
            return
        time.sleep(0.1)
    raise AssertionError(f"{path} never held {n} lines")


def test_a_run_against_a_dead_upstream_leaves_good_output_alone(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", {"a": None, "b": None})
    out = tmp_path / "out.jsonl"
    out.write_text(GOOD)
    done = cli(str(docs), "-o", str(out), base_url="http://127.0.0.1:9/v1")
    assert done.returncode != 0
    assert out.read_text() == GOOD
    assert done.stderr.count("\n") == 1 and "cannot reach http://127.0.0.1:9/v1" in done.stderr
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob(".*.tmp"))


def test_ctrl_c_keeps_finished_documents_and_resume_completes_the_set(
    tmp_path: Path, upstream: FakeUpstream
) -> None:
    docs = write_docs(tmp_path / "docs", {"a": None, "b": None, "c": "hang", "d": None})
    out = tmp_path / "out.jsonl"
    out.write_text(GOOD)
    run = cli_process(str(docs), "-o", str(out), "--concurrency", "4", base_url=upstream.base_url)
    partial = tmp_path / "out.jsonl.partial"
    _wait_for_lines(partial, 3)
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=30)
    assert run.returncode == 130
    assert stderr.strip().splitlines()[-1] == (
        f"error: interrupted: 3 finished documents kept in {partial}; "
        "run again with --resume to go on"
    )
    assert out.read_text() == GOOD  # not replaced by an unfinished run

    with FakeUpstream(healed=frozenset({"hang"})) as healed:
        again = cli(str(docs), "-o", str(out), "--resume", base_url=healed.base_url)
        assert sum(healed.calls.values()) == 1  # only the document that was not done
    assert again.returncode == 0, again.stderr
    assert [r["doc_id"] for r in _lines(out)] == ["a", "b", "c", "d"]
    assert not partial.exists()


def test_a_killed_run_leaves_no_stray_file_after_the_next_run(
    tmp_path: Path, upstream: FakeUpstream
) -> None:
    docs = write_docs(tmp_path / "docs", {"a": None, "b": "hang"})
    out = tmp_path / "out.jsonl"
    run = cli_process(str(docs), "-o", str(out), "--concurrency", "2", base_url=upstream.base_url)
    _wait_for_lines(tmp_path / "out.jsonl.partial", 1)
    run.kill()
    run.wait(timeout=10)
    (tmp_path / ".out.jsonl.k1ll3d.tmp").write_text("half a file")  # killed mid-rename
    with FakeUpstream(healed=frozenset({"hang"})) as healed:
        again = cli(str(docs), "-o", str(out), base_url=healed.base_url)
    assert again.returncode == 0
    assert "starting over (--resume keeps them)" in again.stderr
    assert [r["doc_id"] for r in _lines(out)] == ["a", "b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "docs", "out.jsonl"]


def test_every_document_ends_as_one_record_or_one_error_line(
    tmp_path: Path, upstream: FakeUpstream
) -> None:
    faults = {"ok": None, "html": "html", "c400": "400", "empty": "empty", "e500": "500"}
    docs = write_docs(tmp_path / "docs", faults)
    out = tmp_path / "out.jsonl"
    done = cli(str(docs), "-o", str(out), base_url=upstream.base_url)
    assert done.returncode == 1  # some documents failed
    records = _lines(out)
    assert sorted(r["doc_id"] for r in records) == sorted(faults)
    assert sum("error" in r for r in records) == 4
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert sorted(line.split()[1] for line in errors) == ["c400:", "e500:", "empty:", "html:"]
    # claimtrace's own lines only: no instructor retry logs, no tracebacks
    assert all(line.startswith(("error:", "claimtrace:")) for line in done.stderr.splitlines()[:-1])
    assert "Traceback" not in done.stderr and "Max retries" not in done.stderr
