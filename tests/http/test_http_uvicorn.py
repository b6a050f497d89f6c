"""The service under a real uvicorn on loopback: every route, then graceful shutdown."""

from __future__ import annotations

import threading
import time

import httpx
import httpx2
from http_support import ARTICLE_A, ARTICLE_B, SlowTransport

from claimtrace.schema import DocumentRecord


def test_every_route_over_the_network(live) -> None:
    server = live()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        record = client.post("/v1/extract", json={"text": ARTICLE_A, "doc_id": "a"})
        assert record.status_code == 200
        assert DocumentRecord.model_validate(record.json()).claims
        batch = client.post(
            "/v1/extract/batch", json={"documents": [{"text": ARTICLE_B}, {"text": ARTICLE_A}]}
        )
        assert [r["cache_hit"] for r in batch.json()["records"]] == [False, True]
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.get("/v1/models").json()["data"][0]["id"] == "claimtrace-claims"
        chat = client.post(
            "/v1/chat/completions",
            json={
                "model": "claimtrace-claims",
                "messages": [{"role": "user", "content": ARTICLE_B}],
            },
        )
        assert chat.status_code == 200
        with client.stream(
            "POST",
            "/v1/chat/completions",
            json={
                "model": "claimtrace-claims",
                "stream": True,
                "messages": [{"role": "user", "content": ARTICLE_B}],
            },
        ) as stream:
            lines = [line for line in stream.iter_lines() if line]
        assert lines[-1] == "data: [DONE]"
        assert "claimtrace_http_requests_total" in client.get("/metrics").text
        assert client.get("/openapi.json").json()["info"]["title"] == "claimtrace"
        assert (
            client.post(
                "/v1/extract", content=b"{", headers={"Content-Type": "application/json"}
            ).status_code
            == 400
        )


def _post_in_thread(url: str, results: list[object]) -> threading.Thread:
    def run() -> None:
        try:
            results.append(httpx.post(f"{url}/v1/extract", json={"text": ARTICLE_A}, timeout=30))
        except httpx.HTTPError as error:
            results.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_running(url: str) -> None:
    deadline = time.monotonic() + 10
    while httpx.get(f"{url}/healthz", timeout=5).json()["queue"]["running"] < 1:
        assert time.monotonic() < deadline, "the request never started"
        time.sleep(0.05)


def test_shutdown_lets_in_flight_requests_finish(make_app, live) -> None:
    slow = SlowTransport(1.5)
    server = live(make_app(http_client=httpx2.AsyncClient(transport=slow), cache=False), grace_s=10)
    results: list[object] = []
    request = _post_in_thread(server.url, results)
    _wait_running(server.url)
    server.stop()
    request.join(30)
    (response,) = results
    assert isinstance(response, httpx.Response) and response.status_code == 200
    assert DocumentRecord.model_validate(response.json()).claims


def test_shutdown_cancels_what_outlasts_the_grace(make_app, live) -> None:
    slow = SlowTransport(30.0)
    server = live(
        make_app(http_client=httpx2.AsyncClient(transport=slow), cache=False), grace_s=0.5
    )
    results: list[object] = []
    request = _post_in_thread(server.url, results)
    _wait_running(server.url)
    started = time.monotonic()
    server.stop(timeout_s=10)
    assert time.monotonic() - started < 5  # not the 30 s the upstream call would take
    request.join(10)
    (outcome,) = results  # the client is not left hanging: an error or a 5xx, at once
    assert isinstance(outcome, httpx.Response) and outcome.status_code == 503
    assert outcome.json()["kind"] == "shutting_down"
    assert slow.completed == 0  # the upstream call was cancelled, not left running
