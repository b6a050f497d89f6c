"""How a shard stores its records: JSON Lines (extract's format) or Parquet.

The exactly-once rules in `shards` need four things of a shard, whatever its
format: its rows' ids in order (read without validating records, so a resume
or a check of a large DIR is fast), the records at some rows, a rewrite
without some rows (the fold), and an atomic write. A shard's format is its
suffix; Parquet's module (and pyarrow) is imported only when a Parquet shard
is written or read, so JSON Lines needs no pyarrow.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from ..config import atomic_write_text
from ..errors import InputError
from ..schema import DocumentRecord, ErrorRecord

Record = DocumentRecord | ErrorRecord
FORMATS = ("jsonl", "parquet")


class Row(NamedTuple):
    """One row of a shard: its number (1 up, in write order), doc_id or None when
    the row is not a record, and whether it is an error record."""

    number: int
    doc_id: str | None
    error: bool


class ShardFormat(Protocol):
    name: str  # also the shards' suffix

    def write(self, path: Path, records: Sequence[Record]) -> None:
        """Write the records as the shard at `path`, atomically."""

    def rows(self, path: Path) -> Iterator[Row]:
        """Every row's id, without validating the records."""

    def load(self, path: Path, numbers: Container[int]) -> Iterator[Record]:
        """The records at rows `numbers`, validated, in row order."""

    def rewrite(self, path: Path, drop: Container[int]) -> bool:
        """Rewrite the shard without rows `drop`, atomically; False (nothing written)
        when no row would be left."""


class JsonLines:
    """A record a line, as `model_dump_json` writes it: `extract`'s own format."""

    name = "jsonl"

    def write(self, path: Path, records: Sequence[Record]) -> None:
        atomic_write_text(path, "".join(r.model_dump_json() + "\n" for r in records))

    def rows(self, path: Path) -> Iterator[Row]:
        for number, data in _parsed(path):
            if data is None or not isinstance(data.get("doc_id"), str):
                yield Row(number, None, False)
            else:
                yield Row(number, data["doc_id"], "error" in data)

    def load(self, path: Path, numbers: Container[int]) -> Iterator[Record]:
        for number, data in _parsed(path):
            if number in numbers and data is not None:
                if "error" in data:
                    yield ErrorRecord.model_validate(data)
                else:
                    yield DocumentRecord.model_validate(data)

    def rewrite(self, path: Path, drop: Container[int]) -> bool:
        with path.open(encoding="utf-8") as handle:
            kept = [raw for n, raw in enumerate(handle, 1) if n not in drop]
        if kept:
            atomic_write_text(path, "".join(kept))
        return bool(kept)


def _parsed(path: Path) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(line number, the line's JSON object or None) for each line that is not blank."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except ValueError:
                data = None
            yield number, data if isinstance(data, dict) else None


JSONL = JsonLines()


def shard_format(name: str) -> ShardFormat:
    """The format called `name`; Parquet without pyarrow is one InputError naming the extra."""
    if name == "jsonl":
        return JSONL
    if name == "parquet":
        try:
            from .parquet import PARQUET
        except ImportError as error:
            raise InputError(
                f"Parquet shards need pyarrow ({error.name} not installed): "
                "pip install 'claimtrace[batch]'"
            ) from error
        return PARQUET
    raise InputError(f"unknown shard format {name!r}; choose one of {', '.join(FORMATS)}")


def format_of(shard: Path) -> ShardFormat:
    return shard_format(shard.suffix.removeprefix("."))
