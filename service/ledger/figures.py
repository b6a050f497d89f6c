"""One casualty claim in the ledger: its figure, its source, and its place and window resolved.

Everything the grouping rule compares is computed here once per claim, with
the reading it rests on, so a tally can say why its members belong together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..harness.records import Claim
from .context import Article
from .counted import outcome_class, victim_class
from .gazetteer import governorate_name
from .periods import Window, resolve
from .places import NATIONAL, UNKNOWN, Place, parse_place

_SENTENCE_END = re.compile(r"[.!?]\s|\n")


@dataclass(frozen=True)
class Figure:
    """A casualty claim located in its document and resolved for grouping."""

    index: int
    doc_id: str
    evidence: str
    start: int | None
    end: int | None
    count: int
    qualifier: str
    outcome: str
    victims: str
    location: str | None
    period: str | None
    source_name: str | None
    source_type: str
    outlet: str | None
    article: Article
    place: Place
    window: Window

    @property
    def victim_class(self) -> str:
        """Civilians, security forces, armed group members or people, narrowed to a subgroup."""
        return victim_class(self.victims, self.evidence)

    @property
    def outcome_class(self) -> str:
        """The outcome, or "killed or injured" for a combined figure."""
        return outcome_class(self.outcome, self.evidence)

    @property
    def source_key(self) -> str:
        """Who gives the figure: the named source, or the outlet for the author's own."""
        name = self.source_name or f"{self.outlet or self.doc_id} (author)"
        return " ".join(name.lower().split())


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or line) holding text[start:end]."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return text[(before[-1] if before else 0) : after.start() + 1 if after else len(text)]


def _span(claim: Claim, text: str | None) -> tuple[int | None, int | None]:
    if claim.span is not None:
        return claim.span.start, claim.span.end
    if text is not None and (at := text.find(claim.evidence)) >= 0:
        return at, at + len(claim.evidence)
    return None, None


def _place(location: str | None, window: Window, article: Article) -> Place:
    """The figure's place; without one, see the rule in `grouping`."""
    if location and location.strip():
        return parse_place(location, article.governorate)
    if window.kind == "cumulative":
        return Place(national=True, label=NATIONAL.label, note="no place, a cumulative toll: Syria")
    if article.governorate is not None:
        name = governorate_name(article.governorate)
        note = f"no place: the article's corpus location ({article.location})"
        return Place(governorate=article.governorate, label=name, note=note)
    return Place(label=UNKNOWN.label, note="no place given")


def figure(index: int, doc_id: str, claim: Claim, article: Article) -> Figure | None:
    """The claim as a ledger figure; None when it is not a casualty claim."""
    casualty = claim.casualty
    if claim.kind != "casualty" or casualty is None:
        return None
    start, end = _span(claim, article.text)
    context = claim.evidence
    if article.text is not None and start is not None and end is not None:
        context = f"{claim.evidence} {sentence_around(article.text, start, end)}"
    window = resolve(casualty.period, context, casualty.count, article.day, casualty.outcome)
    return Figure(
        index=index,
        doc_id=doc_id,
        evidence=claim.evidence,
        start=start,
        end=end,
        count=casualty.count,
        qualifier=casualty.qualifier,
        outcome=casualty.outcome,
        victims=casualty.victims,
        location=casualty.location,
        period=casualty.period,
        source_name=claim.source.name,
        source_type=claim.source.type,
        outlet=article.outlet,
        article=article,
        place=_place(casualty.location, window, article),
        window=window,
    )


def figures(
    documents: Sequence[tuple[str, Sequence[Claim]]], arts: dict[str, Article]
) -> list[Figure]:
    """Every casualty claim of the documents, numbered in reading order."""
    found: list[Figure] = []
    for doc_id, claims in documents:
        for claim in claims:
            made = figure(len(found), doc_id, claim, arts[doc_id])
            if made is not None:
                found.append(made)
    return found
