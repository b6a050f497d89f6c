"""`temperature`, `max_tokens` and the document's name: honoured or refused, never ignored."""

from __future__ import annotations

import json

import instructor
import openai
import pytest
from fastapi.testclient import TestClient
from http_support import ARTICLE_A
from instructor.core.exceptions import IncompleteOutputException
from test_http_openai import MirrorRecord

from claimtrace.chunking import CHARS_PER_TOKEN
from claimtrace.schema import DocumentRecord

RULES = "claimtrace-claims-rules"
MESSAGES = [{"role": "user", "content": ARTICLE_A}]


def _chat(client: TestClient, **extra: object) -> dict:
    response = client.post(
        "/v1/chat/completions", json={"model": RULES, "messages": MESSAGES, **extra}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize("temperature", [0.7, 1, 2])
def test_sampling_temperatures_are_refused(client: TestClient, temperature: float) -> None:
    body = {"model": RULES, "messages": MESSAGES, "temperature": temperature}
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == "temperature" and "deterministic" in error["message"]


def test_temperature_zero_is_what_we_do(client: TestClient) -> None:
    content = _chat(client, temperature=0)["choices"][0]["message"]["content"]
    assert DocumentRecord.model_validate_json(content).claims


def test_max_tokens_cuts_the_answer_with_finish_length(client: TestClient) -> None:
    full = _chat(client, metadata={"doc_id": "x"})["choices"][0]
    cut = _chat(client, metadata={"doc_id": "x"}, max_tokens=20)["choices"][0]
    assert full["finish_reason"] == "stop" and cut["finish_reason"] == "length"
    limit = int(20 * CHARS_PER_TOKEN)
    assert cut["message"]["content"] == full["message"]["content"][:limit]
    roomy = _chat(client, metadata={"doc_id": "x"}, max_completion_tokens=100_000)["choices"][0]
    assert roomy["finish_reason"] == "stop"
    assert (
        json.loads(roomy["message"]["content"])["claims"]
        == json.loads(full["message"]["content"])["claims"]
    )


def test_max_tokens_cuts_a_stream_the_same_way(client: TestClient) -> None:
    body = {"model": RULES, "messages": MESSAGES, "metadata": {"doc_id": "x"}}
    plain = _chat(client, metadata={"doc_id": "x"}, max_tokens=30)["choices"][0]
    response = client.post("/v1/chat/completions", json={**body, "max_tokens": 30, "stream": True})
    data = [json.loads(line[6:]) for line in response.text.splitlines() if line[:7] == "data: {"]
    content = "".join(d["choices"][0]["delta"].get("content") or "" for d in data)
    assert content == plain["message"]["content"] and len(content) == int(30 * CHARS_PER_TOKEN)
    assert data[-1]["choices"][0]["finish_reason"] == "length"


@pytest.mark.parametrize("max_tokens", [0, -5])
def test_max_tokens_below_one_is_a_400(client: TestClient, max_tokens: int) -> None:
    body = {"model": RULES, "messages": MESSAGES, "max_tokens": max_tokens}
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 400 and response.json()["error"]["param"] == "max_tokens"


def test_sdk_clients_see_refusals_and_cuts(live) -> None:
    server = live()
    sdk = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.chat.completions.create(model=RULES, messages=MESSAGES, temperature=0.9)  # type: ignore[arg-type]
    assert "deterministic" in caught.value.message
    client = instructor.from_openai(sdk)
    with pytest.raises(IncompleteOutputException):
        client.chat.completions.create(
            model=RULES,
            response_model=MirrorRecord,
            messages=MESSAGES,  # type: ignore[arg-type]
            max_tokens=50,
            max_retries=0,
        )


@pytest.mark.parametrize(
    ("extra", "doc_id"),
    [
        ({"user": "from-user"}, "from-user"),
        ({"user": "from-user", "metadata": {"doc_id": "from-metadata"}}, "from-metadata"),
        ({}, None),
    ],
)
def test_the_document_is_named_by_metadata_or_user(
    client: TestClient, extra: dict, doc_id: str | None
) -> None:
    completion = _chat(client, **extra)
    record = DocumentRecord.model_validate_json(completion["choices"][0]["message"]["content"])
    assert record.doc_id == (doc_id or completion["id"])
