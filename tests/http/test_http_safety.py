"""Safety: auth, body limits, the bounded queue, upstream failures and timeouts."""

from __future__ import annotations

import threading
import time

import httpx
import httpx2
import openai
import pytest
from fastapi.testclient import TestClient
from http_support import ARTICLE_A, ARTICLE_B, SlowTransport, TimeoutTransport

from claimtrace.http.gate import BeyondCapacity, Gate, Overloaded

KEY = "s3cret-token"


def _error(response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    assert "\n" not in response.text
    body = response.json()
    assert body["kind"] == kind
    return str(body["error"])


# --- auth -------------------------------------------------------------------------


def test_auth_off_by_default(client: TestClient) -> None:
    assert client.get("/v1/models").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_auth_on_requires_the_bearer_token(make_app) -> None:
    with TestClient(make_app(api_key=KEY)) as client:
        for headers in (
            {},
            {"Authorization": "Bearer wrong"},
            {"Authorization": KEY},
            {"Authorization": f"Basic {KEY}"},
            {"Authorization": f"Bearer {KEY}x"},
        ):
            response = client.post("/v1/extract", json={"text": ARTICLE_A}, headers=headers)
            assert "Authorization: Bearer" in _error(response, 401, "unauthorized")
            assert response.headers["WWW-Authenticate"] == "Bearer"
        good = {"Authorization": f"Bearer {KEY}"}
        assert client.post("/v1/extract", json={"text": ARTICLE_A}, headers=good).status_code == 200
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": f"bearer {KEY}"}).status_code == 200
        assert client.get("/healthz").status_code == 200  # probes carry no token
        refused = client.get("/v1/models")  # the OpenAI face answers in OpenAI's shape
        assert refused.status_code == 401
        assert refused.json()["error"]["type"] == "authentication_error"
        # Auth comes before the body is read: a refused request never gets a 413 or 415.
        big = client.post("/v1/extract", content=b"x" * (2 << 20))
        assert big.status_code == 401


def test_auth_with_the_openai_sdk(make_app, live) -> None:
    server = live(make_app(api_key=KEY))
    good = openai.OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0)
    assert [m.id for m in good.models.list()][:2] == [
        "claimtrace-claims",
        "claimtrace-claims-parse",
    ]
    bad = openai.OpenAI(base_url=f"{server.url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()


# --- body limit ---------------------------------------------------------------------


def test_body_over_the_limit_is_a_413(make_app) -> None:
    with TestClient(make_app(max_body=1000)) as client:
        response = client.post("/v1/extract", json={"text": "x" * 2000})
        assert "over the limit of 1,000 bytes" in _error(response, 413, "too_large")
        batch = client.post("/v1/extract/batch", json={"documents": [{"text": "y" * 600}] * 2})
        _error(batch, 413, "too_large")
        chat = client.post(
            "/v1/chat/completions",
            json={
                "model": "claimtrace-claims",
                "messages": [{"role": "user", "content": "z" * 2000}],
            },
        )
        assert chat.status_code == 413 and chat.json()["error"]["code"] == "too_large"
        assert client.post("/v1/extract", json={"text": ARTICLE_B}).status_code == 200


def test_streamed_body_without_length_is_counted(make_app, live) -> None:
    server = live(make_app(max_body=1000))

    def chunks():  # chunked transfer: no Content-Length to check up front
        yield b'{"text": "'
        for _ in range(20):
            yield b"x" * 100
        yield b'"}'

    response = httpx.post(
        f"{server.url}/v1/extract",
        content=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.request.headers.get("content-length") is None
    _error(response, 413, "too_large")
    ok = httpx.post(f"{server.url}/v1/extract", json={"text": ARTICLE_B}, timeout=30)
    assert ok.status_code == 200  # the server goes on


# --- the bounded queue -----------------------------------------------------------------


def _wait_for_queue(url: str, running: int, waiting: int, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        queue = httpx.get(f"{url}/healthz", timeout=5).json()["queue"]
        if queue["running"] == running and queue["waiting"] == waiting:
            return
        time.sleep(0.05)
    raise AssertionError(f"queue never reached running={running} waiting={waiting}: {queue}")


def test_saturated_queue_answers_429_with_retry_after(make_app, live) -> None:
    slow = httpx2.AsyncClient(transport=SlowTransport(3.0))
    server = live(make_app(http_client=slow, cache=False, concurrency=1, queue=1))
    results: dict[str, int] = {}

    def post(name: str, text: str) -> None:
        response = httpx.post(f"{server.url}/v1/extract", json={"text": text}, timeout=30)
        results[name] = response.status_code

    threads = [threading.Thread(target=post, args=("first", ARTICLE_A))]
    threads[0].start()
    _wait_for_queue(server.url, running=1, waiting=0)
    threads.append(threading.Thread(target=post, args=("second", ARTICLE_B)))
    threads[1].start()
    _wait_for_queue(server.url, running=1, waiting=1)

    refused = httpx.post(f"{server.url}/v1/extract", json={"text": ARTICLE_A}, timeout=5)
    assert "overloaded" in _error(refused, 429, "overloaded")
    assert int(refused.headers["Retry-After"]) >= 1
    chat = httpx.post(
        f"{server.url}/v1/chat/completions",
        json={"model": "claimtrace-claims", "messages": [{"role": "user", "content": ARTICLE_A}]},
        timeout=5,
    )
    assert chat.status_code == 429 and chat.json()["error"]["type"] == "rate_limit_error"
    assert "Retry-After" in chat.headers
    batch = httpx.post(
        f"{server.url}/v1/extract/batch", json={"documents": [{"text": ARTICLE_A}]}, timeout=5
    )
    assert batch.status_code == 429
    for thread in threads:
        thread.join(30)
    assert results == {"first": 200, "second": 200}  # the admitted ones were served
    _wait_for_queue(server.url, running=0, waiting=0)
    metrics = httpx.get(f"{server.url}/metrics", timeout=5).text
    assert 'claimtrace_errors_total{kind="overloaded"} 3' in metrics


def test_gate_admission_is_all_or_nothing() -> None:
    gate = Gate(slots=2, queue=1)
    ticket = gate.reserve(2)
    with pytest.raises(Overloaded):
        gate.reserve(2)  # only one place left: the batch is refused whole
    assert gate.admitted == 2
    with pytest.raises(BeyondCapacity, match="can never be admitted"):
        gate.reserve(4)  # more than it can ever hold: not worth a retry
    ticket.release()
    ticket.release()  # idempotent
    assert gate.admitted == 0


def test_a_client_that_leaves_frees_its_slot(make_app, live) -> None:
    slow = httpx2.AsyncClient(transport=SlowTransport(5.0))
    server = live(make_app(http_client=slow, cache=False, concurrency=1, queue=0))
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{server.url}/v1/extract", json={"text": ARTICLE_A}, timeout=0.5)
    started = time.monotonic()
    _wait_for_queue(server.url, running=0, waiting=0, timeout_s=4.0)
    assert time.monotonic() - started < 4.0  # well before the 5 s upstream call would end


# --- upstream failures ------------------------------------------------------------------


def test_upstream_down_is_a_502(make_app, dead_endpoint) -> None:
    with TestClient(make_app(endpoint=dead_endpoint)) as client:
        response = client.post("/v1/extract", json={"text": ARTICLE_A})
        assert "connection failed (ConnectError" in _error(response, 502, "upstream")
        batch = client.post(
            "/v1/extract/batch", json={"documents": [{"text": ARTICLE_A}, {"text": ""}]}
        )
        assert batch.status_code == 200
        records = batch.json()["records"]
        assert "connection failed" in records[0]["error"] and "empty" in records[1]["error"]
        metrics = client.get("/metrics").text
    assert 'claimtrace_errors_total{kind="upstream"} 2' in metrics
    assert 'claimtrace_documents_total{outcome="error"} 3' in metrics


def test_upstream_timeout_is_a_504(make_app) -> None:
    hung = httpx2.AsyncClient(transport=TimeoutTransport())
    with TestClient(make_app(http_client=hung)) as client:
        response = client.post("/v1/extract", json={"text": ARTICLE_A})
        assert "no answer within" in _error(response, 504, "timeout")


def test_service_deadline_is_a_504_not_a_hung_request(make_app) -> None:
    slow = httpx2.AsyncClient(transport=SlowTransport(10.0))
    with TestClient(make_app(http_client=slow, cache=False, timeout_s=0.3)) as client:
        started = time.monotonic()
        response = client.post("/v1/extract", json={"text": ARTICLE_A})
        assert "no answer within 0.3s" in _error(response, 504, "timeout")
        assert time.monotonic() - started < 3
        assert client.get("/healthz").json()["queue"]["running"] == 0
