"""The output directory of a batch: atomic shards, a manifest, and exactly-once resolution.

DIR holds `part-<run>-<seq>.jsonl` shards, each written under a temporary name
and renamed into place (fsynced), so a shard is complete or absent whatever
kills the run; `manifest.json` says which strategy wrote it and which runs
went into it; `.lock` keeps two runs from writing at once. Records are keyed by
doc_id. When an id is in more than one shard (a retried error, or a record
written twice by a task Ray re-ran), one record wins, the same one whichever
run reads it: a document record beats an error record, and among equals the
later shard (runs are named by their start time) and the later line win.
`fold` then rewrites only the shards holding losers, each atomically, so after
a finished run every id is in DIR exactly once; a crash mid-fold leaves
winners in place and the next fold finishes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import atomic_write_text
from ..errors import InputError
from ..llm.server import process_alive
from ..schema import DocumentRecord, ErrorRecord

Record = DocumentRecord | ErrorRecord
MANIFEST = "manifest.json"
LOCK = ".lock"
FORMAT = "claimtrace-batch/1"


@dataclass(frozen=True)
class Line:
    """Where one record sits: its shard, its line, and whether it is an error."""

    shard: str
    number: int
    doc_id: str
    error: bool

    def beats(self, other: Line) -> bool:
        """A document beats an error; otherwise the later shard and line win."""
        if self.error != other.error:
            return not self.error
        return (self.shard, self.number) > (other.shard, other.number)


@dataclass
class Contents:
    """What the shards of DIR hold, read line by line, without validating records."""

    winners: dict[str, Line] = field(default_factory=dict)
    lines: int = 0
    unreadable: int = 0  # lines that are not a record (never written by a finished rename)
    losers: list[Line] = field(default_factory=list)

    def add(self, line: Line) -> None:
        self.lines += 1
        held = self.winners.get(line.doc_id)
        if held is None or line.beats(held):
            self.winners[line.doc_id] = line
            if held is not None:
                self.losers.append(held)
        else:
            self.losers.append(line)

    def done(self, retry_errors: bool) -> set[str]:
        """Ids a new run skips: every id written, or only the successes with --retry-errors."""
        return {i for i, line in self.winners.items() if not (retry_errors and line.error)}

    @property
    def errors(self) -> int:
        return sum(1 for line in self.winners.values() if line.error)


def new_run_id() -> str:
    """Sortable by start time, so a later run's shards supersede an earlier run's."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"{stamp}-{os.getpid()}"


class OutputDir:
    """One batch's output directory (local path): shards, manifest and lock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def shards(self) -> list[Path]:
        """Finished shards, oldest first (temporary files are never listed)."""
        if not self.path.is_dir():
            return []
        return sorted(self.path.glob("part-*.jsonl"))

    def read(self) -> Contents:
        contents = Contents()
        for shard in self.shards():
            for number, doc_id, error in _lines(shard):
                if doc_id is None:
                    contents.unreadable += 1
                else:
                    contents.add(Line(shard.name, number, doc_id, error))
        return contents

    def records(self) -> dict[str, Record]:
        """doc_id -> its winning record, validated (for tests and consumers)."""
        contents = self.read()
        found: dict[str, Record] = {}
        for shard in self.shards():
            with shard.open(encoding="utf-8") as handle:
                for number, raw in enumerate(handle, 1):
                    winner = _winner_at(contents, raw, shard.name, number)
                    if winner is not None:
                        found[winner.doc_id] = winner
        return found

    # --- writing ----------------------------------------------------------------

    def prepare(self, strategy: str, source: str) -> None:
        """Refuse a DIR written by another strategy; drop a killed run's temp files."""
        manifest = self.manifest()
        if manifest and manifest.get("strategy") != strategy:
            raise InputError(
                f"{self.path}: holds {manifest.get('strategy')} records; "
                f"use another --out for --strategy {strategy}"
            )
        for stale in self.path.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
        if not manifest:
            self.write_manifest({"format": FORMAT, "strategy": strategy, "input": source})

    def write_shard(self, run_id: str, seq: int, records: Iterable[Record]) -> Path:
        """Write records as one shard: temporary name, fsync, rename; complete or absent."""
        lines = [r.model_dump_json() + "\n" for r in records]
        final = self.path / f"part-{run_id}-{seq:06d}.jsonl"
        atomic_write_text(final, "".join(lines))
        return final

    def fold(self) -> int:
        """Rewrite the shards holding superseded records without them; lines removed."""
        contents = self.read()
        by_shard: dict[str, set[int]] = {}
        for line in contents.losers:
            by_shard.setdefault(line.shard, set()).add(line.number)
        for name, numbers in sorted(by_shard.items()):
            shard = self.path / name
            with shard.open(encoding="utf-8") as handle:
                kept = [raw for n, raw in enumerate(handle, 1) if n not in numbers]
            if kept:
                atomic_write_text(shard, "".join(kept))
            else:
                shard.unlink()
        return len(contents.losers)

    def manifest(self) -> dict[str, Any]:
        path = self.path / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_manifest(self, data: dict[str, Any]) -> None:
        atomic_write_text(self.path / MANIFEST, json.dumps(data, indent=1) + "\n")

    def record_run(self, run: dict[str, Any]) -> None:
        """Add or update this run's entry (by its id) in the manifest."""
        data = self.manifest()
        runs = [r for r in data.get("runs", []) if r.get("run") != run["run"]]
        data["runs"] = [*runs, run]
        self.write_manifest(data)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Create DIR; one run writes it at a time; a lock left by a killed run is taken over."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(f"{self.path}: cannot create directory ({err.strerror})") from err
        path = self.path / LOCK
        me = f"{socket.gethostname()} {os.getpid()}"
        for _ in range(2):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = _holder(path)
                if holder is not None:
                    raise InputError(
                        f"{self.path}: another batch run ({holder}) is writing it"
                    ) from None
                with contextlib.suppress(OSError):
                    path.unlink()
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write(me)
            break
        else:
            raise InputError(f"{self.path}: cannot take its lock ({path})")
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                path.unlink()


def _holder(path: Path) -> str | None:
    """Who holds the lock, when that process is alive on this host; None for a stale lock."""
    try:
        host, pid = path.read_text().split()
        alive = host != socket.gethostname() or process_alive(int(pid))
    except (OSError, ValueError):
        return None
    return f"pid {pid} on {host}" if alive else None


def _lines(shard: Path) -> Iterator[tuple[int, str | None, bool]]:
    """(line number, doc_id or None when unreadable, is-an-error) for each line."""
    with shard.open(encoding="utf-8", errors="replace") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except ValueError:
                yield number, None, False
                continue
            if not isinstance(data, dict) or not isinstance(data.get("doc_id"), str):
                yield number, None, False
                continue
            yield number, data["doc_id"], "error" in data


def _winner_at(contents: Contents, raw: str, shard: str, number: int) -> Record | None:
    """The record on this line, when it is its id's winner."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    winner = contents.winners.get(str(data.get("doc_id")))
    if winner is None or (winner.shard, winner.number) != (shard, number):
        return None
    if "error" in data:
        return ErrorRecord.model_validate(data)
    return DocumentRecord.model_validate(data)
