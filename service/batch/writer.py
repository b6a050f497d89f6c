"""Collect a run's finished records and write them to DIR a shard at a time.

Only one process writes (the local engine, or the Ray driver that receives the
actors' batches), so a record reaches DIR once per run even when Ray re-runs a
task: a doc_id already written by this run is dropped here.
"""

from __future__ import annotations

from ..schema import DocumentRecord, ErrorRecord
from .shards import OutputDir

Record = DocumentRecord | ErrorRecord


class ShardWriter:
    """Records in, a shard out every `shard_size` (and on `flush`)."""

    def __init__(self, out: OutputDir, run_id: str, shard_size: int) -> None:
        self.out = out
        self.run_id = run_id
        self.shard_size = max(1, shard_size)
        self.pending: list[Record] = []
        self.seen: set[str] = set()
        self.written = 0
        self.failed = 0
        self.claims = 0
        self.shards = 0
        self.repeats = 0  # records this run had already written (a re-run task's output)

    def add(self, record: Record) -> bool:
        """Keep `record` for the next shard; False when this run already has its id."""
        if record.doc_id in self.seen:
            self.repeats += 1
            return False
        self.seen.add(record.doc_id)
        self.pending.append(record)
        if isinstance(record, ErrorRecord):
            self.failed += 1
        else:
            self.claims += len(record.claims)
        if len(self.pending) >= self.shard_size:
            self.flush()
        return True

    def flush(self) -> None:
        """Write what is pending as one shard (nothing pending: no shard)."""
        if not self.pending:
            return
        self.out.write_shard(self.run_id, self.shards, self.pending)
        self.written += len(self.pending)
        self.shards += 1
        self.pending = []
