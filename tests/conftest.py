"""Shared test set-up: an isolated cache, vcr cassettes, and the `live` gate.

Unit and replay tests never need a model: exchanges with the real llama-server
were recorded once into `tests/cassettes/` and are replayed, matched on the
request body. Tests marked `live` run against a real server and only when
`CLAIMTRACE_LIVE=1` (as `.ci/run` sets); `CLAIMTRACE_RECORD=1` records
cassettes that do not exist yet (delete one to re-record it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import instructor
import pytest
import vcr

from claimtrace.llm.endpoint import Endpoint
from claimtrace.llm.models import get

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = Path(__file__).resolve().parent / "cassettes"
LIVE = os.environ.get("CLAIMTRACE_LIVE") == "1"
RECORD = os.environ.get("CLAIMTRACE_RECORD") == "1"
RECORDED_PORT = 8091
RECORDED_MODEL = "qwen2.5-coder-1.5b"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if LIVE or RECORD:
        return
    skip = pytest.mark.skip(reason="live test: set CLAIMTRACE_LIVE=1 (.ci/run does)")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test gets its own cache root, so nothing leaks between tests or from the user."""
    path = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("CLAIMTRACE_CACHE_DIR", str(path))
    for name in ("CLAIMTRACE_BASE_URL", "CLAIMTRACE_API_KEY", "CLAIMTRACE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def recorder() -> vcr.VCR:
    """vcrpy set to replay only (or to record with CLAIMTRACE_RECORD=1)."""
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="once" if RECORD else "none",
        match_on=["method", "scheme", "host", "port", "path", "body"],
        filter_headers=["authorization"],
        decode_compressed_response=True,
    )


@pytest.fixture
def recorded_endpoint() -> Endpoint:
    """The local llama-server the cassettes were recorded from."""
    return Endpoint(
        base_url=f"http://127.0.0.1:{RECORDED_PORT}/v1",
        api_key="not-needed",
        model=RECORDED_MODEL,
        model_id=get(RECORDED_MODEL).sha256,
        mode=instructor.Mode.JSON_SCHEMA,
        ctx=8192,
        parallel=2,
        local=True,
    )


@pytest.fixture
def seed_text() -> Iterator[str]:
    yield (ROOT / "seeds" / "004_edab79c1a45cfe29.txt").read_text(encoding="utf-8")
