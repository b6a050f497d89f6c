"""Tool calls: instructor's default mode (TOOLS), iterables and partials, and the raw format.

The `rules` task needs no model, so these replay nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import instructor
import openai
import pytest
from fastapi.testclient import TestClient
from http_support import ARTICLE_A
from pydantic import BaseModel
from test_http_openai import MirrorRecord

from claimtrace.schema import DocumentRecord

RULES = "claimtrace-claims-rules"
MESSAGES = [{"role": "user", "content": ARTICLE_A}]


class Claim(BaseModel):
    """A client's model of one claim."""

    evidence: str
    kind: str
    certainty: str


def _plain_record(client: TestClient) -> DocumentRecord:
    response = client.post("/v1/chat/completions", json={"model": RULES, "messages": MESSAGES})
    return DocumentRecord.model_validate_json(response.json()["choices"][0]["message"]["content"])


def _instructor(server: Any, mode: instructor.Mode = instructor.Mode.TOOLS) -> Any:
    sdk = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)
    return instructor.from_openai(sdk, mode=mode)


def test_instructor_default_mode_gets_the_record(live) -> None:
    client = instructor.from_openai(
        openai.OpenAI(base_url=f"{live().url}/v1", api_key="unused", max_retries=0)
    )
    assert client.mode == instructor.Mode.TOOLS
    record = client.chat.completions.create(
        model=RULES, response_model=MirrorRecord, messages=MESSAGES, max_retries=0
    )
    figure = next(c.casualty for c in record.claims if c.casualty)
    assert figure.count == 27 and figure.victims == "civilians"
    for claim in record.claims:
        assert ARTICLE_A[claim.span.start : claim.span.end] == claim.evidence


@pytest.mark.parametrize("mode", [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA])
def test_instructor_iterables_give_the_claims(live, client, mode: instructor.Mode) -> None:
    expected = [c.evidence for c in _plain_record(client).claims]
    sdk = _instructor(live(), mode)
    streamed = sdk.chat.completions.create_iterable(
        model=RULES, response_model=Claim, messages=MESSAGES, max_retries=0
    )
    assert [c.evidence for c in streamed] == expected and len(expected) >= 2
    whole = sdk.chat.completions.create(
        model=RULES, response_model=Iterable[Claim], messages=MESSAGES, max_retries=0
    )
    assert [c.evidence for c in whole] == expected


def test_parallel_tools_get_one_call_per_claim(live, client) -> None:
    expected = [c.evidence for c in _plain_record(client).claims]
    sdk = _instructor(live(), instructor.Mode.PARALLEL_TOOLS)
    claims = sdk.chat.completions.create(
        model=RULES, response_model=Iterable[Claim], messages=MESSAGES, max_retries=0
    )
    assert [c.evidence for c in claims] == expected


@pytest.mark.parametrize("mode", [instructor.Mode.TOOLS, instructor.Mode.JSON])
def test_instructor_partials_grow_to_the_record(live, client, mode: instructor.Mode) -> None:
    expected = _plain_record(client)
    partials = list(
        _instructor(live(), mode).chat.completions.create_partial(
            model=RULES, response_model=MirrorRecord, messages=MESSAGES, max_retries=0
        )
    )
    sizes = [len(p.claims or []) for p in partials]
    assert sizes == sorted(sizes) and sizes[-1] == len(expected.claims)
    assert [c.evidence for c in partials[-1].claims] == [c.evidence for c in expected.claims]


def _tool(name: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


def test_tool_call_answer_format(client: TestClient) -> None:
    weather = _tool("weather", {"type": "object", "required": ["city"]})
    record_tool = _tool("save", {"type": "object", "properties": {"claims": {"type": "array"}}})
    body = {"model": RULES, "messages": MESSAGES, "tools": [weather, record_tool]}
    completion = client.post("/v1/chat/completions", json=body).json()
    (choice,) = completion["choices"]
    assert choice["finish_reason"] == "tool_calls" and choice["message"]["content"] is None
    (call,) = choice["message"]["tool_calls"]
    assert call["id"].startswith("call_") and call["type"] == "function"
    assert call["function"]["name"] == "save"  # the first tool the record fits
    record = DocumentRecord.model_validate_json(call["function"]["arguments"])
    assert record.claims == _plain_record(client).claims


def test_a_tool_for_one_claim_gets_a_call_per_claim(client: TestClient) -> None:
    body = {
        "model": RULES,
        "messages": MESSAGES,
        "tools": [_tool("Claim", Claim.model_json_schema())],
        "tool_choice": "auto",
    }
    calls = client.post("/v1/chat/completions", json=body).json()["choices"][0]["message"]
    claims = _plain_record(client).claims
    assert len(calls["tool_calls"]) == len(claims) >= 2
    assert len({c["id"] for c in calls["tool_calls"]}) == len(claims)
    for call, claim in zip(calls["tool_calls"], claims, strict=True):
        assert Claim.model_validate_json(call["function"]["arguments"]).evidence == claim.evidence


def test_tool_choice_none_answers_in_content(client: TestClient) -> None:
    body = {
        "model": RULES,
        "messages": MESSAGES,
        "tools": [_tool("save", {})],
        "tool_choice": "none",
    }
    message = client.post("/v1/chat/completions", json=body).json()["choices"][0]["message"]
    assert message["tool_calls"] is None
    assert DocumentRecord.model_validate_json(message["content"]).claims


@pytest.mark.parametrize(
    ("tools", "tool_choice", "says"),
    [
        ([_tool("weather", {"type": "object", "required": ["city"]})], None, "weather: "),
        ([_tool("save", {})], {"type": "function", "function": {"name": "other"}}, "'other'"),
    ],
)
def test_tools_we_cannot_answer_are_400s(
    client: TestClient, tools: list, tool_choice: Any, says: str
) -> None:
    body = {"model": RULES, "messages": MESSAGES, "tools": tools, "tool_choice": tool_choice}
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == "tools" and says in error["message"]


def test_openai_sdk_streams_a_tool_call(live) -> None:
    sdk = openai.OpenAI(base_url=f"{live().url}/v1", api_key="unused", max_retries=0)
    tool = _tool("Claims", {"type": "object", "properties": {"tasks": {"type": "array"}}})
    chunks = list(
        sdk.chat.completions.create(
            model=RULES,
            messages=MESSAGES,
            tools=[tool],
            stream=True,  # type: ignore[list-item]
        )
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    calls = [call for d in deltas for call in d.tool_calls or []]
    assert calls[0].id and calls[0].function and calls[0].function.name == "Claims"
    arguments = "".join((c.function.arguments or "") for c in calls if c.function)
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "tool_calls"
    tasks = json.loads(arguments)["tasks"]
    assert tasks and all(ARTICLE_A[t["span"]["start"] : t["span"]["end"]] for t in tasks)
