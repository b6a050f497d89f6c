"""The gold/pred JSONL record types: lenient views of the pipeline's own output models.

Each view subclasses its model in `claimtrace.schema`, so a field added there
is read here without a second edit. A view differs from its model only where
reading must be more forgiving than writing:

* unknown keys are ignored, so files from a newer pipeline still load;
* what code adds to the guide's claim (span, grounding, model, ...) may be
  absent, so a plain gold-format file is a valid pred file;
* the guide's cross-field rules are not validators here: `reader.read_gold`
  checks them on gold with file:line messages, while pred is held to the
  field types only (a wrong or ungrounded claim is scored, not refused).

Extras with a default in the schema (usage, timings, stats, ...) keep it;
`reported` tells a figure the line carried from one the view filled in.
"""

from __future__ import annotations

from typing import get_args

from pydantic import BaseModel, ConfigDict, model_validator

from .. import schema

# The guide's enums are defined once, with the claim schema they belong to.
SOURCE_TYPES: tuple[str, ...] = get_args(schema.SourceType)
KINDS: tuple[str, ...] = get_args(schema.Kind)
GROUNDINGS: tuple[str, ...] = get_args(schema.Grounding)

LENIENT = ConfigDict(extra="ignore", frozen=True)


class Source(schema.Source):
    """The schema's source; whether only `author` has a null name is a gold rule."""

    model_config = LENIENT

    @model_validator(mode="after")
    def _author_has_no_name(self) -> Source:
        """Replaces the schema's check (same name): a gold rule, in `reader.read_gold`."""
        return self


class Casualty(schema.Casualty):
    """The schema's casualty figure (count a strict non-negative integer), read leniently."""

    model_config = LENIENT


class Span(schema.Span):
    """The schema's evidence offsets, read leniently."""

    model_config = LENIENT


class Claim(schema.ClaimRecord):
    """A claim record whose extras (span, grounding) may be absent, as in gold.

    The guide's consistency rules (casualty exactly for kind casualty, author
    exactly for mode unattributed) are gold rules, left to the reader.
    """

    model_config = LENIENT
    source: Source
    casualty: Casualty | None
    span: Span | None = None  # type: ignore[assignment]
    grounding: schema.Grounding | None = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _guide_rules(self) -> Claim:
        """Replaces the schema's checks (same name): gold rules, in `reader.read_gold`."""
        return self


class DocRecord(schema.DocumentRecord, schema.ErrorRecord):
    """One JSONL line: a document's claims, or (pred only) an error record without claims."""

    model_config = LENIENT
    claims: list[Claim] | None = None  # type: ignore[assignment]
    error: str | None = None  # type: ignore[assignment]
    model: str | None = None  # type: ignore[assignment]
    prompt_version: str | None = None  # type: ignore[assignment]
    schema_version: str | None = None  # type: ignore[assignment]

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


def reported(record: BaseModel, name: str) -> bool:
    """Whether the file gave field `name`: a schema default is not a figure the run reported."""
    return name in record.model_fields_set
