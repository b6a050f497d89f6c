"""The output directory of a batch: atomic shards, a manifest, and exactly-once resolution.

DIR holds `part-<run>-<seq>.jsonl` (or `.parquet`: `formats`) shards, each
written under a temporary name and renamed into place (fsynced), so a shard is
complete or absent whatever kills the run; `_manifest.json` (a name that
pyarrow, pandas and Spark skip when they read DIR as one table) says which
strategy and shard format wrote it and which runs went into it (a DIR keeps
one format, so after a finished run `DIR/*.parquet` is every record, once);
`.lock` keeps two runs from writing at once. Records are keyed by doc_id. When
an id is in more than one shard (a retried error, or a record written twice by
a task Ray re-ran), one record wins, the same one whichever run reads it: a
document record beats an error record, and among equals the later shard (runs
are named by their start time) and the later line (row) win.
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

from ..config import atomic_write_text, read_json_object
from ..errors import InputError
from ..llm.server import process_alive
from .formats import FORMATS, JSONL, Record, ShardFormat, format_of

MANIFEST = "_manifest.json"  # pyarrow.dataset, pandas and Spark skip `_` names in DIR
OLD_MANIFEST = "manifest.json"  # what earlier DIRs hold; still read and updated
LOCK = ".lock"
FORMAT = "claimtrace-batch/1"


@dataclass(frozen=True)
class Line:
    """Where one record sits: its shard, its line (row), and whether it is an error."""

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
    unreadable: int = 0  # lines (or whole Parquet shards) that are not records
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
    """One batch's output directory (local path): shards, manifest and lock.

    `shard_format` is what this run writes; shards of any format are read.
    """

    def __init__(self, path: Path, shard_format: ShardFormat = JSONL) -> None:
        self.path = path
        self.format = shard_format

    def held_format(self) -> str | None:
        """The shard format DIR was started in (None: a new DIR)."""
        manifest = self.manifest() if self.path.is_dir() else {}
        return str(manifest.get("shards", JSONL.name)) if manifest else None

    def shards(self) -> list[Path]:
        """Finished shards, oldest first (temporary files are never listed)."""
        if not self.path.is_dir():
            return []
        found = self.path.glob("part-*")
        return sorted(p for p in found if p.suffix.removeprefix(".") in FORMATS)

    def read(self) -> Contents:
        contents = Contents()
        for shard in self.shards():
            for number, doc_id, error in format_of(shard).rows(shard):
                if doc_id is None:
                    contents.unreadable += 1
                else:
                    contents.add(Line(shard.name, number, doc_id, error))
        return contents

    def records(self) -> dict[str, Record]:
        """doc_id -> its winning record, validated (for tests and consumers)."""
        numbers = _by_shard(self.read().winners.values())
        found: dict[str, Record] = {}
        for shard in self.shards():
            if shard.name in numbers:
                for record in format_of(shard).load(shard, numbers[shard.name]):
                    found[record.doc_id] = record
        return found

    # --- writing ----------------------------------------------------------------

    def prepare(self, strategy: str, source: str) -> None:
        """Refuse a DIR written by another strategy or in another format; drop a killed
        run's temp files."""
        manifest = self.manifest()
        if manifest and manifest.get("strategy") != strategy:
            raise InputError(
                f"{self.path}: holds {manifest.get('strategy')} records; "
                f"use another --out for --strategy {strategy}"
            )
        held = self.held_format()
        if held is not None and held != self.format.name:
            raise InputError(
                f"{self.path}: holds {held} shards; go on with --format {held} "
                f"(or no --format), or use another --out for --format {self.format.name}"
            )
        for stale in self.path.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
        if not manifest:
            self.write_manifest(
                {
                    "format": FORMAT,
                    "strategy": strategy,
                    "shards": self.format.name,
                    "input": source,
                }
            )

    def write_shard(self, run_id: str, seq: int, records: Iterable[Record]) -> Path:
        """Write records as one shard: temporary name, fsync, rename; complete or absent."""
        final = self.path / f"part-{run_id}-{seq:06d}.{self.format.name}"
        self.format.write(final, list(records))
        return final

    def fold(self) -> int:
        """Rewrite the shards holding superseded records without them; records removed."""
        contents = self.read()
        for name, numbers in sorted(_by_shard(contents.losers).items()):
            shard = self.path / name
            if not format_of(shard).rewrite(shard, numbers):
                shard.unlink()
        return len(contents.losers)

    def manifest(self) -> dict[str, Any]:
        return read_json_object(self._manifest_path())

    def write_manifest(self, data: dict[str, Any]) -> None:
        atomic_write_text(self._manifest_path(), json.dumps(data, indent=1) + "\n")

    def _manifest_path(self) -> Path:
        """The manifest DIR holds (an older DIR's keeps its name)."""
        old = self.path / OLD_MANIFEST
        return old if old.exists() and not (self.path / MANIFEST).exists() else self.path / MANIFEST

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


def _by_shard(lines: Iterable[Line]) -> dict[str, set[int]]:
    """shard name -> the line numbers of `lines` in it."""
    found: dict[str, set[int]] = {}
    for line in lines:
        found.setdefault(line.shard, set()).add(line.number)
    return found
