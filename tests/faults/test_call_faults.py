"""Fault matrix, model calls: each upstream fault gets its own one-line cause, Retry-After
is honoured within a budget, and hung calls do not starve the other documents."""

from __future__ import annotations

import time

import pytest

from claimtrace import Extractor
from claimtrace.call import CallSettings
from claimtrace.schema import DocumentRecord, ErrorRecord

from .conftest import article
from .upstream import FakeUpstream

QUICK = CallSettings(timeout_s=5, backoff_max_s=0.2)


def _extractor(
    upstream: FakeUpstream, settings: CallSettings = QUICK, **options: object
) -> Extractor:
    return Extractor(
        base_url=upstream.base_url,
        model="fake",
        strategy="article",
        cache=False,
        settings=settings,
        say=lambda _m: None,
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        ("500", "answered HTTP 500 after 4 attempts: upstream exploded"),
        ("400", "answered HTTP 400: the request exceeds the available context size"),
        ("html", "answered an HTML page instead of a JSON completion"),
        ("empty", "answered a completion with no choices"),
        ("badjson", "model answer failed validation after 2 attempts: Invalid JSON"),
        ("reset", "connection failed (RemoteProtocolError: peer closed connection"),
    ],
)
def test_each_upstream_fault_has_its_own_cause(
    upstream: FakeUpstream, fault: str, cause: str
) -> None:
    records = _extractor(upstream).extract_many([("ok", article()), (fault, article(fault))])
    good, bad = records
    assert isinstance(good, DocumentRecord)
    assert isinstance(bad, ErrorRecord) and cause in bad.error
    assert "\n" not in bad.error and "InstructorRetryException" not in bad.error


def test_retry_after_is_honoured_and_counted(upstream: FakeUpstream) -> None:
    started = time.monotonic()
    record = _extractor(upstream).extract(article("429:2"), doc_id="limited")
    assert time.monotonic() - started >= 2.0  # waited as asked, not the 0.2 s backoff
    assert record.stats.retries == 1
    assert record.stats.retry_reasons == ["retry: HTTP 429 (Retry-After 2 s)"]


def test_a_retry_after_past_the_budget_fails_at_once(upstream: FakeUpstream) -> None:
    started = time.monotonic()
    (record,) = _extractor(upstream).extract_many([("limited", article("429-always:300"))])
    assert time.monotonic() - started < 5
    assert isinstance(record, ErrorRecord) and "HTTP 429 (Retry-After 300 s)" in record.error


def test_hung_calls_do_not_starve_the_other_documents(upstream: FakeUpstream) -> None:
    """Two hung calls hold both slots; the slots' patience lets the others through."""
    settings = CallSettings(timeout_s=6, max_retries=0, slot_patience_s=1.0)
    finished: dict[str, float] = {}
    started = time.monotonic()
    docs = [("hung-1", article("hang")), ("hung-2", article("hang"))]
    docs += [(f"ok-{i}", article()) for i in range(4)]
    records = _extractor(upstream, settings, concurrency=2).extract_many(
        docs, on_done=lambda _i, r: finished.setdefault(r.doc_id, time.monotonic() - started)
    )
    assert all(finished[f"ok-{i}"] < 4 for i in range(4))  # long before the hung ones end
    hung = [r for r in records if r.doc_id.startswith("hung")]
    assert all(isinstance(r, ErrorRecord) and "no answer within 6 s" in r.error for r in hung)


def test_a_document_deadline_ends_a_document_not_the_run(upstream: FakeUpstream) -> None:
    settings = CallSettings(timeout_s=30, max_retries=3)
    records = _extractor(upstream, settings, doc_timeout_s=2).extract_many(
        [("hung", article("hang")), ("ok", article())]
    )
    hung, ok = records
    assert isinstance(ok, DocumentRecord)
    assert isinstance(hung, ErrorRecord) and "document deadline of 2 s" in hung.error
