"""CLI error paths: one clear line, a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from claimtrace.cli import main; main()", *args],
        input=stdin.decode(),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def one_error_line(result: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert result.returncode == code, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors and text in errors[0], result.stderr
    assert "Traceback" not in result.stderr


def test_missing_path() -> None:
    one_error_line(run("extract", "no/such.txt"), 2, "no/such.txt: no such file or directory")


def test_nothing_to_extract() -> None:
    one_error_line(run("extract"), 2, "nothing to extract")


def test_ids_without_corpus() -> None:
    one_error_line(run("extract", "--ids", "1"), 2, "--ids and --all need --corpus")


def test_corpus_without_ids_asks_for_all() -> None:
    one_error_line(run("extract", "--corpus", "evals/corpus/fa-kes.csv"), 2, "or --all")


def test_ids_take_a_comma_list() -> None:
    result = run("extract", "--corpus", "evals/corpus/fa-kes.csv", "--ids", "1923848296,1926479088")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["doc_id"] for line in result.stdout.splitlines()] == [
        "fakes-1923848296",
        "fakes-1926479088",
    ]


def test_short_help() -> None:
    result = run("extract", "-h")
    assert result.returncode == 0 and "--strategy" in result.stdout


def test_cache_clear_without_yes_removes_nothing(tmp_path: Path) -> None:
    one_error_line(run("cache", "clear", "--cache-dir", str(tmp_path)), 2, "pass --yes")
    cleared = run("cache", "clear", "--cache-dir", str(tmp_path), "--yes")
    assert cleared.returncode == 0 and "removed 0" in cleared.stdout


def test_unknown_corpus_id() -> None:
    one_error_line(
        run("extract", "--corpus", "evals/corpus/fa-kes.csv", "--ids", "42"),
        2,
        "unknown unit_id(s): 42",
    )


def test_unknown_model() -> None:
    one_error_line(run("models", "pull", "nope"), 2, "unknown model 'nope'")


def test_unreachable_base_url() -> None:
    one_error_line(
        run(
            "extract",
            "seeds/000_aa2bfda4a1e8c99a.txt",
            "--strategy",
            "parse",
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--model",
            "m",
        ),
        3,
        "cannot reach http://127.0.0.1:9/v1",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty or whitespace only"),
        (b"  \n ", "empty or whitespace only"),
        (b"\x00\x01binary", "binary file"),
        ("café".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_documents_write_error_records(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "out.jsonl"
    # Bad documents fail before the endpoint is touched (nothing listens on port 9).
    result = run(
        "extract",
        str(bad),
        "--out",
        str(out),
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--model",
        "m",
    )
    one_error_line(result, 1, message)
    assert message in out.read_text() and '"doc_id":"bad"' in out.read_text()


def test_help_on_every_command() -> None:
    for args in (
        ["--help"],
        ["extract", "--help"],
        ["models", "list", "--help"],
        ["llm", "start", "--help"],
        ["cache", "stats", "--help"],
        ["eval", "--help"],
    ):
        result = run(*args)
        assert result.returncode == 0 and "Usage" in result.stdout, args


def test_five_megabyte_article_is_refused_with_an_error_record(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("The monitor said 3 people were killed. " * 140_000)  # about 5.3 MB
    out = tmp_path / "out.jsonl"
    result = run("extract", str(big), "--out", str(out), "--base-url", "http://127.0.0.1:9/v1")
    one_error_line(result, 1, "over the limit of 500,000 (raise it with --max-chars)")
    assert '"error"' in out.read_text()


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["extract", "--passes", "9", "seeds/"], "Invalid value for '--passes'"),
        (["extract", "--nope"], "No such option: --nope"),
        (["models", "pull"], "Missing argument 'name'"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], text: str) -> None:
    result = run(*args)
    one_error_line(result, 2, text)
    assert len(result.stderr.strip().splitlines()) == 1
