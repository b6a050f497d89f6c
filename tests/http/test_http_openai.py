"""The OpenAI-compatible face: raw wire format in-process, then the real SDKs over uvicorn."""

from __future__ import annotations

import json

import instructor
import openai
import pytest
from fastapi.testclient import TestClient
from http_support import ARTICLE_A, ARTICLE_B
from pydantic import BaseModel

from claimtrace.schema import DocumentRecord

TASK = "claimtrace-claims"
# the default task, then one per strategy
TASKS = [TASK, *(f"{TASK}-{s}" for s in ("parse", "rules", "sentence", "article"))]


def _chat(text: str = ARTICLE_A, **extra: object) -> dict[str, object]:
    return {
        "model": TASK,
        "messages": [
            {"role": "system", "content": "Extract the claims."},
            {"role": "user", "content": "an earlier message that is not the article"},
            {"role": "user", "content": text},
        ],
        **extra,
    }


def _events(body: str) -> list[str]:
    """SSE `data:` payloads in order (comments and blank lines dropped)."""
    return [line[6:] for line in body.splitlines() if line.startswith("data: ")]


def test_the_model_name_chooses_the_strategy(client: TestClient) -> None:
    body = {**_chat(), "model": f"{TASK}-rules"}
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 200, response.text
    record = DocumentRecord.model_validate_json(response.json()["choices"][0]["message"]["content"])
    assert record.model == "rules" and record.stats.calls == 0 and record.claims


def test_completion_carries_the_record_and_usage(client: TestClient) -> None:
    response = client.post("/v1/chat/completions", json=_chat(metadata={"doc_id": "douma"}))
    assert response.status_code == 200, response.text
    completion = response.json()
    assert completion["object"] == "chat.completion" and completion["model"] == TASK
    assert completion["id"].startswith("chatcmpl-")
    (choice,) = completion["choices"]
    assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
    record = DocumentRecord.model_validate_json(choice["message"]["content"])
    assert record.doc_id == "douma" and record.claims  # the last user message was the article
    for claim in record.claims:
        assert ARTICLE_A[claim.span.start : claim.span.end] == claim.evidence
    usage = completion["usage"]
    assert usage["prompt_tokens"] == record.usage.prompt_tokens > 0
    assert usage["completion_tokens"] == record.usage.completion_tokens > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_content_parts_are_joined(client: TestClient) -> None:
    parts = [{"type": "text", "text": ARTICLE_B[:40]}, {"type": "text", "text": ARTICLE_B[40:]}]
    body = {"model": TASK, "messages": [{"role": "user", "content": parts}]}
    content = client.post("/v1/chat/completions", json=body).json()["choices"][0]["message"]
    assert DocumentRecord.model_validate_json(content["content"]).claims


@pytest.mark.parametrize(
    "response_format",
    [
        {"type": "text"},
        {"type": "json_object"},
        {
            "type": "json_schema",
            "json_schema": {"name": "record", "schema": DocumentRecord.model_json_schema()},
        },
    ],
)
def test_response_formats_give_the_record(client: TestClient, response_format: dict) -> None:
    response = client.post("/v1/chat/completions", json=_chat(response_format=response_format))
    assert response.status_code == 200, response.text
    DocumentRecord.model_validate_json(response.json()["choices"][0]["message"]["content"])


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]},
        {"type": "object", "properties": {"doc_id": {"type": "integer"}}},
        {
            "type": "object",
            "properties": {"doc_id": {"type": "string"}},
            "additionalProperties": False,
        },
        {"type": "array", "items": {"type": "string"}},
    ],
)
def test_a_foreign_json_schema_is_a_400(client: TestClient, schema: dict) -> None:
    response_format = {"type": "json_schema", "json_schema": {"name": "other", "schema": schema}}
    response = client.post("/v1/chat/completions", json=_chat(response_format=response_format))
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == "response_format"
    assert "not claimtrace's document record" in error["message"]


def test_unknown_model_is_a_404_in_openai_shape(client: TestClient) -> None:
    response = client.post("/v1/chat/completions", json={**_chat(), "model": "gpt-4o"})
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "message": "The model 'gpt-4o' does not exist; use one of: claimtrace-claims, "
            "claimtrace-claims-parse, claimtrace-claims-rules, claimtrace-claims-sentence, "
            "claimtrace-claims-article",
            "type": "invalid_request_error",
            "param": "model",
            "code": "model_not_found",
        }
    }


