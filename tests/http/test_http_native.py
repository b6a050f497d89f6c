"""The native API in-process (TestClient through the whole ASGI stack), upstream replayed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from http_support import ARTICLE_A, ARTICLE_B

from claimtrace import Extractor
from claimtrace.http import ServiceConfig, create_app
from claimtrace.schema import DocumentRecord, ErrorRecord


def _one_line_error(response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "\n" not in response.text and "Traceback" not in response.text
    body = response.json()
    assert set(body) == {"error", "kind"} and body["kind"] == kind
    return str(body["error"])


def test_extract_returns_the_document_record(client: TestClient) -> None:
    response = client.post("/v1/extract", json={"text": ARTICLE_A, "doc_id": "douma"})
    assert response.status_code == 200, response.text
    record = DocumentRecord.model_validate(response.json())
    assert record.doc_id == "douma" and record.claims
    for claim in record.claims:  # grounded: offsets index the text we sent
        assert ARTICLE_A[claim.span.start : claim.span.end] == claim.evidence
    assert any(c.casualty and c.casualty.count == 27 for c in record.claims)
    assert record.usage.prompt_tokens > 0 and record.stats.calls == 1 and not record.cache_hit


def test_second_request_is_a_cache_hit(client: TestClient) -> None:
    first = client.post("/v1/extract", json={"text": ARTICLE_B}).json()
    second = client.post("/v1/extract", json={"text": ARTICLE_B}).json()
    assert first["doc_id"] == "doc" and not first["cache_hit"]
    assert second["cache_hit"] and second["stats"]["cache_hits"] == 1
    assert second["claims"] == first["claims"]


def test_options_apply_per_request(client: TestClient) -> None:
    client.post("/v1/extract", json={"text": ARTICLE_B})
    uncached = client.post("/v1/extract", json={"text": ARTICLE_B, "options": {"cache": False}})
    assert uncached.status_code == 200 and not uncached.json()["cache_hit"]
    error = _one_line_error(
        client.post("/v1/extract", json={"text": ARTICLE_B, "options": {"passes": 9}}),
        422,
        "invalid_request",
    )
    assert error.startswith("options.passes:")
    error = _one_line_error(
        client.post("/v1/extract", json={"text": ARTICLE_B, "options": {"nope": 1}}),
        422,
        "invalid_request",
    )
    assert "options.nope" in error


def test_batch_returns_records_in_order_with_their_errors(client: TestClient) -> None:
    documents = [
        {"text": ARTICLE_B, "doc_id": "b"},
        {"text": "   ", "doc_id": "blank"},
        {"text": ARTICLE_A},
    ]
    response = client.post("/v1/extract/batch", json={"documents": documents})
    assert response.status_code == 200, response.text
    records = response.json()["records"]
    assert [r["doc_id"] for r in records] == ["b", "blank", "doc-2"]
    assert DocumentRecord.model_validate(records[0]).claims
    failed = ErrorRecord.model_validate(records[1])
    assert "empty or whitespace" in failed.error
    assert DocumentRecord.model_validate(records[2]).claims


def test_batch_limits(make_app) -> None:
    with TestClient(make_app(max_batch=2)) as client:
        documents = [{"text": ARTICLE_A}] * 3
        error = _one_line_error(
            client.post("/v1/extract/batch", json={"documents": documents}),
            422,
            "invalid_request",
        )
        assert "over the limit of 2" in error
        _one_line_error(
            client.post("/v1/extract/batch", json={"documents": []}), 422, "invalid_request"
        )


def test_healthz_reports_service_and_upstream(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["upstream"]["status"] == "ok"
    assert health["upstream"]["model"] == "qwen2.5-coder-1.5b"
    assert health["queue"] == {"running": 0, "waiting": 0, "slots": 2, "capacity": 18}


def test_healthz_says_when_the_upstream_is_down(make_app, dead_endpoint) -> None:
    with TestClient(make_app(endpoint=dead_endpoint)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    health = response.json()
    assert health["status"] == "degraded" and health["upstream"]["status"] == "unreachable"


def test_healthz_before_the_local_server_starts() -> None:
    # As `claimtrace serve` builds it: nothing resolved until the first extraction.
    extractor = Extractor(base_url="http://127.0.0.1:9/v1", cache=False)
    app = create_app(extractor, ServiceConfig(resolve_at_startup=False))
    with TestClient(app) as client:
        upstream = client.get("/healthz").json()["upstream"]
    assert upstream["status"] == "not_started" and "first extraction" in upstream["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": ""}, "text: String should have at least 1 character"),
        ({"text": " \n\t "}, "document is empty or whitespace only"),
        ({"text": "a\x00b"}, "NUL bytes"),
        ({"doc_id": "x"}, "text: Field required"),
        ({"text": 12}, "text: Input should be a valid string"),
        ([1, 2], "Input should be a valid dictionary"),
    ],
)
def test_bad_input_is_a_one_line_422(client: TestClient, body: object, message: str) -> None:
    assert message in _one_line_error(client.post("/v1/extract", json=body), 422, "invalid_request")


def test_too_long_text_is_a_422(make_app) -> None:
    with TestClient(make_app(max_chars=100)) as client:
        error = _one_line_error(
            client.post("/v1/extract", json={"text": ARTICLE_A}), 422, "invalid_request"
        )
    assert "over the limit of 100" in error


@pytest.mark.parametrize("raw", [b"{", b'{"text": "x",}', b"not json", b'{"text": "\xff"}'])
def test_malformed_json_is_a_400(client: TestClient, raw: bytes) -> None:
    response = client.post("/v1/extract", content=raw, headers={"Content-Type": "application/json"})
    assert _one_line_error(response, 400, "invalid_json").startswith("malformed JSON body")


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""]
)
def test_wrong_content_type_is_a_415(client: TestClient, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/v1/extract", content=b'{"text": "x"}', headers=headers)
    assert "application/json" in _one_line_error(response, 415, "unsupported_media_type")


def test_json_with_charset_and_suffix_is_accepted(client: TestClient) -> None:
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        response = client.post(
            "/v1/extract", content=b'{"text": " "}', headers={"Content-Type": content_type}
        )
        assert response.status_code == 422  # parsed, then refused for its (empty) text


def test_unknown_route_and_method(client: TestClient) -> None:
    assert "GET /nope" in _one_line_error(client.get("/nope"), 404, "not_found")
    _one_line_error(client.get("/v1/extract"), 405, "method_not_allowed")


def test_recall_pass_needs_the_article_strategy(client: TestClient) -> None:
    # The default sentence strategy reads one sentence per call: a recall pass
    # over it is refused by the extractor's own check, as one line, before any call.
    response = client.post("/v1/extract", json={"text": ARTICLE_B, "options": {"passes": 2}})
    assert response.status_code in (400, 422)
    assert "article strategy" in response.json()["error"]
