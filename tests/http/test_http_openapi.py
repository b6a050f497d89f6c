"""The OpenAPI schema lists the routes and models, and what the service answers fits it."""

from __future__ import annotations

import httpx2
import pytest
from fastapi.testclient import TestClient
from http_support import ARTICLE_A, TimeoutTransport

ROUTES = {
    ("post", "/v1/extract"),
    ("post", "/v1/extract/batch"),
    ("get", "/healthz"),
    ("get", "/metrics"),
    ("get", "/v1/models"),
    ("post", "/v1/chat/completions"),
    ("post", "/v1/ledger"),
}
MODELS = {
    "DocumentRecord",
    "ErrorRecord",
    "ClaimRecord",
    "ExtractRequest",
    "BatchRequest",
    "BatchResponse",
    "Health",
    "ErrorBody",
    "OpenAIErrorBody",
    "ChatCompletionRequest",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ModelList",
}


def test_schema_lists_routes_models_and_errors(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    routes = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    assert routes == ROUTES
    assert set(schema["components"]["schemas"]) >= MODELS
    assert "HTTPValidationError" not in schema["components"]["schemas"]  # never answered
    extract = schema["paths"]["/v1/extract"]["post"]["responses"]
    assert {"200", "400", "413", "415", "422", "429", "502", "504"} <= set(extract)
    assert extract["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/DocumentRecord"
    )
    assert extract["429"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    chat = schema["paths"]["/v1/chat/completions"]["post"]["responses"]
    assert "422" not in chat  # the OpenAI face answers 400
    assert chat["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/OpenAIErrorBody")
    assert "text/event-stream" in chat["200"]["content"]
    assert "security" not in schema["paths"]["/v1/extract"]["post"]


def test_schema_declares_bearer_when_keyed(make_app) -> None:
    with TestClient(make_app(api_key="k")) as client:
        schema = client.get("/openapi.json", headers={"Authorization": "Bearer k"}).json()
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert schema["paths"]["/v1/extract"]["post"]["security"] == [{"bearer": []}]
    assert "security" not in schema["paths"]["/healthz"]["get"]


def test_answers_match_the_declared_responses(make_app, dead_endpoint) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    observed = []
    chat = {"model": "claimtrace-claims", "messages": [{"role": "user", "content": ARTICLE_A}]}
    with TestClient(make_app(max_body=5000)) as client:
        schema = client.get("/openapi.json").json()
        calls = [
            ("post", "/v1/extract", {"json": {"text": ARTICLE_A}}),
            ("post", "/v1/extract", {"json": {"text": ""}}),
            (
                "post",
                "/v1/extract",
                {"content": b"{", "headers": {"Content-Type": "application/json"}},
            ),
            ("post", "/v1/extract", {"content": b"x", "headers": {"Content-Type": "text/plain"}}),
            ("post", "/v1/extract", {"json": {"text": "x" * 6000}}),
            (
                "post",
                "/v1/extract/batch",
                {"json": {"documents": [{"text": ARTICLE_A}, {"text": ""}]}},
            ),
            ("get", "/healthz", {}),
            ("get", "/v1/models", {}),
            ("post", "/v1/chat/completions", {"json": chat}),
            ("post", "/v1/chat/completions", {"json": {**chat, "model": "x"}}),
            ("post", "/v1/chat/completions", {"json": {**chat, "messages": []}}),
        ]
        for method, path, kwargs in calls:
            observed.append((method, path, client.request(method.upper(), path, **kwargs)))
    with TestClient(make_app(endpoint=dead_endpoint, cache=False)) as client:
        observed.append(
            ("post", "/v1/extract", client.post("/v1/extract", json={"text": ARTICLE_A}))
        )
    hung = httpx2.AsyncClient(transport=TimeoutTransport())
    with TestClient(make_app(http_client=hung, cache=False)) as client:
        observed.append(
            ("post", "/v1/extract", client.post("/v1/extract", json={"text": ARTICLE_A}))
        )

    statuses = set()
    for method, path, response in observed:
        declared = schema["paths"][path][method]["responses"]
        assert str(response.status_code) in declared, (path, response.status_code, response.text)
        body_schema = declared[str(response.status_code)]["content"]["application/json"]["schema"]
        validator = jsonschema.Draft202012Validator(
            {**body_schema, "components": schema["components"]}
        )
        validator.validate(response.json())
        statuses.add(response.status_code)
    assert statuses == {200, 400, 404, 413, 415, 422, 502, 504}
