"""The gold/pred JSONL record types: the annotation guide's claim schema plus pred extras.

One schema serves both files so that a plain gold-format file is a valid pred
file; the extras (span, grounding, usage, stats...) are optional and only ever
read by the trust figures and the HTML report.
"""

from __future__ import annotations

from typing import get_args

from pydantic import BaseModel, ConfigDict, StrictInt, model_validator

# The guide's enums are defined once, with the claim schema they belong to.
from ..schema import (
    Certainty,
    Grounding,
    Kind,
    Mode,
    Outcome,
    Qualifier,
    SourceType,
    Victims,
)

SOURCE_TYPES: tuple[str, ...] = get_args(SourceType)
KINDS: tuple[str, ...] = get_args(Kind)
GROUNDINGS: tuple[str, ...] = get_args(Grounding)


class _Record(BaseModel):
    """Unknown keys are ignored so newer files still load; known keys are checked."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Casualty(_Record):
    """A figure of people hit; all six keys must be present (location/period may be null)."""

    count: StrictInt
    qualifier: Qualifier
    outcome: Outcome
    victims: Victims
    location: str | None
    period: str | None


class Source(_Record):
    """Who a claim is attributed to; name is null only for type `author`."""

    name: str | None
    type: SourceType


class Span(_Record):
    """Character offsets of the evidence in the document text (pred extra)."""

    start: StrictInt
    end: StrictInt


class Claim(_Record):
    """One claim as the guide defines it; `span` and `grounding` are pred extras."""

    evidence: str
    statement: str
    source: Source
    cue: str | None
    mode: Mode
    kind: Kind
    certainty: Certainty
    casualty: Casualty | None
    span: Span | None = None
    grounding: Grounding | None = None


class Usage(_Record):
    prompt_tokens: StrictInt = 0
    completion_tokens: StrictInt = 0


class Timings(_Record):
    total_s: float | None = None


class Stats(_Record):
    retries: StrictInt = 0
    reasks: StrictInt = 0
    dropped_ungrounded: StrictInt = 0
    merged_duplicates: StrictInt = 0
    calls: StrictInt = 0
    chunks: StrictInt = 0


class DocRecord(_Record):
    """One JSONL line: a document's claims, or (pred only) an error record without claims."""

    doc_id: str
    claims: list[Claim] | None = None
    error: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    usage: Usage | None = None
    timings: Timings | None = None
    cache_hit: bool | None = None
    stats: Stats | None = None
    warnings: list[str] | None = None

    @model_validator(mode="after")
    def _claims_or_error(self) -> DocRecord:
        if self.claims is None and self.error is None:
            raise ValueError("field 'claims' is required (or 'error' for a failed document)")
        return self

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def claim_list(self) -> list[Claim]:
        return list(self.claims or [])
