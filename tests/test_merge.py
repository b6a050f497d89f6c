"""Merging duplicates across chunks, passes and repeated figures."""

from __future__ import annotations

from claimtrace import merge
from claimtrace.schema import Casualty, ClaimRecord, Source, Span


def claim(
    start: int,
    end: int,
    count: int | None = None,
    source: str | None = "SOHR",
    kind: str = "casualty",
) -> ClaimRecord:
    casualty = (
        Casualty(
            count=count,
            qualifier="exact",
            outcome="killed",
            victims="civilians",
            location=None,
            period=None,
        )
        if count is not None
        else None
    )
    return ClaimRecord(
        evidence="x" * (end - start),
        statement="s",
        source=Source(name=source, type="ngo" if source else "author"),
        cue="said" if source else None,
        mode="indirect" if source else "unattributed",
        kind=kind if count is None else "casualty",
        certainty="asserted",
        casualty=casualty,
        span=Span(start=start, end=end),
        grounding="exact",
    )


def test_same_span_same_figure_is_merged() -> None:
    kept, merged = merge.merge([claim(10, 40, 27), claim(10, 40, 27)])
    assert len(kept) == 1 and merged == 1


def test_same_span_different_figures_are_kept() -> None:
    kept, merged = merge.merge([claim(10, 60, 27), claim(10, 60, 34)])
    assert len(kept) == 2 and merged == 0


def test_repeated_figure_same_source_recorded_once_other_source_kept() -> None:
    kept, _ = merge.merge([claim(10, 30, 70), claim(200, 230, 70), claim(300, 330, 70, "SANA")])
    assert [(c.span.start, c.source.name) for c in kept] == [(10, "SOHR"), (300, "SANA")]


def test_statements_merge_on_overlap_and_source() -> None:
    kept, merged = merge.merge([claim(0, 50, kind="position"), claim(5, 45, kind="position")])
    assert len(kept) == 1 and merged == 1
    kept, merged = merge.merge([claim(0, 50, kind="position"), claim(60, 90, kind="position")])
    assert len(kept) == 2 and merged == 0


def test_recall_pass_keeps_only_new_non_overlapping() -> None:
    found = [claim(0, 30, 5)]
    extra = [claim(0, 30, 5), claim(20, 50, 9), claim(100, 130, 9)]
    assert [c.span.start for c in merge.new_only(found, extra)] == [100]


def test_output_is_in_text_order() -> None:
    kept, _ = merge.merge([claim(100, 130, 1), claim(0, 20, 2)])
    assert [c.span.start for c in kept] == [0, 100]
