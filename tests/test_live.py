"""Live tests against a real llama-server (run when CLAIMTRACE_LIVE=1, as in .ci/run).

The smoke test builds or reuses llama-server, pulls the smallest model, starts
it, gets one schema-constrained completion and stops it. The guard sends the
request recorded in `cassettes/seed_004.yaml` to the real server with the
recorded model and checks the answer still validates, so the cassettes stay
honest about what the server accepts and returns.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml

from claimtrace.llm import build, endpoint, models, server
from claimtrace.schema import ModelAnswer

pytestmark = pytest.mark.live
CASSETTES = Path(__file__).resolve().parent / "cassettes"


@pytest.fixture
def real_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Live tests use the real per-user cache: builds and models are reused, not redone."""
    monkeypatch.delenv("CLAIMTRACE_CACHE_DIR", raising=False)


def _serve(model: str, port: int) -> server.ServerState:
    build.build()
    models.pull(model)
    server.stop(port)
    return server.start(model=model, port=port, parallel=1, ctx=4096)


def test_smoke_smallest_model(real_cache: None) -> None:
    state = _serve(models.SMALLEST_MODEL, port=18091)
    try:
        assert server.healthy(state.port)
        client = endpoint.Endpoint(
            state.base_url,
            "x",
            state.model,
            state.model_sha256,
            endpoint.instructor.Mode.JSON_SCHEMA,
        ).client(timeout=300)
        assert endpoint.probe_mode(client, state.model) is endpoint.instructor.Mode.JSON_SCHEMA
        response = client.chat.completions.create(
            model=state.model,
            messages=[
                {
                    "role": "user",
                    "content": "Activists said 12 people were killed in Homs. List the claims.",
                }
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {
                    "name": "answer",
                    "strict": True,
                    "schema": ModelAnswer.model_json_schema(),
                },
            },
            max_tokens=300,
            temperature=0,
        )
        content = response.choices[0].message.content or ""
        if response.choices[0].finish_reason == "stop":
            ModelAnswer.model_validate_json(content)
        else:  # cut at max_tokens: still a prefix of schema-shaped JSON
            assert content.lstrip().startswith("{")
    finally:
        server.stop(state.port)
    assert server.read_state(state.port) is None and not server.healthy(state.port)


def test_recorded_request_still_valid_against_real_server(real_cache: None) -> None:
    cassette = yaml.safe_load((CASSETTES / "seed_004.yaml").read_text())
    request = cassette["interactions"][0]["request"]
    body = json.loads(request["body"])
    state = _serve(body["model"], port=18092)
    try:
        response = httpx.post(f"{state.base_url}/chat/completions", json=body, timeout=900)
        assert response.status_code == 200
        choice = response.json()["choices"][0]
        assert choice["finish_reason"] == "stop"
        answer = ModelAnswer.model_validate_json(choice["message"]["content"])
        assert answer.claims
    finally:
        server.stop(state.port)


def test_recorded_judge_request_still_valid_against_real_server(real_cache: None) -> None:
    """Guards seed_004_judge.yaml: its first judge request still gets a valid row answer."""
    cassette = yaml.safe_load((CASSETTES / "seed_004_judge.yaml").read_text())
    request = cassette["interactions"][0]["request"]
    body = json.loads(request["body"])
    schema = body["response_format"]["json_schema"]["schema"]
    state = _serve(body["model"], port=18093)
    try:
        response = httpx.post(f"{state.base_url}/chat/completions", json=body, timeout=900)
        assert response.status_code == 200
        rows = json.loads(response.json()["choices"][0]["message"]["content"])["rows"]
        assert len(rows) == schema["properties"]["rows"]["minItems"]
    finally:
        server.stop(state.port)
