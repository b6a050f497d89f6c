"""Load documents: `.txt` files, directories of them, stdin, and CSV corpus rows.

The first stage of the data flow. A path the user typed that does not exist
fails the whole command at once (a typo should not cost an hour of extraction);
a file that exists but cannot be read as text fails only that document, so the
others still run and the failure is written as an error record.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .config import CORPUS_CSV, SEEDS_DIR
from .errors import InputError
from .schema import DocumentMeta

FAKES_PREFIX = "fakes-"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
DEFAULT_MAX_CHARS = 500_000


@dataclass(frozen=True)
class Document:
    """An article to extract from; `text` is exactly what offsets index."""

    doc_id: str
    text: str
    meta: DocumentMeta | None = None


@dataclass(frozen=True)
class Unreadable:
    """A document that exists but could not be loaded; becomes an error record."""

    doc_id: str
    error: str


Loaded = Document | Unreadable


def check_text(doc_id: str, text: str, max_chars: int = DEFAULT_MAX_CHARS) -> str | None:
    """Return why `text` cannot be extracted from, or None when it can."""
    if not text.strip():
        return f"{doc_id}: document is empty or whitespace only"
    if "\x00" in text:
        return f"{doc_id}: document contains NUL bytes (binary file?)"
    if surrogate := _LONE_SURROGATE.search(text):
        return (
            f"{doc_id}: document holds a lone UTF-16 surrogate at offset {surrogate.start()} "
            "(not text that UTF-8 can carry)"
        )
    if len(text) > max_chars:
        return (
            f"{doc_id}: document has {len(text):,} characters, over the limit of "
            f"{max_chars:,} (raise it with --max-chars)"
        )
    return None


def decode(doc_id: str, data: bytes) -> Loaded:
    """Decode UTF-8 bytes (a BOM is dropped); anything else is reported, not guessed."""
    if b"\x00" in data[:8192]:
        return Unreadable(doc_id, f"{doc_id}: binary file, not UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Unreadable(
            doc_id, f"{doc_id}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})"
        )
    return Document(doc_id, text)


def read_txt(path: Path) -> Loaded:
    """One `.txt` file; doc_id is its name without `.txt`."""
    doc_id = path.stem if path.suffix == ".txt" else path.name
    try:
        data = path.read_bytes()
    except OSError as err:
        return Unreadable(doc_id, f"{path}: cannot read ({err.strerror})")
    return decode(doc_id, data)


def iter_paths(paths: Iterable[str]) -> Iterator[Loaded]:
    """Expand CLI paths: files, directories (their `*.txt`, sorted), or `-` for stdin."""
    resolved: list[Path | None] = []
    for raw in paths:
        if raw == "-":
            resolved.append(None)
            continue
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{raw}: no such file or directory")
        if path.is_dir() and not any(path.glob("*.txt")):
            raise InputError(f"{raw}: directory has no .txt files")
        resolved.append(path)
    for entry in resolved:
        if entry is None:
            yield decode("stdin", sys.stdin.buffer.read())
        elif entry.is_dir():
            yield from (read_txt(p) for p in sorted(entry.glob("*.txt")))
        else:
            yield read_txt(entry)


@dataclass(frozen=True)
class CorpusColumns:
    """Which CSV columns hold a document's id, text and metadata, and the id prefix.

    The defaults read FA-KES and name its rows `fakes-<unit_id>`, the ids the
    gold files use. Metadata columns in `required` must exist; the others are
    read when present, so a CSV with only the id and text columns still loads.
    """

    id: str = "unit_id"
    text: str = "article_content"
    title: str | None = "article_title"
    date: str | None = "date"
    outlet: str | None = "source"
    prefix: str = FAKES_PREFIX
    required: frozenset[str] = frozenset()


FAKES_COLUMNS = CorpusColumns()


@dataclass(frozen=True)
class CorpusRow:
    """One article of a corpus: its text and whatever metadata the CSV gives."""

    text: str
    meta: DocumentMeta | None


@cache
def read_corpus(csv_path: Path, columns: CorpusColumns = FAKES_COLUMNS) -> dict[str, CorpusRow]:
    """id (without prefix) -> row, in file order; the first row wins on repeated ids."""
    if not csv_path.is_file():
        raise InputError(f"{csv_path}: corpus file not found")
    csv.field_size_limit(sys.maxsize)
    rows: dict[str, CorpusRow] = {}
    try:
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            present = _check_columns(csv_path, reader.fieldnames, columns)
            for row in reader:
                key = (row[columns.id] or "").strip()
                if not key:
                    where = f"{csv_path}: line {reader.line_num}"
                    raise InputError(f"{where}: column {columns.id!r} is empty")
                rows.setdefault(key, CorpusRow(row[columns.text] or "", _meta(row, present)))
    except UnicodeDecodeError as err:
        raise InputError(f"{csv_path}: not UTF-8 text (offset {err.start})") from err
    except csv.Error as err:
        raise InputError(f"{csv_path}: malformed CSV ({err})") from err
    return rows


def _check_columns(
    csv_path: Path, header: Sequence[str] | None, columns: CorpusColumns
) -> dict[str, str]:
    """The metadata columns present (field -> column); a missing needed column fails."""
    names = set(header or [])
    needed = [columns.id, columns.text, *sorted(columns.required)]
    missing = [name for name in needed if name not in names]
    if missing:
        listed = ", ".join(repr(name) for name in missing)
        have = ", ".join((header or [])[:20]) or "none"
        raise InputError(f"{csv_path}: no column {listed} (columns: {have})")
    wanted = {"outlet": columns.outlet, "date": columns.date, "title": columns.title}
    return {field: name for field, name in wanted.items() if name and name in names}


def _meta(row: dict[str, str], present: dict[str, str]) -> DocumentMeta | None:
    """The row's metadata, empty cells as None; None when the CSV has none of it."""
    if not present:
        return None
    values = {field: (row[name] or "").strip() or None for field, name in present.items()}
    return DocumentMeta(**values)


