"""Turn decided candidates into the guide's claim records.

Evidence offsets come from the parse, so grounding is exact by
construction. Code adds what it derives: the mode from quotation marks, the
statement sentence, and the casualty object from the candidate's figure
with the decided victims. A figure the same source already gave is recorded
once, as the guide asks.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import cast

from .answers import mode_of, statement_of
from .candidates import Candidate
from .decide import Decision
from .schema import (
    Casualty,
    Certainty,
    ClaimRecord,
    Kind,
    Mode,
    Outcome,
    Qualifier,
    Source,
    SourceType,
    Span,
    Victims,
)
from .sentences import Sentence


def records(text: str, candidates: list[Candidate], decisions: list[Decision]) -> list[ClaimRecord]:
    """The kept candidates as claim records, in text order, each figure once per source.

    A figure the article also gives with a source is not recorded again as
    the article's own (a headline restating the body's figure, guide rule 4).
    """
    return [record for _, record in _numbered(text, candidates, decisions)]


def settled(
    text: str, candidates: list[Candidate], decisions: list[Decision], pending: Collection[int]
) -> list[ClaimRecord]:
    """The leading records that no decision still to come can change (to stream them early).

    `pending` are the candidates whose decisions may still change. Only
    figures take part in the dedupe, but across the whole document: a pending
    figure could drop any record, so then nothing is settled. Otherwise a
    record depends on its own decision and on figures, so every record
    before the first pending candidate is final; the prefix keeps text order.
    """
    if any(candidates[index].figure is not None for index in pending):
        return []
    first = min(pending, default=len(candidates))
    return [record for index, record in _numbered(text, candidates, decisions) if index < first]


def _numbered(
    text: str, candidates: list[Candidate], decisions: list[Decision]
) -> list[tuple[int, ClaimRecord]]:
    """`records`, each with the index of the candidate it came from."""
    out = [
        (index, _record(text, candidate, decision))
        for index, (candidate, decision) in enumerate(zip(candidates, decisions, strict=True))
        if decision.keep
    ]
    sourced = {
        (r.casualty.count, r.casualty.outcome)
        for _, r in out
        if r.casualty is not None and r.source.name is not None
    }
    kept: list[tuple[int, ClaimRecord]] = []
    seen: set[tuple[str | None, int, str]] = set()
    for index, record in out:
        if record.casualty is not None:
            figure = (record.casualty.count, record.casualty.outcome)
            if record.source.name is None and figure in sourced:
                continue
            key = (record.source.name, *figure)
            if key in seen:
                continue
            seen.add(key)
        kept.append((index, record))
    return kept


def _record(text: str, candidate: Candidate, decision: Decision) -> ClaimRecord:
    author = decision.source_name is None or decision.source_type == "author"
    start, end = candidate.start, candidate.end
    evidence = text[start:end]
    casualty = None
    figure = candidate.figure
    if figure is not None:  # decide gives figures, and only figures, the kind "casualty"
        casualty = Casualty(
            count=figure.count,
            qualifier=cast(Qualifier, figure.qualifier),
            outcome=cast(Outcome, figure.outcome),
            victims=cast(Victims, decision.victims or figure.victims),
            location=figure.location,
            period=figure.period,
        )
    name = None if author else decision.source_name
    cue = None if author else candidate.cue
    sentence = Sentence(0, *candidate.bounds, text="")
    return ClaimRecord(
        evidence=evidence,
        statement=statement_of(evidence, name, cue),
        source=Source(
            name=name, type=cast(SourceType, "author" if author else decision.source_type)
        ),
        cue=cue,
        mode=cast(Mode, mode_of(text, start, end, sentence, author)),
        kind=cast(Kind, decision.kind),
        certainty=cast(Certainty, decision.certainty),
        casualty=casualty,
        span=Span(start=start, end=end),
        grounding="exact",
    )
