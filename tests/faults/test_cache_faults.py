"""Fault matrix, damaged cache: a bad entry is a miss, a bad database is rebuilt, no pickle."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import diskcache

from claimtrace.cache import ResponseCache

ANSWER = {"answer": {"claims": []}, "usage": {"prompt_tokens": 3}}


def _cache(directory: Path, warnings: list[str]) -> ResponseCache:
    return ResponseCache(directory, warn=warnings.append)


def test_garbage_database_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    directory = tmp_path / "answers"
    directory.mkdir()
    (directory / "cache.db").write_bytes(b"this is not a database" * 100)
    warnings: list[str] = []
    cache = _cache(directory, warnings)
    cache.set("k", ANSWER)
    assert cache.get("k") == ANSWER
    assert len(warnings) == 1 and "moved it to" in warnings[0]
    assert [p.name.startswith("answers.damaged-") for p in tmp_path.iterdir()].count(True) == 1


def test_truncated_database_costs_answers_not_the_run(tmp_path: Path) -> None:
    directory = tmp_path / "answers"
    cache = _cache(directory, [])
    for i in range(200):
        cache.set(f"k{i}", {"answer": {"claims": [{"n": i, "pad": "x" * 200}]}})
    cache.close()
    db = directory / "cache.db"
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    warnings: list[str] = []
    reopened = _cache(directory, warnings)
    for i in range(200):  # every read is an answer or a miss, never an exception
        assert reopened.get(f"k{i}") in (None, {"answer": {"claims": [{"n": i, "pad": "x" * 200}]}})
    reopened.set("new", ANSWER)
    assert reopened.get("new") == ANSWER


def test_bad_entry_is_a_miss_removed_with_a_warning(tmp_path: Path) -> None:
    directory = tmp_path / "answers"
    cache = _cache(directory, warnings := [])
    cache.set("good", ANSWER)
    cache.set("bad", ANSWER)
    cache.close()
    with sqlite3.connect(directory / "cache.db") as db:  # damage one row's stored value
        rows = db.execute("SELECT rowid, value FROM Cache").fetchall()
        db.execute("UPDATE Cache SET value = ? WHERE rowid = ?", (b"\x00garbage", rows[1][0]))
    cache = _cache(directory, warnings)
    got = {key: cache.get(key) for key in ("good", "bad")}
    assert sorted(v is None for v in got.values()) == [False, True]  # one answer, one miss
    assert len(warnings) == 1 and "damaged" in warnings[0] and "removed" in warnings[0]
    assert cache.stats()["entries"] == 1


def test_a_pickled_entry_is_refused_and_runs_no_code(tmp_path: Path) -> None:
    directory = tmp_path / "answers"
    _cache(directory, []).close()
    marker = tmp_path / "pwned"
    planted = diskcache.Cache(str(directory))  # default Disk: pickles what it stores
    planted.set("k", _Exploit(str(marker)))
    planted.close()
    # the plant used pickle's key encoding; store the same payload under our key encoding too
    with sqlite3.connect(directory / "cache.db") as db:
        db.execute("UPDATE Cache SET key = ?, raw = 1", (_json_key("k"),))
    warnings: list[str] = []
    assert _cache(directory, warnings).get("k") is None
    assert not marker.exists()
    assert warnings and "pickled value refused" in warnings[0]


def test_cache_stats_on_a_garbage_database_is_one_warning_line(tmp_path: Path) -> None:
    directory = tmp_path / "answers"
    directory.mkdir()
    (directory / "cache.db").write_bytes(os.urandom(4096))
    done = subprocess.run(
        [sys.executable, "-m", "claimtrace.cli", "cache", "stats", "--cache-dir", str(directory)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("\n") == 1 and "moved it to" in done.stderr
    assert "0 entries" in done.stdout


class _Exploit:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (Path(self.path), "ran"))  # type: ignore[return-value]


def _json_key(key: str) -> bytes:
    disk = diskcache.JSONDisk(".")
    return bytes(disk.put(key)[0])


def test_an_entry_of_the_wrong_shape_is_a_miss_not_a_failure(tmp_path: Path) -> None:
    from claimtrace import Extractor
    from claimtrace.schema import DocumentRecord

    from .conftest import article
    from .upstream import FakeUpstream

    warnings: list[str] = []
    with FakeUpstream() as upstream:
        extractor = Extractor(
            base_url=upstream.base_url, model="fake", strategy="article", cache_dir=tmp_path / "c"
        )
        extractor.extract(article(), doc_id="a")
        assert extractor.cache is not None
        extractor.cache._warn = warnings.append
        for key in list(extractor.cache._cache):
            extractor.cache.set(key, {"answer": 5})  # readable JSON, not an answer
        record = extractor.extract(article(), doc_id="a")
        assert isinstance(record, DocumentRecord) and record.stats.calls == 1
        assert sum(upstream.calls.values()) == 2  # asked again, not failed
    assert len(warnings) == 1 and "not a valid answer" in warnings[0]
