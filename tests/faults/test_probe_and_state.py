"""Fault matrix, shared state: probe results expire, model identity keys the cache,
and concurrent writers of one JSON file lose nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import instructor
import pytest

from claimtrace.config import read_json_object
from claimtrace.llm import endpoint


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLAIMTRACE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_a_downgraded_probe_is_retried_after_an_hour(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint._store_mode("k", instructor.Mode.JSON)
    assert endpoint._cached_mode("k") is instructor.Mode.JSON
    now = endpoint.time.time()
    monkeypatch.setattr(endpoint.time, "time", lambda: now + 2 * 3600)
    assert endpoint._cached_mode("k") is None  # re-probed, not downgraded for good


def test_an_enforced_schema_is_kept_for_days_then_rechecked(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint._store_mode("k", instructor.Mode.JSON_SCHEMA)
    now = endpoint.time.time()
    monkeypatch.setattr(endpoint.time, "time", lambda: now + 2 * 24 * 3600)
    assert endpoint._cached_mode("k") is instructor.Mode.JSON_SCHEMA
    monkeypatch.setattr(endpoint.time, "time", lambda: now + 8 * 24 * 3600)
    assert endpoint._cached_mode("k") is None


def test_an_old_format_probe_entry_counts_as_unprobed(cache_root: Path) -> None:
    (cache_root / "probes.json").write_text(json.dumps({"k": "json_mode"}))
    assert endpoint._cached_mode("k") is None


def test_a_failed_probe_is_not_stored(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(endpoint.server, "props", lambda _url: {})
    monkeypatch.setattr(endpoint, "_served_models", lambda _url, _key: [{"id": "m"}])
    with pytest.raises(endpoint.BackendError, match="cannot reach"):
        endpoint.resolve_endpoint(base_url="http://127.0.0.1:9/v1")
    assert read_json_object(cache_root / "probes.json") == {}


def test_model_identity_follows_what_the_server_says() -> None:
    url = "http://h/v1"
    first = endpoint.remote_model_id(url, "m", {"model_path": "/m/a.gguf"}, [])
    second = endpoint.remote_model_id(url, "m", {"model_path": "/m/b.gguf"}, [])
    listed = endpoint.remote_model_id(url, "m", {}, [{"id": "m", "created": 1700000000}])
    assert len({first, second, listed}) == 3
    assert endpoint.remote_model_id(url, "m", {}, [{"id": "m"}]) == f"{url}#m"


def test_concurrent_writers_of_one_json_file_lose_no_key(tmp_path: Path) -> None:
    target = tmp_path / "probes.json"
    script = (
        "import sys; from pathlib import Path; from claimtrace.config import update_json\n"
        "for i in range(40):\n"
        "    update_json(Path(sys.argv[1]), lambda d, i=i: d.__setitem__(f'{sys.argv[2]}-{i}', i))\n"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(target), str(w)]) for w in range(4)
    ]
    assert all(p.wait(timeout=60) == 0 for p in workers)
    assert len(read_json_object(target)) == 160
    assert not list(tmp_path.glob("*.tmp"))


def test_a_model_file_rewritten_at_the_same_size_is_refused(
    cache_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Size alone is not identity: a zeroed file of the right size is hashed and refused."""
    from claimtrace.errors import BackendError
    from claimtrace.llm import models

    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF" + bytes(range(256)) * 64)
    spec = models.register("mine", gguf)
    hashed: list[Path] = []
    real = models.sha256_file
    monkeypatch.setattr(models, "sha256_file", lambda p: hashed.append(p) or real(p))
    models.check_file(spec)
    models.check_file(spec)
    assert len(hashed) == 1  # hashed once for this version of the file
    gguf.write_bytes(bytes(gguf.stat().st_size))
    with pytest.raises(BackendError, match="SHA-256 mismatch"):
        models.check_file(spec)
