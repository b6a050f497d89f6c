"""Where claimtrace keeps things, and the environment variables it reads.

Everything machine-local (llama-server builds, model files, the response cache,
the running server's state) lives under one per-user cache directory, so a
fresh clone reuses what an earlier one built or pulled.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import platformdirs

# The source checkout's data (seeds, gold, the FA-KES corpus) are defaults for the eval
# harness when run from a clone; an installed wheel has none of them, and its
# commands then ask for explicit paths.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
CORPUS_CSV = PROJECT_ROOT / "evals" / "corpus" / "fa-kes.csv"
GOLD_DIR = PROJECT_ROOT / "evals" / "gold"

ENV_BASE_URL = "CLAIMTRACE_BASE_URL"
ENV_API_KEY = "CLAIMTRACE_API_KEY"
ENV_MODEL = "CLAIMTRACE_MODEL"
ENV_CACHE_DIR = "CLAIMTRACE_CACHE_DIR"


def cache_dir() -> Path:
    """The per-user cache root (`CLAIMTRACE_CACHE_DIR` overrides it)."""
    override = os.environ.get(ENV_CACHE_DIR)
    root = Path(override) if override else Path(platformdirs.user_cache_dir("claimtrace"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def write_json(path: Path, data: object) -> None:
    """Write JSON atomically (`atomic_write_text`)."""
    atomic_write_text(path, json.dumps(data, indent=2))


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) atomically (`atomic_write`)."""
    data = text.encode("utf-8")
    atomic_write(path, lambda handle: handle.write(data))


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Let `write` fill a temporary file of its own beside `path`, fsync, rename, fsync the
    directory: a reader never sees half a file, writers in other processes never share
    a temporary file, and a crash leaves the old file or the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes it private; outputs are for other readers too
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):
        dirfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON object from `path`; a missing or unreadable file is an empty one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside `path` (`.NAME.lock`) across processes."""
    with path.with_name(f".{path.name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def update_json(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Read-modify-write a shared JSON object under the lock, so no writer loses keys."""
    with locked(path):
        data = read_json_object(path)
        change(data)
        write_json(path, data)
