"""A local server that is not running is started by the first cache miss, not by resolving.

So a re-run answered wholly from the response cache builds, pulls and starts
nothing; and a server that cannot start stops the run with one error.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from claimtrace import Extractor
from claimtrace.errors import BackendError, ServerStartError
from claimtrace.llm import endpoint, models, server

ROOT = Path(__file__).resolve().parent.parent
TEXT = "The Syrian Observatory said 27 civilians were killed in Homs on Sunday."


def _answer(request: httpx.Request) -> httpx.Response:
    """A well-formed chat completion with an empty claim list (no model involved)."""
    body = json.loads(request.content)
    return httpx.Response(
        200,
        json={
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": '{"claims": []}'},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        },
    )


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Nothing runs on the default port, and starting is recorded instead of done."""
    started: list[str] = []
    monkeypatch.setattr(server, "read_state", lambda port: None)
    monkeypatch.setattr(endpoint, "ensure_local", lambda model, **_: started.append(model))
    return started


def test_lazy_resolve_starts_nothing_and_keys_like_the_running_server(
    no_server: list[str],
) -> None:
    ep = endpoint.resolve_endpoint(lazy=True)
    assert no_server == []
    assert ep.start is not None
    assert ep.model == models.DEFAULT_MODEL
    assert ep.model_id == models.get(models.DEFAULT_MODEL).sha256  # what cache keys use
    assert ep.base_url == f"http://127.0.0.1:{server.DEFAULT_PORT}/v1"
    assert ep.parallel == server.DEFAULT_PARALLEL


def test_first_miss_starts_the_server_and_a_cached_rerun_does_not(
    no_server: list[str],
) -> None:
    def run() -> int:
        client = httpx.AsyncClient(transport=httpx.MockTransport(_answer))
        record = Extractor(http_client=client, say=lambda _m: None, strategy="sentence").extract(
            TEXT, "d"
        )
        return record.stats.calls

    assert run() == 1
    assert no_server == [models.DEFAULT_MODEL]  # started once, by the miss
    assert run() == 0  # every answer from the cache
    assert no_server == [models.DEFAULT_MODEL]  # and nothing started again


def test_a_server_that_cannot_start_stops_the_run_with_one_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts: list[str] = []

    def fail(model: str, **_: object) -> None:
        attempts.append(model)
        raise BackendError("port 8091 is busy: another process listens on 127.0.0.1:8091")

    monkeypatch.setattr(server, "read_state", lambda port: None)
    monkeypatch.setattr(endpoint, "ensure_local", fail)
    client = httpx.AsyncClient(transport=httpx.MockTransport(_answer))
    extractor = Extractor(http_client=client, say=lambda _m: None, strategy="sentence")
    docs = [("a", TEXT), ("b", TEXT.replace("27", "28")), ("c", TEXT.replace("27", "29"))]
    with pytest.raises(ServerStartError, match="port 8091 is busy"):
        extractor.extract_many(docs)
    assert attempts == [models.DEFAULT_MODEL]  # tried once, not once per document
