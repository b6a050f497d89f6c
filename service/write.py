"""Write document records as JSON Lines, one document per line, as they finish.

Each line is flushed when its document is done, so an interrupted run keeps
everything finished so far; the file is written under a temporary name and
renamed at the end, so a half-written file never replaces a good one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType
from typing import IO

from .schema import DocumentRecord, ErrorRecord


class JsonlWriter:
    """Append records to `path` (or stdout when None); rename into place on close."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._tmp: Path | None = None
        self._handle: IO[str]
        if path is None:
            self._handle = sys.stdout
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            self._handle = self._tmp.open("w", encoding="utf-8")

    def write(self, record: DocumentRecord | ErrorRecord) -> None:
        self._handle.write(record.model_dump_json() + "\n")
        self._handle.flush()

    def close(self) -> None:
        if self._tmp is not None and self.path is not None:
            self._handle.close()
            self._tmp.replace(self.path)
            self._tmp = None

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
