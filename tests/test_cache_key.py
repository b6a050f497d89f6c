"""The cache key changes with every input that can change the answer, and nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from claimtrace.cache import ResponseCache, cache_key

BASE: dict[str, Any] = {
    "model_id": "cc324af0",
    "mode": "json_schema_mode",
    "prompt_version": "abc",
    "schema_version": "def",
    "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "A"}],
    "sampling": {"max_tokens": 1536, "temperature": 0.0, "seed": 0},
}


def key(**changes: Any) -> str:
    return cache_key(**{**BASE, **changes})


@pytest.mark.parametrize(
    "change",
    [
        {"model_id": "1d9614"},
        {"mode": "json_mode"},
        {"prompt_version": "abd"},
        {"schema_version": "deg"},
        {"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "B"}]},
        {"messages": [{"role": "user", "content": "S"}, {"role": "user", "content": "A"}]},
        {"sampling": {"max_tokens": 1024, "temperature": 0.0, "seed": 0}},
        {"sampling": {"max_tokens": 1536, "temperature": 0.2, "seed": 0}},
        {"sampling": {"max_tokens": 1536, "temperature": 0.0, "seed": 1}},
    ],
)
def test_every_input_changes_the_key(change: dict[str, Any]) -> None:
    assert key(**change) != key()


def test_nothing_else_changes_it() -> None:
    reordered = {"seed": 0, "temperature": 0.0, "max_tokens": 1536}
    assert key(sampling=reordered) == key()
    assert len(key()) == 64


def test_key_is_the_same_in_another_process() -> None:
    """No salt, no id, no hash randomisation: a fresh interpreter computes the same key."""
    script = (
        "import json, sys; from claimtrace.cache import cache_key; "
        "print(cache_key(**json.loads(sys.argv[1])))"
    )
    other = subprocess.run(
        [sys.executable, "-c", script, json.dumps(BASE)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert other.stdout.strip() == key()


def test_cache_round_trip_and_clear(tmp_path) -> None:
    cache = ResponseCache(tmp_path / "c")
    cache.set(key(), {"answer": {"claims": []}, "usage": {}})
    assert cache.get(key()) == {"answer": {"claims": []}, "usage": {}}
    assert cache.get(key(mode="json_mode")) is None
    assert cache.stats()["entries"] == 1
    assert cache.clear() == 1 and cache.get(key()) is None
