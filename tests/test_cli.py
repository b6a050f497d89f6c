"""CLI error paths: one clear line, a non-zero exit, never a traceback."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
        (["models", "pull"], "Missing argument 'NAME'"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], text: str) -> None:
    result = run(*args)
    one_error_line(result, 2, text)
    assert len(result.stderr.strip().splitlines()) == 1


def _help_paths() -> list[list[str]]:
    """Every command and group, as the words before `--help`."""
    import typer

    from claimtrace.cli import app

    def walk(command: Any, prefix: list[str]) -> list[list[str]]:
        found = [prefix]
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            found += walk(sub, [*prefix, name])
        return found

    return walk(typer.main.get_command(app), [])


@pytest.mark.parametrize("words", _help_paths(), ids=lambda words: " ".join(words) or "claimtrace")
def test_help_fits_80_columns(words: list[str]) -> None:
    from typer.testing import CliRunner

    from claimtrace.cli import app

    result = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0 and "Usage" in result.output, result.output
    too_long = [line for line in result.output.splitlines() if len(line) > 80]
    assert not too_long, "\n".join(too_long)
    assert "…" not in result.output, result.output


def _own_csv(tmp_path: Path) -> Path:
    path = tmp_path / "mine.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["key", "body", "paper", "day"])
        writer.writerow(
            ["a-1", "Activists said 12 civilians were killed in Douma.", "Times", "2024-01-02"]
        )
        writer.writerow(["b-2", 'Police said "three, maybe four" people died.', "Post", ""])
    return path


def test_own_csv_with_id_col_and_csv_output(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run(
        "extract", "--corpus", str(_own_csv(tmp_path)), "--all", "--id-col", "key",
        "--text-col", "body", "--outlet-col", "paper", "--date-col", "day",
        "--format", "csv", "-o", str(out), "-q",
    )  # fmt: skip
    assert result.returncode == 0 and result.stderr == "", result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["doc_id"] for r in rows} == {"a-1", "b-2"}
    first = next(r for r in rows if r["doc_id"] == "a-1" and r["count"])
    assert (first["outlet"], first["date"], first["count"]) == ("Times", "2024-01-02", "12")
    assert first["evidence"] and first["start"] and first["end"]


def test_own_csv_ids_and_prefix(tmp_path: Path) -> None:
    result = run(
        "extract", "--corpus", str(_own_csv(tmp_path)), "--ids", "b-2", "--id-col", "key",
        "--text-col", "body", "--id-prefix", "mine-",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["doc_id"] for line in result.stdout.splitlines()] == ["mine-b-2"]


def test_missing_column_is_one_error_line(tmp_path: Path) -> None:
    result = run("extract", "--corpus", str(_own_csv(tmp_path)), "--all", "--id-col", "key")
    one_error_line(result, 2, "mine.csv: no column 'article_content'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_column_options_need_a_corpus() -> None:
    one_error_line(run("extract", "seeds/", "--id-col", "key"), 2, "need --corpus")


def test_fakes_rows_keep_their_prefix_and_meta() -> None:
    result = run("extract", "--corpus", "evals/corpus/fa-kes.csv", "--ids", "1923848198")
    record = json.loads(result.stdout)
    assert record["doc_id"] == "fakes-1923848198" and record["meta"]["outlet"] == "ahram"
