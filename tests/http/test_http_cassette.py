"""The recorded upstream replays: the service tests stand on it."""

from __future__ import annotations

from http_support import ARTICLE_A, ARTICLE_B

from claimtrace import Extractor
from claimtrace.llm.endpoint import Endpoint


def test_upstream_cassette_replays(upstream: Endpoint) -> None:
    extractor = Extractor(endpoint=upstream, cache=False, strategy="sentence")
    for doc_id, text in (("a", ARTICLE_A), ("b", ARTICLE_B)):
        record = extractor.extract(text, doc_id)
        assert record.usage.prompt_tokens > 0 and record.stats.calls == 1
        for claim in record.claims:
            assert text[claim.span.start : claim.span.end] == claim.evidence
