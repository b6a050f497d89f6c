"""Decide each candidate by rules: keep it or not, its kind, certainty, source and victims.

This is the `rules` strategy on its own (instant, offline, the ablation the
model must beat) and the default the model's judgement starts from: the
judge only overrides what it is asked about.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from .candidates import Candidate
from .sources import Resolved
from .vocabulary import (
    BLAME_CUES,
    DENIAL_CUES,
    HEDGES,
    POSITION_CUES,
    POSITION_WORDS,
    RESPONSIBILITY_WORDS,
)

FALLBACK_TYPE = "anonymous"


@dataclass(frozen=True)
class Decision:
    """What is decided about one candidate; `source_name` None means the author."""

    keep: bool
    kind: str
    certainty: str
    source_name: str | None
    source_type: str
    victims: str | None  # figures only


def by_rules(doc: Doc, candidate: Candidate, source: Resolved | None) -> Decision:
    """The rules' decision for one candidate."""
    text = doc.text[candidate.start : candidate.end]
    name = source.name if source is not None else None
    kind_of_source = (source.type or FALLBACK_TYPE) if source is not None else "author"
    certainty = _certainty(text, candidate)
    if candidate.figure is not None:
        return Decision(
            keep=True,
            kind="casualty",
            certainty=certainty,
            source_name=name,
            source_type=kind_of_source,
            victims=candidate.figure.victims,
        )
    return Decision(
        keep=not candidate.covered,
        kind=_kind(text, candidate),
        certainty=certainty,
        source_name=name,
        source_type=kind_of_source,
        victims=None,
    )


def _kind(text: str, candidate: Candidate) -> str:
    lemma = candidate.cue_lemma or ""
    if lemma in BLAME_CUES or lemma in DENIAL_CUES or RESPONSIBILITY_WORDS.search(text):
        return "responsibility"
    if lemma in POSITION_CUES or POSITION_WORDS.search(text):
        return "position"
    return "event"


def _certainty(text: str, candidate: Candidate) -> str:
    if (candidate.cue_lemma or "") in DENIAL_CUES or candidate.negated:
        return "denied"
    if HEDGES.search(text) or (candidate.cue or "").lower().startswith(("believ", "estimat")):
        return "hedged"
    return "asserted"