@cache
def corpus_rows(csv_path: Path) -> dict[str, str]:
    """unit_id -> article_content for a FA-KES-shaped CSV (first row wins on repeats)."""
    return {key: row.text for key, row in read_corpus(csv_path).items()}


def iter_corpus(
    csv_path: Path, ids: Iterable[str] | None = None, columns: CorpusColumns = FAKES_COLUMNS
) -> Iterator[Loaded]:
    """Corpus rows as documents `<prefix><id>`, with their metadata; all rows when `ids` is None."""
    rows = read_corpus(csv_path, columns)
    wanted = list(rows) if ids is None else [_unprefixed(i, columns.prefix) for i in ids]
    unknown = [i for i in wanted if i not in rows]
    if unknown:
        raise InputError(f"{csv_path}: unknown {columns.id}(s): {', '.join(unknown[:10])}")
    for key in wanted:
        row = rows[key]
        yield Document(columns.prefix + key, row.text, row.meta)


def _unprefixed(doc_id: str, prefix: str) -> str:
    return doc_id.removeprefix(prefix) if prefix else doc_id


class DocumentStore:
    """Resolve doc_ids to texts: `*.txt` in directories, then `fakes-<id>` in corpora."""

    def __init__(
        self, dirs: Iterable[Path] = (SEEDS_DIR,), corpora: Iterable[Path] = (CORPUS_CSV,)
    ) -> None:
        self.dirs = list(dirs)
        self.corpora = list(corpora)

    def get(self, doc_id: str) -> str:
        """The document's text, or InputError naming where it was looked for."""
        for folder in self.dirs:
            path = folder / f"{doc_id}.txt"
            if path.is_file():
                loaded = read_txt(path)
                if isinstance(loaded, Unreadable):
                    raise InputError(loaded.error)
                return loaded.text
        if doc_id.startswith(FAKES_PREFIX):
            for corpus in self.corpora:
                text = corpus_rows(corpus).get(doc_id.removeprefix(FAKES_PREFIX))
                if text is not None:
                    return text
        places = [str(d) for d in self.dirs] + [str(c) for c in self.corpora]
        raise InputError(f"{doc_id}: document not found in {', '.join(places)}")
