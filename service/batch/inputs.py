"""Read a batch's INPUT: JSON Lines, CSV or Parquet, as documents keyed by doc_id.

JSON Lines and Parquet name their columns `doc_id` and `text` unless
--id-col/--text-col say otherwise; CSV is read exactly as `claimtrace extract
--corpus` reads it (FA-KES columns and `fakes-` ids by default). A path with a
scheme (`s3://`, `gs://`, `hdfs://`) is opened through pyarrow's filesystems;
CSV must be local. A file that cannot be read at all is one InputError; a row
whose text is bad becomes that document's error record later, as in `extract`.
Repeated ids keep their first row, as `extract --corpus` does, and are counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from ..load import FAKES_COLUMNS, CorpusColumns, Document, Loaded, iter_corpus

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
KINDS = ("jsonl", "csv", "parquet")


@dataclass(frozen=True)
class Columns:
    """The id and text fields of a JSON Lines or Parquet input."""

    id: str = "doc_id"
    text: str = "text"


@dataclass
class Input:
    """The documents of INPUT in file order, each id once, and how many repeats were dropped."""

    documents: list[Loaded] = field(default_factory=list)
    repeated: int = 0

    @property
    def ids(self) -> list[str]:
        return [d.doc_id for d in self.documents]


def kind_of(source: str) -> str:
    """`jsonl`, `csv` or `parquet`, from the name's ending (`.gz` is not read)."""
    name = source.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    raise InputError(f"{source}: unknown input type; name it .jsonl, .csv or .parquet")


def read_input(
    source: str, columns: Columns = Columns(), corpus: CorpusColumns | None = None
) -> Input:
    """Every document of `source`; one InputError when the file cannot be read as its kind."""
    kind = kind_of(source)
    if kind == "csv":
        rows: Iterator[Loaded] = _csv(source, corpus or FAKES_COLUMNS)
    elif kind == "parquet":
        rows = _parquet(source, columns)
    else:
        rows = _jsonl(source, columns)
    found = Input()
    seen: set[str] = set()
    for document in rows:
        if document.doc_id in seen:
            found.repeated += 1
            continue
        seen.add(document.doc_id)
        found.documents.append(document)
    if not found.documents:
        raise InputError(f"{source}: no documents")
    return found


def _remote(source: str) -> bool:
    return "://" in source and not source.startswith("file://")


def _open(source: str) -> IO[bytes]:
    """A binary stream: a local file, or any pyarrow filesystem URI."""
    if not _remote(source):
        path = Path(source.removeprefix("file://"))
        if not path.is_file():
            raise InputError(f"{source}: no such file")
        return path.open("rb")
    fs, where = _filesystem(source)
    try:
        stream: IO[bytes] = fs.open_input_stream(where)
    except (OSError, ValueError) as err:
        raise InputError(f"{source}: cannot open ({err})") from err
    return stream


def _filesystem(source: str) -> tuple[Any, str]:
    try:
        from pyarrow import fs
    except ImportError as err:
        raise InputError(
            f"{source}: reading from a URI needs pyarrow: pip install 'claimtrace[batch]'"
        ) from err
    try:
        return fs.FileSystem.from_uri(source)  # type: ignore[no-any-return]
    except (OSError, ValueError) as err:
        raise InputError(f"{source}: cannot open ({err})") from err


def _jsonl(source: str, columns: Columns) -> Iterator[Loaded]:
    with _open(source) as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except ValueError as err:
                raise InputError(f"{source}: line {number}: not JSON ({err.args[0]})") from None
            if not isinstance(row, dict):
                raise InputError(f"{source}: line {number}: not a JSON object")
            yield _document(source, f"line {number}", row, columns)


def _document(source: str, where: str, row: dict[str, Any], columns: Columns) -> Document:
    """One row as a document; a missing id or text field fails the whole input."""
    for name in (columns.id, columns.text):
        if row.get(name) is None:
            have = ", ".join(list(row)[:20]) or "none"
            raise InputError(f"{source}: {where}: no field {name!r} (fields: {have})")
    text = row[columns.text]
    if not isinstance(text, str):
        raise InputError(f"{source}: {where}: field {columns.text!r} is not a string")
    doc_id = str(row[columns.id]).strip()
    if not doc_id:
        raise InputError(f"{source}: {where}: field {columns.id!r} is empty")
    return Document(doc_id, text)


def _csv(source: str, corpus: CorpusColumns) -> Iterator[Loaded]:
    if _remote(source):
        raise InputError(f"{source}: a CSV input must be a local file (use JSON Lines or Parquet)")
    yield from iter_corpus(Path(source.removeprefix("file://")), None, corpus)


def _parquet(source: str, columns: Columns) -> Iterator[Loaded]:
    try:
        import pyarrow.parquet as pq
    except ImportError as err:
        raise InputError(
            f"{source}: Parquet input needs pyarrow: pip install 'claimtrace[batch]'"
        ) from err
    try:
        if _remote(source):
            fs, where = _filesystem(source)
            table = pq.read_table(where, filesystem=fs)
        else:
            path = Path(source.removeprefix("file://"))
            if not path.is_file():
                raise InputError(f"{source}: no such file")
            table = pq.read_table(path)
    except (OSError, ValueError) as err:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(f"{source}: not a readable Parquet file ({err})") from err
    missing = [n for n in (columns.id, columns.text) if n not in table.column_names]
    if missing:
        have = ", ".join(table.column_names[:20])
        raise InputError(f"{source}: no column {', '.join(map(repr, missing))} (columns: {have})")
    ids = table.column(columns.id).to_pylist()
    texts = table.column(columns.text).to_pylist()
    for number, (doc_id, text) in enumerate(zip(ids, texts, strict=True), 1):
        row = {columns.id: doc_id, columns.text: text}
        yield _document(source, f"row {number}", row, columns)
