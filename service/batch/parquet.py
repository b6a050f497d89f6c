"""Parquet shards: one row per record, in one fixed schema, for DuckDB and pandas.

Columns: `doc_id`, `error` (null for a document), then `DocumentRecord`'s
other fields in order (`claims` a list of structs of the claim's fields,
`usage`, `timings`, `stats` and `meta` structs, ...), all null on an error row.
The schema comes from the pydantic models (`arrow_schema`), not from a shard's
data, so every shard has the same one and `DIR/*.parquet` reads as one table;
a row reads back as the very record written, so the exactly-once machinery and
`OutputDir.records()` do not care which format DIR holds. One row a record
(not a row a claim) keeps a record's id in one row, which the winner and fold
rules need, and keeps documents without claims; `unnest(claims)` in DuckDB
gives a row a claim.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..config import atomic_write
from ..schema import DocumentRecord, ErrorRecord
from .arrow_schema import Column, model_columns, struct_of
from .formats import Record, Row

ROW = struct_of(
    [
        ("doc_id", Column(pa.string())),
        ("error", Column(pa.string())),
        *((name, c) for name, c in model_columns(DocumentRecord) if name != "doc_id"),
    ]
)
SCHEMA = pa.schema([f.with_nullable(f.name != "doc_id") for f in ROW.type])
COMPRESSION = "zstd"


class ParquetShards:
    """Shards in `SCHEMA`; row n is a shard's n-th record, as line n is in JSON Lines."""

    name = "parquet"

    def write(self, path: Path, records: Sequence[Record]) -> None:
        rows = [ROW.encode(r.model_dump(mode="json", by_alias=True)) for r in records]
        _write(path, pa.Table.from_pylist(rows, schema=SCHEMA))

    def rows(self, path: Path) -> Iterator[Row]:
        try:
            table = _read(path, columns=["doc_id", "error"])
            ids = table.column("doc_id").cast(pa.string()).to_pylist()
            errors = table.column("error").is_valid().to_pylist()
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
            # not a Parquet file, or one without our columns: not a shard this tool wrote
            yield Row(0, None, False)
            return
        for number, (doc_id, error) in enumerate(zip(ids, errors, strict=True), 1):
            yield Row(number, doc_id, bool(error))

    def load(self, path: Path, numbers: Container[int]) -> Iterator[Record]:
        table = _read(path)
        wanted = [i for i in range(table.num_rows) if i + 1 in numbers]
        for row in table.take(wanted).to_pylist():
            yield _record(ROW.decode(row))

    def rewrite(self, path: Path, drop: Container[int]) -> bool:
        table = _read(path)
        keep = pa.array([i + 1 not in drop for i in range(table.num_rows)])
        kept = table.filter(keep)
        if kept.num_rows:
            _write(path, kept)
        return bool(kept.num_rows)


def _record(row: dict[str, Any]) -> Record:
    error = row.pop("error")
    if error is not None:
        return ErrorRecord(doc_id=row["doc_id"], error=error)
    return DocumentRecord.model_validate(row)


def _read(path: Path, columns: list[str] | None = None) -> Any:
    """The shard's table as stored: a column it lacks (written before a field was added)
    is absent from its rows, so the model's default applies, as in JSON Lines."""
    with pq.ParquetFile(path) as shard:
        return shard.read(columns=columns)


def _write(path: Path, table: Any) -> None:
    atomic_write(path, lambda handle: pq.write_table(table, handle, compression=COMPRESSION))


PARQUET = ParquetShards()
