"""The on-disk response cache: validated model answers keyed by all that shapes them.

The key hashes the model's identity (the GGUF's SHA-256, or the endpoint and
its model id), the structured-output mode, the prompt and schema versions, the
exact messages and the sampling settings; nothing else. Only answers that
passed validation are stored, so a cached answer never needs re-checking.
"""

from __future__ import annotations

import hashlib
import json
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
    return hashlib.sha256(blob.encode()).hexdigest()


class ResponseCache:
    """A thin, typed face on diskcache; `None` directory means the default location."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or cache_dir() / "responses"
        self._cache = diskcache.Cache(str(self.directory), size_limit=2**30)

    def get(self, key: str) -> dict[str, Any] | None:
        value = self._cache.get(key)
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
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
