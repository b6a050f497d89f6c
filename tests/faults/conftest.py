"""Fixtures of the fault matrix: a private cache root, documents with faults, the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .upstream import FakeUpstream

CLAIM = "Rebels killed 12 soldiers in Homs on Monday, SANA said."


@pytest.fixture(autouse=True)
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Probe results and caches of these tests stay out of the user's cache."""
    root = tmp_path / "cache"
    monkeypatch.setenv("CLAIMTRACE_CACHE_DIR", str(root))
    return root


@pytest.fixture
def upstream() -> Iterator[FakeUpstream]:
    with FakeUpstream() as fake:
        yield fake


def article(fault: str | None = None) -> str:
    """A one-claim article, asking the fake upstream for `fault`."""
    return CLAIM + (f" [[fault:{fault}]]" if fault else "")


def write_docs(folder: Path, faults: dict[str, str | None]) -> Path:
    """One `.txt` per doc_id, each asking for its fault (None: a healthy document)."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, fault in faults.items():
        (folder / f"{doc_id}.txt").write_text(article(fault), encoding="utf-8")
    return folder


def _command(args: tuple[str, ...], base_url: str) -> list[str]:
    fixed = ["--strategy", "article", "--base-url", base_url, "--model", "fake", "--no-cache"]
    return [sys.executable, "-m", "claimtrace.cli", "extract", *args, *fixed]


def cli(*args: str, base_url: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`claimtrace extract ...` in a subprocess, against `base_url`, model calls uncached."""
    return subprocess.run(
        _command(args, base_url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def cli_process(*args: str, base_url: str) -> subprocess.Popen[str]:
    """The same, started in the background (to interrupt or kill it)."""
    return subprocess.Popen(
        _command(args, base_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
