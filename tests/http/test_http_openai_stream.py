"""Streaming sends claims as they become final, and the stream adds up to the plain answer.

`rules` needs no model; `parse` replays the judge calls recorded from
llama-server for seed 004 (`tests/cassettes/seed_004_judge.yaml`), three
groups of statements, so its claims can be announced in several steps.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import instructor
import openai
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from http_support import ARTICLE_A, ROOT, LiveServer, SlowTransport, use_upstream_cassette
from pydantic import BaseModel

from claimtrace import Extractor, candidates, events, judge, parse, sources
from claimtrace.http import ServiceConfig, create_app
from claimtrace.llm.endpoint import Endpoint
from claimtrace.schema import DocumentRecord

SEED = (ROOT / "seeds" / "004_edab79c1a45cfe29.txt").read_text(encoding="utf-8")
RULES, PARSE = "claimtrace-claims-rules", "claimtrace-claims-parse"
LIST_TOOL = {
    "type": "function",
    "function": {
        "name": "Claims",
        "parameters": {
            "type": "object",
            "properties": {"tasks": {"type": "array", "items": {"type": "object"}}},
        },
    },
}
RECORD_TOOL = {"type": "function", "function": {"name": "Record", "parameters": {}}}


@pytest.fixture
def judge_app(recorded_endpoint: Endpoint) -> Iterator[Callable[..., FastAPI]]:
    """`judge_app(transport=None, keepalive_s=5)`: the parse strategy over the recorded judge
    calls (through `transport`, which may slow them down)."""
    with use_upstream_cassette(name="seed_004_judge.yaml", library=ROOT / "tests" / "cassettes"):

        def build(transport: SlowTransport | None = None, keepalive_s: float = 5.0) -> FastAPI:
            client = httpx2.AsyncClient(transport=transport) if transport else None
            extractor = Extractor(
                endpoint=recorded_endpoint, strategy="parse", cache=False, http_client=client
            )
            return create_app(extractor, ServiceConfig(keepalive_s=keepalive_s))

        yield build


def _body(model: str, text: str, **extra: Any) -> dict[str, Any]:
    messages = [{"role": "user", "content": text}]
    return {"model": model, "messages": messages, "metadata": {"doc_id": "d1"}, **extra}


def _chunks(sse: str) -> list[dict[str, Any]]:
    data = [line[6:] for line in sse.splitlines() if line.startswith("data: ")]
    assert data[-1] == "[DONE]"
    return [json.loads(d) for d in data[:-1]]


def _streamed_text(chunks: list[dict[str, Any]]) -> str:
    """The content, or the first tool call's arguments, as the deltas add up."""
    out = []
    for chunk in chunks:
        for choice in chunk["choices"]:
            delta = choice["delta"]
            out.append(delta.get("content") or "")
            out.extend(c["function"].get("arguments") or "" for c in delta.get("tool_calls", []))
    return "".join(out)


def _answer_text(completion: dict[str, Any]) -> str:
    message = completion["choices"][0]["message"]
    return message["content"] or message["tool_calls"][0]["function"]["arguments"]


