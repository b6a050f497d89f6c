"""Fault matrix, the HTTP service: each upstream fault through the native API and the
OpenAI face (plain and streamed, via the `openai` SDK). Every document ends as exactly one
record or one error, the status fits (502 upstream, 504 timeout), and the error names the
same cause the Python API and the CLI give."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from fastapi.testclient import TestClient
from openai.types.chat import ChatCompletionMessageParam

from claimtrace import Extractor
from claimtrace.call import CallSettings
from claimtrace.http import ServiceConfig, create_app
from claimtrace.schema import DocumentRecord, ErrorRecord

from .conftest import article
from .upstream import FakeUpstream

TASK = "claimtrace-claims"
FAULTS = [  # fault, HTTP status, the cause the error must name
    ("500", 502, "answered HTTP 500 after 4 attempts: upstream exploded"),
    ("400", 502, "answered HTTP 400: the request exceeds the available context size"),
    ("html", 502, "answered an HTML page instead of a JSON completion"),
    ("empty", 502, "answered a completion with no choices"),
    ("badjson", 502, "model answer failed validation after 2 attempts: Invalid JSON"),
    ("reset", 502, "connection failed (RemoteProtocolError: peer closed connection"),
    ("429-always:300", 502, "answered HTTP 429 (Retry-After 300 s)"),
    ("hang", 504, "no answer within 2s"),  # the service's deadline, under the call's 5 s
]
KINDS = {502: "upstream", 504: "timeout"}


@pytest.fixture(scope="module")
def shared() -> Iterator[FakeUpstream]:
    """One fake upstream for the faults that answer alike every time (stopping one costs
    half a second); the once-faults get their own."""
    with FakeUpstream() as fake:
        yield fake


@pytest.fixture
def service(shared: FakeUpstream) -> Iterator[TestClient]:
    with _service(shared) as client:
        yield client


@pytest.fixture
def fresh(upstream: FakeUpstream) -> Iterator[TestClient]:
    with _service(upstream) as client:
        yield client


@contextlib.contextmanager
def _service(upstream: FakeUpstream) -> Iterator[TestClient]:
    """The service over the fake upstream: one model call per document, nothing cached."""
    extractor = Extractor(
        base_url=upstream.base_url,
        model="fake",
        strategy="article",
        cache=False,
        settings=CallSettings(timeout_s=5, backoff_max_s=0.2),
        say=lambda _m: None,
    )
    app = create_app(extractor, ServiceConfig(resolve_at_startup=True, timeout_s=2))
    with TestClient(app) as client:
        yield client


def _sdk(client: TestClient) -> openai.OpenAI:
    """The openai SDK, in process; no retries of its own, so one request is one answer."""
    return openai.OpenAI(
        base_url="http://testserver/v1", api_key="none", http_client=client, max_retries=0
    )


def _chat(sdk: openai.OpenAI, text: str, doc_id: str, stream: bool = False) -> Any:
    """A chat completion (or its stream) of `text`, named `doc_id`."""
    message: ChatCompletionMessageParam = {"role": "user", "content": text}
    return sdk.chat.completions.create(
        model=TASK, messages=[message], metadata={"doc_id": doc_id}, stream=stream
    )


@pytest.mark.parametrize(("fault", "status", "cause"), FAULTS)
def test_native_extract(service: TestClient, fault: str, status: int, cause: str) -> None:
    response = service.post("/v1/extract", json={"text": article(fault), "doc_id": "d"})
    assert response.status_code == status, response.text
    body = response.json()
    assert body["kind"] == KINDS[status] and cause in body["error"]
    assert "\n" not in body["error"] and "Instructor" not in body["error"]


@pytest.mark.parametrize(("fault", "status", "cause"), FAULTS)
def test_native_batch(service: TestClient, fault: str, status: int, cause: str) -> None:
    documents = [
        {"doc_id": "before", "text": article()},
        {"doc_id": "bad", "text": article(fault)},
        {"doc_id": "after", "text": article()},
    ]
    response = service.post("/v1/extract/batch", json={"documents": documents})
    assert response.status_code == 200, response.text
    records = response.json()["records"]
    assert [r["doc_id"] for r in records] == ["before", "bad", "after"]
    before, bad, after = records
    assert "error" not in before and "error" not in after
    assert ErrorRecord.model_validate(bad).error.count(cause) == 1


@pytest.mark.parametrize(("fault", "status", "cause"), FAULTS)
def test_openai_plain(service: TestClient, fault: str, status: int, cause: str) -> None:
    with pytest.raises(openai.APIStatusError) as raised:
        _chat(_sdk(service), article(fault), "d")
    assert raised.value.status_code == status
    assert raised.value.code == KINDS[status] and cause in raised.value.message


@pytest.mark.parametrize(("fault", "status", "cause"), FAULTS)
def test_openai_stream(service: TestClient, fault: str, status: int, cause: str) -> None:
    """After the 200 the error travels in the stream: the SDK raises it, once, with the cause."""
    stream = _chat(_sdk(service), article(fault), "d", stream=True)
    content: list[str] = []
    with pytest.raises(openai.APIError) as raised:
        for chunk in stream:
            content += [c.delta.content or "" for c in chunk.choices]
    assert cause in raised.value.message
    assert isinstance(raised.value.body, dict) and raised.value.body["code"] == KINDS[status]
    assert "".join(content) == ""  # no part of a record before the error


@pytest.mark.parametrize("face", ["extract", "batch", "chat", "stream"])
def test_a_429_with_retry_after_is_waited_out_and_served(
    fresh: TestClient, upstream: FakeUpstream, face: str
) -> None:
    """`429:1` answers Retry-After 1 once: the fresh waits, retries and answers 200."""
    text = article("429:1")
    if face == "extract":
        record = fresh.post("/v1/extract", json={"text": text, "doc_id": "d"}).json()
    elif face == "batch":
        (record,) = fresh.post(
            "/v1/extract/batch", json={"documents": [{"text": text, "doc_id": "d"}]}
        ).json()["records"]
    elif face == "chat":
        completion = _chat(_sdk(fresh), text, "d")
        record = json.loads(completion.choices[0].message.content)
    else:
        chunks = _chat(_sdk(fresh), text, "d", stream=True)
        parts = [c.delta.content or "" for chunk in chunks for c in chunk.choices]
        record = json.loads("".join(parts))
    parsed = DocumentRecord.model_validate(record)
    assert parsed.doc_id == "d"
    assert parsed.stats.retry_reasons == ["retry: HTTP 429 (Retry-After 1 s)"]
    assert upstream.calls["429:1"] == 2  # the 429, then the answer


def test_a_mixed_batch_answers_every_document_once(fresh: TestClient) -> None:
    faults = [fault for fault, _, _ in FAULTS] + ["429:1", None, None]
    documents = [{"doc_id": f"doc-{i}", "text": article(f)} for i, f in enumerate(faults)]
    response = fresh.post("/v1/extract/batch", json={"documents": documents})
    assert response.status_code == 200
    records = response.json()["records"]
    assert [r["doc_id"] for r in records] == [d["doc_id"] for d in documents]
    failed = [r["doc_id"] for r in records if "error" in r]
    assert failed == [f"doc-{i}" for i in range(len(FAULTS))]  # 429:1 and the healthy served
    for record, (_, _, cause) in zip(records, FAULTS, strict=False):
        assert cause in record["error"]
