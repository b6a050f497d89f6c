"""/metrics: Prometheus text with requests, latency, errors, cache hits and tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from http_support import ARTICLE_A


def _value(text: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} (\S+)$", text, re.M)
    assert match, f"{series} not in metrics"
    return float(match.group(1))


def test_metrics_count_what_happened(client: TestClient) -> None:
    client.post("/v1/extract", json={"text": ARTICLE_A})
    client.post("/v1/extract", json={"text": ARTICLE_A})  # a cache hit
    client.post("/v1/extract", json={"text": ""})
    client.post("/v1/extract", content=b"x", headers={"Content-Type": "text/plain"})
    client.get("/nowhere")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    requests = 'claimtrace_http_requests_total{route="/v1/extract",method="POST",status="%s"}'
    assert _value(text, requests % 200) == 2
    assert _value(text, requests % 422) == 1
    assert _value(text, requests % 415) == 1  # refused before routing, still its route
    assert (
        _value(text, 'claimtrace_http_requests_total{route="unmatched",method="GET",status="404"}')
        == 1
    )
    assert _value(text, 'claimtrace_errors_total{kind="invalid_request"}') == 1
    assert _value(text, 'claimtrace_errors_total{kind="unsupported_media_type"}') == 1
    assert _value(text, 'claimtrace_errors_total{kind="not_found"}') == 1
    assert _value(text, "claimtrace_cache_hits_total") == 1
    assert _value(text, "claimtrace_model_calls_total") == 1
    assert _value(text, 'claimtrace_upstream_tokens_total{type="prompt"}') > 1000
    assert _value(text, 'claimtrace_upstream_tokens_total{type="completion"}') > 0
    assert _value(text, 'claimtrace_documents_total{outcome="ok"}') == 2
    histogram = "claimtrace_http_request_duration_seconds"
    assert _value(text, f'{histogram}_count{{route="/v1/extract"}}') == 4
    assert _value(text, f'{histogram}_bucket{{route="/v1/extract",le="+Inf"}}') == 4
    assert "# TYPE claimtrace_http_request_duration_seconds histogram" in text
    assert _value(text, "claimtrace_queue_capacity") == 18
    for line in text.splitlines():  # every line is a comment or `name{labels} value`
        assert line.startswith("# ") or re.fullmatch(r"[a-z_]+(\{[^}]*\})? \S+", line), line


def test_docs_pages_are_counted_under_their_own_route(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    text = client.get("/metrics").text
    assert 'claimtrace_http_requests_total{route="/docs",method="GET",status="200"} 1' in text
    assert 'route="/openapi.json"' in text
    assert 'route="unmatched"' not in text
