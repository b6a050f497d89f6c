"""Integration tests replaying real exchanges recorded from the local llama-server.

Re-record with a server running: `claimtrace llm start --model qwen2.5-coder-1.5b
--port 8091`, then `CLAIMTRACE_RECORD=1 python -m pytest tests/test_replay.py`.
Faults (5xx, timeouts, dropped connections) are injected by a transport placed
in front of the replayed exchange; no model answer here is written by hand.
"""

from __future__ import annotations

from pathlib import Path

import httpx2
import instructor
import openai
import pytest

from claimtrace import Extractor, select, sentences
from claimtrace.call import CallSettings
from claimtrace.errors import BackendError
from claimtrace.evidence import find_count
from claimtrace.llm.endpoint import Endpoint, probe_mode

ROOT = Path(__file__).resolve().parent.parent
SEED_SHORT = ROOT / "seeds" / "000_aa2bfda4a1e8c99a.txt"


class FaultyTransport(httpx2.AsyncBaseTransport):
    """Fails the first `failures` requests with `fault`, then passes them through."""

    def __init__(self, fault: str, failures: int) -> None:
        self.fault = fault
        self.failures = failures
        self.seen = 0
        self.inner = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.seen += 1
        if self.seen <= self.failures:
            if self.fault == "503":
                return httpx2.Response(503, json={"error": {"message": "loading model"}})
            if self.fault == "timeout":
                raise httpx2.ReadTimeout("injected timeout", request=request)
            raise httpx2.RemoteProtocolError("injected: connection dropped", request=request)
        return await self.inner.handle_async_request(request)


def _extractor(endpoint: Endpoint, **kwargs: object) -> Extractor:
    """The article strategy (one request per article) unless a test asks otherwise."""
    settings = kwargs.pop("settings", CallSettings(backoff_max_s=0.01))
    kwargs.setdefault("strategy", "article")
    return Extractor(endpoint=endpoint, cache=False, settings=settings, **kwargs)  # type: ignore[arg-type]


def test_seed_end_to_end(recorder, recorded_endpoint, seed_text) -> None:
    with recorder.use_cassette("seed_004.yaml"):
        record = _extractor(recorded_endpoint).extract(seed_text, doc_id="004_edab79c1a45cfe29")
    assert record.claims, "the recorded answer has claims"
    for claim in record.claims:
        assert seed_text[claim.span.start : claim.span.end] == claim.evidence
        assert claim.grounding in ("exact", "normalized", "fuzzy")
    figures = [c for c in record.claims if c.casualty]
    assert figures, "the seed's figures are found"
    for claim in figures:  # each figure is stated in its own evidence
        assert (
            find_count(seed_text, claim.casualty.count, claim.span.start, claim.span.end)
            is not None
        )
    assert record.usage.prompt_tokens > 1000 and record.usage.completion_tokens > 0
    assert record.stats.calls == 1 and not record.cache_hit


def test_sentence_strategy_end_to_end(recorder, recorded_endpoint, seed_text) -> None:
    with recorder.use_cassette("seed_004_sentence.yaml") as cassette:
        record = _extractor(recorded_endpoint, strategy="sentence").extract(seed_text, "004")
    candidates = select.candidates(sentences.segment(seed_text))
    assert record.stats.calls == len(candidates) == len(cassette.requests)
    assert record.claims and record.stats.dropped_ungrounded <= len(record.claims)
    for claim in record.claims:
        assert seed_text[claim.span.start : claim.span.end] == claim.evidence
    assert any(c.source.name == "Syrian Observatory for Human Rights" for c in record.claims)
    # the fixed prefix is evaluated once; later calls reuse it from llama-server's cache
    assert record.usage.cached_prompt_tokens > 0.8 * record.usage.prompt_tokens


def test_validation_error_is_reasked(recorder, recorded_endpoint) -> None:
    text = (ROOT / "seeds" / "002_6a59dea87000594b.txt").read_text(encoding="utf-8")
    settings = CallSettings(strict_quotes=True, max_reasks=1, backoff_max_s=0.01)
    with recorder.use_cassette("seed_002_reask.yaml") as cassette:
        record = _extractor(recorded_endpoint, settings=settings).extract(text, "002")
    assert len(cassette.requests) == 2  # the first answer, then the re-ask
    assert record.stats.reasks >= 1 and record.stats.calls == 1
    assert any("not in the article" in r for r in record.stats.retry_reasons)
    reask_body = cassette.requests[1].body.decode()
    assert "not in the article" in reask_body  # the error went back to the model
    assert record.claims
    for claim in record.claims:
        assert text[claim.span.start : claim.span.end] == claim.evidence


@pytest.mark.parametrize("fault", ["503", "timeout", "dropped"])
def test_transport_faults_are_retried(recorder, recorded_endpoint, fault) -> None:
    transport = FaultyTransport(fault, failures=2)
    client = httpx2.AsyncClient(transport=transport)
    with recorder.use_cassette("seed_000.yaml"):
        record = _extractor(recorded_endpoint, http_client=client).extract(
            SEED_SHORT.read_text(encoding="utf-8"), doc_id="000"
        )
    assert record.stats.retries == 2
    assert len(record.stats.retry_reasons) == 2
    assert record.claims
    assert transport.seen == 3


def test_persistent_fault_fails_with_one_line(recorded_endpoint) -> None:
    client = httpx2.AsyncClient(transport=FaultyTransport("503", failures=99))
    extractor = _extractor(
        recorded_endpoint,
        http_client=client,
        settings=CallSettings(max_retries=2, backoff_max_s=0.01),
    )
    with pytest.raises(BackendError) as caught:
        extractor.extract("The monitor said 12 people were killed in Homs.", doc_id="x")
    message = str(caught.value)
    assert "\n" not in message and "HTTP 503" in message and "3 attempts" in message


def test_probe_detects_enforced_json_schema(recorder, recorded_endpoint) -> None:
    client = openai.OpenAI(base_url=recorded_endpoint.base_url, api_key="x", max_retries=0)
    with recorder.use_cassette("probe.yaml"):
        assert probe_mode(client, recorded_endpoint.model) is instructor.Mode.JSON_SCHEMA


def test_warm_cache_makes_no_call(recorder, recorded_endpoint, seed_text, tmp_path) -> None:
    with recorder.use_cassette("seed_004.yaml"):
        first = Extractor(
            endpoint=recorded_endpoint, cache_dir=tmp_path, strategy="article"
        ).extract(seed_text, "004")
    # No cassette now: any request would fail to connect (nothing listens in replay).
    blocked = httpx2.AsyncClient(transport=FaultyTransport("503", failures=99))
    second = Extractor(
        endpoint=recorded_endpoint, cache_dir=tmp_path, http_client=blocked, strategy="article"
    ).extract(seed_text, "004")
    assert second.cache_hit and second.stats.calls == 0 and second.stats.cache_hits == 1
    assert [c.model_dump() for c in second.claims] == [c.model_dump() for c in first.claims]
