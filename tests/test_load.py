"""Loading documents: paths, stdin, corpus rows, and every kind of bad input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from claimtrace.errors import InputError
from claimtrace.load import (
    Document,
    DocumentStore,
    Unreadable,
    check_text,
    iter_corpus,
    iter_paths,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "evals" / "corpus" / "fa-kes.csv"


def test_directory_sorted_and_doc_ids(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("B said 2 died.")
    (tmp_path / "a.txt").write_text("A said 1 died.")
    (tmp_path / "notes.md").write_text("ignored")
    docs = list(iter_paths([str(tmp_path)]))
    assert [d.doc_id for d in docs] == ["a", "b"]


def test_missing_path_fails_the_command(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        list(iter_paths([str(tmp_path / "nope.txt")]))
    with pytest.raises(InputError, match="no .txt files"):
        list(iter_paths([str(tmp_path)]))


def test_binary_and_non_utf8_files_fail_only_themselves(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "latin.txt").write_bytes("café said 3 died".encode("latin-1"))
    (tmp_path / "ok.txt").write_text("Fine: 3 died.")
    loaded = {d.doc_id: d for d in iter_paths([str(tmp_path)])}
    assert isinstance(loaded["bin"], Unreadable) and "binary" in loaded["bin"].error
    assert isinstance(loaded["latin"], Unreadable)
    assert "not UTF-8 text (byte 0xe9 at offset 3)" in loaded["latin"].error
    assert isinstance(loaded["ok"], Document)


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("\ufeffA said 1 died.".encode())))
    (doc,) = iter_paths(["-"])
    assert doc == Document("stdin", "A said 1 died.")


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), (" \n\t ", "empty"), ("a\x00b", "NUL"), ("x" * 11, "over the limit")],
)
def test_check_text(text: str, message: str) -> None:
    assert message in (check_text("d", text, max_chars=10) or "")
    assert check_text("d", "fine", max_chars=10) is None


def test_corpus_rows_and_unknown_ids() -> None:
    (doc,) = iter_corpus(CORPUS, ["1923848198"])
    assert doc.doc_id == "fakes-1923848198" and doc.text.startswith("Seven dead 20 wounded")
    with pytest.raises(InputError, match="unknown unit_id"):
        list(iter_corpus(CORPUS, ["123"]))


def test_store_resolves_seeds_and_fakes() -> None:
    store = DocumentStore()
    assert "Syrian Observatory" in store.get("004_edab79c1a45cfe29")
    assert store.get("fakes-1923848198").startswith("Seven dead")
    with pytest.raises(InputError, match="not found"):
        store.get("fakes-0")
