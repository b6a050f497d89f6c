"""Write a run's records: streamed to stdout, or to a file only a finished run replaces.

A file output grows in `OUT.partial` (JSON Lines, whatever the format) as
documents finish, so a run that fails or is interrupted keeps every finished
document and leaves `OUT` as it was. `--resume` reads `OUT` (JSON Lines) and
`OUT.partial` and skips the documents already extracted. A finished run writes
`OUT` in input order and in its format under a temporary name of its own, then
renames it into place: a reader never sees half a file.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Protocol

from pydantic import ValidationError

from .config import atomic_write_text
from .errors import InputError
from .schema import DocumentRecord, ErrorRecord
from .write_csv import COLUMNS, rows

Record = DocumentRecord | ErrorRecord
FORMATS = ("jsonl", "csv")


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return fmt


class Sink(Protocol):
    """Where the pipeline puts records as documents finish (`index` is the input order)."""

    kept: dict[str, Record]

    def write(self, index: int, record: Record) -> None: ...

    def finish(self) -> None: ...

    def abort(self) -> int: ...


class Formatter:
    """Records as text in one format, header first (CSV)."""

    def __init__(self, fmt: str, handle: IO[str]) -> None:
        self.fmt = check_format(fmt)
        self.handle = handle
        self._csv = csv.writer(handle) if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow(COLUMNS)

    def write(self, record: Record) -> None:
        if self._csv is not None:
            self._csv.writerows(rows(record))
        else:
            self.handle.write(record.model_dump_json() + "\n")


class StreamOutput:
    """Records on stdout in input order, each as soon as every earlier one is written."""

    def __init__(self, fmt: str, handle: IO[str] | None = None) -> None:
        self.kept: dict[str, Record] = {}
        self._out = Formatter(fmt, handle or sys.stdout)
        self._pending: dict[int, Record] = {}
        self._next = 0

    def write(self, index: int, record: Record) -> None:
        self._pending[index] = record
        while self._next in self._pending:
            self._out.write(self._pending.pop(self._next))
            self._next += 1
        self._out.handle.flush()

    def finish(self) -> None:
        self._out.handle.flush()

    def abort(self) -> int:
        self._out.handle.flush()
        return self._next


class FileOutput:
    """A file output: `OUT.partial` while the run goes, `OUT` once it has finished."""

    def __init__(self, path: Path, fmt: str, doc_ids: Sequence[str], resume: bool = False) -> None:
        self.path = path
        self.fmt = check_format(fmt)
        self.partial = path.with_name(path.name + ".partial")
        self._order = {doc_id: i for i, doc_id in reversed(list(enumerate(doc_ids)))}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"{path.parent}: cannot create directory ({err.strerror})") from err
        for stale in path.parent.glob(f".{path.name}.*.tmp"):  # a run killed mid-rename
            stale.unlink(missing_ok=True)
        earlier = [path, self.partial] if fmt == "jsonl" else [self.partial]
        found = finished_records(earlier) if resume else {}
        self.kept = {k: v for k, v in found.items() if k in self._order}
        self.discarded = 0 if resume else count_lines(self.partial)
        self._handle = self.partial.open("w", encoding="utf-8")
        for record in self.kept.values():
            self._write_line(record)

    def write(self, index: int, record: Record) -> None:
        self._write_line(record)

    def _write_line(self, record: Record) -> None:
        self._handle.write(record.model_dump_json() + "\n")
        self._handle.flush()

    def finish(self) -> None:
        """Write OUT in input order and format, replace the old one, drop the partial."""
        self._handle.close()
        records = sorted(
            read_records(self.partial).values(),
            key=lambda r: self._order.get(r.doc_id, len(self._order)),
        )
        replace_atomically(self.path, self.fmt, records)
        self.partial.unlink()

    def abort(self) -> int:
        """Keep what finished in OUT.partial (nothing: no partial); OUT is untouched."""
        self._handle.close()
        kept = count_lines(self.partial)
        if kept == 0:
            self.partial.unlink(missing_ok=True)
        return kept


def replace_atomically(path: Path, fmt: str, records: Iterable[Record]) -> None:
    """Render `records` in `fmt` and write them atomically in place of `path`."""
    text = io.StringIO(newline="")
    out = Formatter(fmt, text)
    for record in records:
        out.write(record)
    atomic_write_text(path, text.getvalue())


def read_records(path: Path) -> dict[str, Record]:
    """doc_id -> the last record for it in a JSON Lines file; unreadable lines are skipped."""
    records: dict[str, Record] = {}
    if not path.is_file():
        return records
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            record = _parse(line)
            if record is not None:
                records[record.doc_id] = record
    return records


def finished_records(paths: Iterable[Path]) -> dict[str, Record]:
    """doc_id -> record for the documents already extracted (errors are retried)."""
    done: dict[str, Record] = {}
    for path in paths:
        for doc_id, record in read_records(path).items():
            if isinstance(record, DocumentRecord):
                done[doc_id] = record
    return done


def count_lines(path: Path) -> int:
    if not path.is_file():
        return 0
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _parse(line: str) -> Record | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    model: type[Record] = ErrorRecord if "error" in data else DocumentRecord
    try:
        return model.model_validate(data)
    except ValidationError:
        return None
