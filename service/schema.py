"""Claim records: the guide's gold format, what code adds, and what the model sees.

Three layers, from the model outward:

* `ModelAnswer` is all the model writes. It quotes a few words of the
  article instead of the whole evidence (code grounds the quote and widens it
  to the clause), and leaves out what code derives (offsets, statement, mode),
  because every output token costs time.
* `Claim` is a claim exactly as the annotation guide defines it, with the
  guide's rules as validators, so gold and output share one definition.
* `ClaimRecord` and `DocumentRecord` add what code computes: offsets,
  grounding, and the run's provenance and costs.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

SourceType = Literal[
    "government", "military", "state_media", "armed_group", "intl_org", "ngo",
    "activist", "media", "witness", "expert", "anonymous", "author",
]  # fmt: skip
Mode = Literal["direct", "indirect", "unattributed"]
Kind = Literal["casualty", "responsibility", "event", "position", "other"]
Certainty = Literal["asserted", "hedged", "denied"]
Qualifier = Literal["exact", "at_least", "more_than", "about", "up_to"]
Outcome = Literal["killed", "injured", "executed", "detained", "missing", "displaced"]
Victims = Literal["civilians", "security_forces", "armed_group", "mixed", "unspecified"]
Grounding = Literal["exact", "normalized", "fuzzy", "none"]

MAX_CLAIMS_PER_CALL = 40


# --- the guide's claim -------------------------------------------------------


class Source(BaseModel):
    """Who a claim is attributed to; `name` is null exactly for the author."""

    model_config = ConfigDict(extra="forbid")
    name: str | None
    type: SourceType

    @model_validator(mode="after")
    def _author_has_no_name(self) -> Source:
        if (self.type == "author") != (self.name is None):
            raise ValueError("source.name must be null exactly when source.type is 'author'")
        return self


class Casualty(BaseModel):
    """A figure of people hit: count as digits, with its qualifier and who and where."""

    model_config = ConfigDict(extra="forbid")
    count: int = Field(ge=0, strict=True)
    qualifier: Qualifier
    outcome: Outcome
    victims: Victims
    location: str | None
    period: str | None


class Claim(BaseModel):
    """One claim as the annotation guide defines it (the gold format)."""

    model_config = ConfigDict(extra="forbid")
    evidence: str = Field(min_length=1)
    statement: str
    source: Source
    cue: str | None
    mode: Mode
    kind: Kind
    certainty: Certainty
    casualty: Casualty | None

    @model_validator(mode="after")
    def _guide_rules(self) -> Claim:
        if (self.kind == "casualty") != (self.casualty is not None):
            raise ValueError("casualty must be present exactly when kind is 'casualty'")
        if (self.mode == "unattributed") != (self.source.type == "author"):
            raise ValueError("mode is 'unattributed' exactly when source.type is 'author'")
        return self


# --- what code adds ----------------------------------------------------------


class Span(BaseModel):
    """Character offsets into the original text: `text[start:end] == evidence`."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class ClaimRecord(Claim):
    """A claim located in its document."""

    model_config = ConfigDict(extra="forbid")
    span: Span
    grounding: Grounding


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0  # served from llama-server's prompt cache

    def add(self, other: Usage) -> None:
        """Accumulate another call's tokens (re-asks, chunks, sentences) into this total."""
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cached_prompt_tokens += other.cached_prompt_tokens


class Timings(BaseModel):
    total_s: float = 0.0
    model_s: float = 0.0  # time spent waiting on the endpoint


class Stats(BaseModel):
    """Every cost and repair, so a run can be trusted or debugged."""

    calls: int = 0  # model calls made (cache misses)
    cache_hits: int = 0
    retries: int = 0  # transport retries (connection errors, timeouts, 5xx)
    reasks: int = 0  # instructor re-asks after a validation error
    retry_reasons: list[str] = Field(default_factory=list)
    dropped_ungrounded: int = 0
    merged_duplicates: int = 0
    chunks: int = 1
    passes: int = 1
    salvaged_incomplete: int = 0  # calls cut at max_tokens whose complete items were kept


class DocumentMeta(BaseModel):
    """Where an article came from, as its corpus row says; carried into its record."""

    outlet: str | None = None
    date: str | None = None
    title: str | None = None


class DocumentRecord(BaseModel):
    """One output line: the gold format plus provenance, costs and warnings."""

    doc_id: str
    claims: list[ClaimRecord]
    model: str
    prompt_version: str
    schema_version: str
    usage: Usage = Field(default_factory=Usage)
    timings: Timings = Field(default_factory=Timings)
    cache_hit: bool = False
    stats: Stats = Field(default_factory=Stats)
    warnings: list[str] = Field(default_factory=list)
    # Left out of the JSON when absent, so records without a corpus row read as before.
    meta: DocumentMeta | None = Field(default=None, exclude_if=lambda meta: meta is None)


class ErrorRecord(BaseModel):
    """A document that failed: written in place of its record, the run goes on."""

    doc_id: str
    error: str


# --- what the model writes ---------------------------------------------------


class ModelCasualty(BaseModel):
    count: int = Field(ge=0)
    qualifier: Qualifier
    outcome: Outcome
    victims: Victims
    location: str | None
    period: str | None


class ModelClaim(BaseModel):
    """A claim as the model states it: a short quote that code grounds and widens."""

    quote: str = Field(min_length=1)
    kind: Kind
    casualty: ModelCasualty | None
    source: str | None
    type: SourceType
    cue: str | None
    certainty: Certainty

    @field_validator("source", "cue", mode="before")
    @classmethod
    def _blank_is_null(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _consistent(self) -> ModelClaim:
        if self.kind == "casualty" and self.casualty is None:
            raise ValueError(
                f"claim {self.quote[:60]!r} has kind 'casualty' but no casualty object; "
                "give count, qualifier, outcome, victims, location and period"
            )
        # Cheap inconsistencies are repaired, not re-asked: a re-ask costs a whole answer.
        if self.casualty is not None and self.kind != "casualty":
            self.kind = "casualty"
        if self.type == "author":
            self.source = None
        elif self.source is None:
            self.type = "author"
        return self


class ModelAnswer(BaseModel):
    """The whole answer for one chunk."""

    claims: list[ModelClaim] = Field(max_length=MAX_CLAIMS_PER_CALL)

    @model_validator(mode="after")
    def _quotes_in_article(self, info: ValidationInfo) -> ModelAnswer:
        """With `strict_quotes`, a quote the article does not contain is re-asked.

        Off by default: a re-ask regenerates the whole answer, and grounding
        already drops what it cannot find; on, it trades time for recall.
        """
        context = info.context or {}
        article = context.get("article")
        if not context.get("strict_quotes") or not isinstance(article, str):
            return self
        folded = " ".join(article.split()).lower()
        missing = [c.quote for c in self.claims if " ".join(c.quote.split()).lower() not in folded]
        if missing:
            listed = "; ".join(repr(q[:80]) for q in missing[:5])
            raise ValueError(
                f"these quotes are not in the article, copy the words exactly: {listed}"
            )
        return self


def schema_version(model: type[BaseModel]) -> str:
    """Hash of a model-facing JSON schema: a change must invalidate cached answers."""
    blob = json.dumps(model.model_json_schema(), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


SCHEMA_VERSION = schema_version(ModelAnswer)