@pytest.mark.parametrize(
    "body",
    [
        {"model": TASK, "messages": []},
        {"model": TASK, "messages": [{"role": "system", "content": "no user message"}]},
        {"model": TASK, "messages": [{"role": "user", "content": "  "}]},
        {"messages": [{"role": "user", "content": "x"}]},
        {"model": TASK, "messages": [{"role": "user", "content": "x"}], "n": 2},
    ],
)
def test_bad_chat_requests_are_400s(client: TestClient, body: dict) -> None:
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_stream_is_standard_sse(client: TestClient) -> None:
    body = _chat(stream=True, stream_options={"include_usage": True})
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    first, *middle, final, usage = chunks
    assert first["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert middle and all(c["choices"][0]["finish_reason"] is None for c in middle)
    assert final["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    assert usage["choices"] == [] and usage["usage"]["prompt_tokens"] > 0
    content = "".join(c["choices"][0]["delta"]["content"] for c in middle)
    assert DocumentRecord.model_validate_json(content).claims


def test_models_list(client: TestClient) -> None:
    listing = client.get("/v1/models").json()
    assert listing["object"] == "list"
    assert [m["id"] for m in listing["data"]] == TASKS
    assert listing["data"][0]["object"] == "model"


# --- the official SDKs against a real uvicorn on loopback ---------------------------


class MirrorSource(BaseModel):
    name: str | None
    type: str


class MirrorCasualty(BaseModel):
    count: int
    qualifier: str
    outcome: str
    victims: str
    location: str | None
    period: str | None


class MirrorSpan(BaseModel):
    start: int
    end: int


class MirrorClaim(BaseModel):
    evidence: str
    statement: str
    source: MirrorSource
    cue: str | None
    kind: str
    certainty: str
    casualty: MirrorCasualty | None
    span: MirrorSpan


class MirrorRecord(BaseModel):
    """A client's own model of the record: a subset of its fields, looser types."""

    doc_id: str
    claims: list[MirrorClaim]
    model: str


def test_openai_sdk_plain_and_streamed(live) -> None:
    server = live()
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)
    assert [m.id for m in client.models.list()] == TASKS

    completion = client.chat.completions.create(
        model=TASK,
        messages=[{"role": "user", "content": ARTICLE_A}],
        response_format={"type": "json_object"},
    )
    record = DocumentRecord.model_validate_json(completion.choices[0].message.content or "")
    assert record.claims and completion.usage and completion.usage.prompt_tokens > 0

    stream = client.chat.completions.create(
        model=TASK,
        messages=[{"role": "user", "content": ARTICLE_B}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert DocumentRecord.model_validate_json(content).claims
    assert chunks[0].choices[0].delta.role == "assistant"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0

    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    assert caught.value.code == "model_not_found"


@pytest.mark.parametrize("mode", [instructor.Mode.JSON, instructor.Mode.JSON_SCHEMA])
def test_instructor_gets_a_validated_object(live, mode: instructor.Mode) -> None:
    server = live()
    client = instructor.from_openai(
        openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0), mode=mode
    )
    record = client.chat.completions.create(
        model=TASK,
        response_model=MirrorRecord,
        messages=[{"role": "user", "content": ARTICLE_A}],
        max_retries=0,
    )
    assert isinstance(record, MirrorRecord) and record.claims
    figure = next(c.casualty for c in record.claims if c.casualty)
    assert figure.count == 27 and figure.victims == "civilians"
    for claim in record.claims:
        assert ARTICLE_A[claim.span.start : claim.span.end] == claim.evidence


def test_streamed_upstream_failure_reaches_the_sdk_as_an_error(
    live, make_app, dead_endpoint
) -> None:
    server = live(make_app(endpoint=dead_endpoint))
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)
    stream = client.chat.completions.create(
        model=TASK, messages=[{"role": "user", "content": ARTICLE_A}], stream=True
    )
    with pytest.raises(openai.APIError) as caught:
        list(stream)
    assert "connection failed (ConnectError" in caught.value.message
    with pytest.raises(openai.APIStatusError) as status:
        client.chat.completions.create(
            model=TASK, messages=[{"role": "user", "content": ARTICLE_A}]
        )
    assert status.value.status_code == 502 and status.value.code == "upstream"
