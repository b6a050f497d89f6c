"""Long articles: the model calls one document may cause are capped before the first one.

`max_calls_per_doc` bounds the calls a document plans (one per candidate
sentence, judged group, or chunk and pass); a document over it fails with one
line naming both numbers, and the upstream sees nothing of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrace import Extractor, select, sentences
from claimtrace.call import CallSettings
from claimtrace.errors import InputError
from claimtrace.extractor import DEFAULT_MAX_CALLS_PER_DOC

from .test_scale_split import seed_article
from .upstream import FakeUpstream

SEED = (Path(__file__).resolve().parents[2] / "seeds" / "000_aa2bfda4a1e8c99a.txt").read_text(
    encoding="utf-8"
)


def _extractor(upstream: FakeUpstream, strategy: str, **options: object) -> Extractor:
    return Extractor(
        base_url=upstream.base_url,
        model="fake",
        strategy=strategy,  # type: ignore[arg-type]
        cache=False,
        settings=CallSettings(timeout_s=5, backoff_max_s=0.01),
        say=lambda _m: None,
        **options,  # type: ignore[arg-type]
    )


def test_a_long_article_over_the_cap_fails_before_any_call(upstream: FakeUpstream) -> None:
    text = seed_article(150_000)
    planned = len(select.candidates(sentences.segment(text)))
    assert planned > DEFAULT_MAX_CALLS_PER_DOC
    with pytest.raises(InputError) as error:
        _extractor(upstream, "sentence").extract(text, "long")
    message = str(error.value)
    assert "\n" not in message
    assert f"would make {planned:,} model calls" in message
    assert f"limit of {DEFAULT_MAX_CALLS_PER_DOC:,} per document" in message
    assert sum(upstream.calls.values()) == 0


def test_the_calls_made_stay_within_the_cap(upstream: FakeUpstream) -> None:
    planned = len(select.candidates(sentences.segment(SEED)))
    record = _extractor(upstream, "sentence", max_calls_per_doc=planned).extract(SEED)
    assert record.stats.calls == planned == sum(upstream.calls.values())
    with pytest.raises(InputError, match=f"limit of {planned - 1} per document"):
        _extractor(upstream, "sentence", max_calls_per_doc=planned - 1).extract(SEED)
    assert sum(upstream.calls.values()) == planned  # the refused document called nothing


@pytest.mark.parametrize("strategy", ["article", "parse"])
def test_every_calling_strategy_is_capped(upstream: FakeUpstream, strategy: str) -> None:
    """`article` plans a chunk per context's worth (about 17,000 characters at 8 K),
    `parse` a call per few unsure statements: a long article plans more than one."""
    text = seed_article(60_000)
    with pytest.raises(InputError, match=f"model calls \\({strategy} strategy\\), over the limit"):
        _extractor(upstream, strategy, max_calls_per_doc=1).extract(text)
    assert sum(upstream.calls.values()) == 0


def test_the_cap_must_allow_a_call() -> None:
    with pytest.raises(InputError, match="max_calls_per_doc must be at least 1"):
        Extractor(strategy="rules", max_calls_per_doc=0)
