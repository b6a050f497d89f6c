"""Loading documents: paths, stdin, corpus rows, and every kind of bad input."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from claimtrace.errors import InputError
from claimtrace.load import (
    CorpusColumns,
    Document,
    DocumentStore,
    Unreadable,
    check_text,
    iter_corpus,
    iter_paths,
)
from claimtrace.schema import DocumentMeta

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


def _csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_fakes_rows_carry_outlet_date_and_title() -> None:
    (doc,) = iter_corpus(CORPUS, ["fakes-1923848198"])
    assert isinstance(doc, Document)
    assert doc.meta == DocumentMeta(
        outlet="ahram",
        date="2/16/2015",
        title="Seven dead 20 wounded in central Damascus blast Monitor",
    )


def test_own_id_column_is_used_as_it_is(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "mine.csv", "key,body,paper", 'a-1,"Police said 2 died, officials said.",Times'
    )
    columns = CorpusColumns(id="key", text="body", outlet="paper", prefix="")
    (doc,) = iter_corpus(path, None, columns)
    assert doc == Document(
        "a-1", "Police said 2 died, officials said.", DocumentMeta(outlet="Times")
    )
    (again,) = iter_corpus(path, ["a-1"], replace(columns, prefix="x-"))
    assert again.doc_id == "x-a-1"


def test_missing_column_names_the_file_and_the_column(tmp_path: Path) -> None:
    path = _csv(tmp_path / "mine.csv", "key,body", "1,text")
    with pytest.raises(InputError, match=r"mine.csv: no column 'article' \(columns: key, body\)"):
        list(iter_corpus(path, None, CorpusColumns(id="key", text="article")))
    # A metadata column the user named must exist; a default one may be absent.
    with pytest.raises(InputError, match="no column 'headline'"):
        list(
            iter_corpus(
                path,
                None,
                CorpusColumns(
                    id="key", text="body", required=frozenset({"headline"}), title="headline"
                ),
            )
        )
    (doc,) = iter_corpus(path, None, CorpusColumns(id="key", text="body", prefix=""))
    assert doc == Document("1", "text", None)


def test_empty_id_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = _csv(tmp_path / "mine.csv", "key,body", "1,one", ",two")
    with pytest.raises(InputError, match="mine.csv: line 3: column 'key' is empty"):
        list(iter_corpus(path, None, CorpusColumns(id="key", text="body")))


def test_a_lone_surrogate_is_refused_before_any_call() -> None:
    from claimtrace import Extractor, InputError

    with pytest.raises(InputError, match="lone UTF-16 surrogate at offset 6"):
        Extractor().extract("Rebels\ud800 killed 12 soldiers, SANA said.")
    assert check_text("d", "An emoji 😀 is fine.") is None
