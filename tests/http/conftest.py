"""HTTP service fixtures: the recorded upstream, app factories, clients, a real uvicorn."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from http_support import (
    ARTICLE_A,
    ARTICLE_B,
    CASSETTES,
    RECORD,
    UPSTREAM_CASSETTE,
    LiveServer,
    free_port,
    use_upstream_cassette,
)

from claimtrace import Extractor
from claimtrace.call import CallSettings
from claimtrace.http import ServiceConfig, create_app
from claimtrace.llm.endpoint import Endpoint

MakeApp = Callable[..., FastAPI]


def _record_upstream(endpoint: Endpoint) -> None:
    """One pass against the real server: what every HTTP test replays."""
    with use_upstream_cassette(record=True):
        extractor = Extractor(endpoint=endpoint, cache=False, strategy="sentence")
        for doc_id, text in (("a", ARTICLE_A), ("b", ARTICLE_B)):
            extractor.extract(text, doc_id)
        httpx.get(f"{endpoint.base_url}/models", timeout=10).raise_for_status()


@pytest.fixture
def upstream(recorded_endpoint: Endpoint) -> Iterator[Endpoint]:
    """The recorded llama-server, replayed for the duration of the test."""
    if RECORD and not (CASSETTES / UPSTREAM_CASSETTE).exists():
        _record_upstream(recorded_endpoint)
    with use_upstream_cassette():
        yield recorded_endpoint


@pytest.fixture
def dead_endpoint(recorded_endpoint: Endpoint) -> Endpoint:
    """The recorded endpoint moved to a loopback port where nothing listens."""
    return Endpoint(
        base_url=f"http://127.0.0.1:{free_port()}/v1",
        api_key="not-needed",
        model=recorded_endpoint.model,
        model_id=recorded_endpoint.model_id,
        mode=recorded_endpoint.mode,
        ctx=recorded_endpoint.ctx,
        parallel=recorded_endpoint.parallel,
    )


@pytest.fixture
def make_app(upstream: Endpoint) -> MakeApp:
    """`make_app(endpoint=..., http_client=..., cache=..., **config)`: the service app."""

    def build(
        endpoint: Endpoint | None = None,
        http_client: Any | None = None,
        cache: bool = True,
        max_chars: int | None = None,
        **config: Any,
    ) -> FastAPI:
        extractor = Extractor(
            endpoint=endpoint or upstream,
            strategy="sentence",  # the recorded upstream answers are sentence calls
            cache=cache,
            http_client=http_client,
            settings=CallSettings(max_retries=1, backoff_max_s=0.01),
            **({"max_chars": max_chars} if max_chars else {}),
        )
        config.setdefault("resolve_at_startup", True)
        return create_app(extractor, ServiceConfig(**config))

    return build


@pytest.fixture
def client(make_app: MakeApp) -> Iterator[TestClient]:
    """In-process client of a default app (no API key) over the recorded upstream."""
    with TestClient(make_app()) as test_client:
        yield test_client


@pytest.fixture
def live(make_app: MakeApp) -> Iterator[Callable[..., LiveServer]]:
    """`live(app=None, grace_s=5)`: a started uvicorn on a free loopback port, stopped after."""
    servers: list[LiveServer] = []

    def start(app: FastAPI | None = None, grace_s: float = 5.0) -> LiveServer:
        server = LiveServer(app or make_app(), grace_s=grace_s).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        if server.thread.is_alive():
            server.stop()
