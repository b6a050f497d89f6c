"""The on-disk response cache: validated model answers keyed by all that shapes them.

The key hashes the model's identity (the GGUF's SHA-256, or the endpoint and
its model id), the structured-output mode, the prompt and schema versions, the
exact messages and the sampling settings; nothing else. Only answers that
passed validation are stored, so a cached answer never needs re-checking.

Values are stored as JSON, never pickled, and a pickled row is refused, so a
writable cache directory cannot run code. A damaged cache costs answers, never
a run: a bad entry is a miss (removed, with a warning), and a database that
cannot be read is moved aside and started afresh, with one line saying so.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import diskcache

from .config import cache_dir


def cache_key(
    *,
    model_id: str,
    mode: str,
    prompt_version: str,
    schema_version: str,
    messages: list[dict[str, str]],
    sampling: dict[str, Any],
) -> str:
    """A stable hash of every input that can change the model's answer."""
    blob = json.dumps(
        {
            "model_id": model_id,
            "mode": mode,
            "prompt_version": prompt_version,
            "schema_version": schema_version,
            "messages": messages,
            "sampling": sampling,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    # surrogatepass: a lone surrogate in a message is the caller's to refuse, not a crash here
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


Warn = Callable[[str], None]
SIZE_LIMIT = 2**30
# What reading one entry can raise when the entry, not the database, is bad.
_BAD_ENTRY = (ValueError, zlib.error, UnicodeDecodeError, OSError)


def stderr_warn(message: str) -> None:
    print(f"claimtrace: warning: {message}", file=sys.stderr, flush=True)


class _JsonOnlyDisk(diskcache.JSONDisk):  # type: ignore[misc]
    """diskcache's JSON storage, refusing the pickled keys and values it would also read."""

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise ValueError("pickled key refused")
        return super().get(key, raw)

    def fetch(self, mode: int, filename: str, value: Any, read: bool) -> Any:
        if mode == diskcache.core.MODE_PICKLE:
            raise ValueError("pickled value refused")
        return super().fetch(mode, filename, value, read)


class ResponseCache:
    """A thin, typed face on diskcache; `None` directory means the default location."""

    def __init__(self, directory: Path | None = None, warn: Warn = stderr_warn) -> None:
        # "answers": JSON entries; the pickled entries of earlier versions stay unread
        self.directory = directory or cache_dir() / "answers"
        self._warn = warn
        self._cache = self._open()

    def _open(self) -> diskcache.Cache:
        """The cache, or a fresh one when the database on disk cannot be read."""
        try:
            cache = diskcache.Cache(str(self.directory), disk=_JsonOnlyDisk, size_limit=SIZE_LIMIT)
            cache.get("")  # reads the table: a truncated database fails here, not mid-run
            return cache
        except sqlite3.DatabaseError as err:
            return self._rebuild(err)

    def _rebuild(self, err: Exception) -> diskcache.Cache:
        """Move the damaged directory aside and start an empty cache in its place."""
        aside = self.directory.with_name(f"{self.directory.name}.damaged-{int(time.time())}")
        self.directory.rename(aside)
        self._warn(
            f"response cache {self.directory} could not be read ({err}); "
            f"moved it to {aside} and started an empty one"
        )
        return diskcache.Cache(str(self.directory), disk=_JsonOnlyDisk, size_limit=SIZE_LIMIT)

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored answer, or None: a missing, unreadable or malformed entry is a miss."""
        try:
            value = self._cache.get(key)
        except sqlite3.DatabaseError as err:
            self._cache.close()
            self._cache = self._rebuild(err)
            return None
        except _BAD_ENTRY as err:
            self._warn(f"response cache entry {key[:12]} is damaged ({err}); removed it")
            self._forget(key)
            return None
        return value if isinstance(value, dict) else None

    def discard(self, key: str, why: str) -> None:
        """Drop an entry its reader found unusable: a miss, with a warning."""
        self._warn(f"response cache entry {key[:12]} is {why}; removed it")
        self._forget(key)

    def _forget(self, key: str) -> None:
        try:
            self._cache.delete(key)
        except (sqlite3.DatabaseError, OSError) as err:
            self._warn(f"response cache entry {key[:12]} could not be removed ({err})")

    def set(self, key: str, value: dict[str, Any]) -> None:
        try:
            self._cache.set(key, value)
        except sqlite3.DatabaseError as err:
            self._cache.close()
            self._cache = self._rebuild(err)
            self._cache.set(key, value)

    def stats(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "entries": len(self._cache),
            "size_bytes": self._cache.volume(),
        }

    def clear(self) -> int:
        return int(self._cache.clear())

    def close(self) -> None:
        self._cache.close()