def _without_timings(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    data.pop("timings", None)
    return data


def test_parse_announces_claims_after_each_judge_call(recorded_endpoint: Endpoint) -> None:
    heard: list[events.Event] = []
    extractor = Extractor(endpoint=recorded_endpoint, strategy="parse", cache=False)
    with use_upstream_cassette(name="seed_004_judge.yaml", library=ROOT / "tests" / "cassettes"):
        record = asyncio.run(extractor.aextract(SEED, "004", heard.append))
    ready = [e for e in heard if isinstance(e, events.ClaimsReady)]
    assert sum(len(e.claims) for e in ready) == len(record.claims)
    assert [c for e in ready for c in e.claims] == record.claims  # a prefix each time, in order
    doc = parse.parse(SEED)
    found = candidates.find(doc)
    calls = len(judge.groups(doc, found, sources.attribute(doc, found)))
    last_call = max(i for i, e in enumerate(heard) if isinstance(e, events.CallDone))
    early = [e for e in heard[:last_call] if isinstance(e, events.ClaimsReady)]
    assert calls >= 3 and len(early) >= 2 and all(e.claims for e in early)


@pytest.mark.parametrize("model", [RULES, PARSE])
@pytest.mark.parametrize(
    "extra",
    [{}, {"tools": [LIST_TOOL]}, {"tools": [RECORD_TOOL]}],
    ids=["content", "list-tool", "record-tool"],
)
def test_stream_adds_up_to_the_plain_answer(judge_app, model: str, extra: dict) -> None:
    text = SEED if model == PARSE else ARTICLE_A
    with TestClient(judge_app()) as client:
        plain = client.post("/v1/chat/completions", json=_body(model, text, **extra))
        streamed = client.post(
            "/v1/chat/completions", json=_body(model, text, stream=True, **extra)
        )
    assert plain.status_code == streamed.status_code == 200, plain.text
    whole = _answer_text(plain.json())
    chunks = _chunks(streamed.text)
    assert _without_timings(_streamed_text(chunks)) == _without_timings(whole)
    finish = "tool_calls" if extra else "stop"
    assert plain.json()["choices"][0]["finish_reason"] == chunks[-1]["choices"][0]["finish_reason"]
    assert chunks[-1]["choices"][0]["finish_reason"] == finish
    if extra.get("tools") == [LIST_TOOL]:
        assert list(json.loads(whole)) == ["tasks"]
        with TestClient(judge_app()) as client:
            record = client.post("/v1/chat/completions", json=_body(model, text)).json()
        assert json.loads(whole)["tasks"] == json.loads(_answer_text(record))["claims"]
    else:
        record = DocumentRecord.model_validate_json(whole)
        assert record.doc_id == "d1" and record.claims


def test_parse_stream_sends_claims_while_the_judge_works(judge_app) -> None:
    transport = SlowTransport(0.5)
    server = LiveServer(judge_app(transport=transport, keepalive_s=0.1)).start()
    seen: list[tuple[str, int, float]] = []  # what arrived, judge calls done by then, when
    try:
        for line in _raw_stream_lines(server.port, _body(PARSE, SEED, stream=True)):
            if line.startswith(b": keep-alive"):
                seen.append(("keep-alive", transport.completed, time.monotonic()))
            elif line.startswith(b"data: {") and b'\\"evidence\\"' in line:
                seen.append(("claims", transport.completed, time.monotonic()))
    finally:
        server.stop()
    claims = [(done, at) for kind, done, at in seen if kind == "claims"]
    doc = parse.parse(SEED)
    found = candidates.find(doc)
    calls = len(judge.groups(doc, found, sources.attribute(doc, found)))
    assert transport.completed == calls
    assert claims[0][0] < calls, seen  # the first claims came before the last judge answer
    assert len({done for done, _ in claims}) >= 2  # in steps, as the calls finished
    assert claims[-1][1] - claims[0][1] > 0.5  # at least one slowed call apart
    between = [d for kind, d, at in seen if kind == "keep-alive" and at < claims[-1][1]]
    assert between, seen  # keep-alives while nothing was final


def _raw_stream_lines(port: int, body: dict[str, Any]) -> Iterator[bytes]:
    """The response's lines as they arrive, over a bare socket: vcrpy patches the HTTP
    clients (and reads a passed-through response whole), so they cannot time a stream."""
    payload = json.dumps(body).encode()
    head = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head + payload)
        with sock.makefile("rb") as stream:
            yield from stream


def test_sdks_consume_the_parse_stream(judge_app) -> None:
    server = LiveServer(judge_app()).start()
    try:
        sdk = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)
        messages: Any = [{"role": "user", "content": SEED}]
        meta = {"doc_id": "d1"}
        plain = sdk.chat.completions.create(model=PARSE, messages=messages, metadata=meta)
        chunks = list(
            sdk.chat.completions.create(model=PARSE, messages=messages, metadata=meta, stream=True)
        )
        claims = instructor.from_openai(sdk).chat.completions.create_iterable(
            model=PARSE, response_model=Evidence, messages=messages, max_retries=0
        )
        evidence = [c.evidence for c in claims]
    finally:
        server.stop()
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert _without_timings(content) == _without_timings(plain.choices[0].message.content or "")
    record = DocumentRecord.model_validate_json(content)
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 3
    assert evidence == [c.evidence for c in record.claims] and len(evidence) > 20


class Evidence(BaseModel):
    evidence: str
