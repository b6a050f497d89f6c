"""Field-by-field comparison of a matched (gold, pred) pair, for accuracy and error lists.

Enums compare exactly; `cue` case-insensitively after stripping; `location`
and `period` after normalising (lower-case, punctuation to spaces, single
spaces). An empty string counts as null, and null equals null. Casualty fields
are compared only when both claims carry a casualty object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import Claim

CLAIM_FIELDS: tuple[str, ...] = ("source.type", "cue", "mode", "kind", "certainty")
CASUALTY_FIELDS: tuple[str, ...] = (
    "casualty.count",
    "casualty.qualifier",
    "casualty.outcome",
    "casualty.victims",
    "casualty.location",
    "casualty.period",
)
FIELDS: tuple[str, ...] = CLAIM_FIELDS + CASUALTY_FIELDS

_PUNCT = re.compile(r"[^\w\s]|_")

Value = str | int | None


def norm_cue(cue: str | None) -> str | None:
    """Case-folded, stripped cue; empty means none."""
    if cue is None:
        return None
    return cue.strip().casefold() or None


def norm_text(text: str | None) -> str | None:
    """Lower-case, punctuation-free, single-spaced text; empty means none."""
    if text is None:
        return None
    return " ".join(_PUNCT.sub(" ", text.lower()).split()) or None


def raw_value(claim: Claim, field: str) -> Value:
    """The field's value as written (for showing in error lists)."""
    if field == "source.type":
        return claim.source.type
    if field.startswith("casualty."):
        if claim.casualty is None:
            return None
        value: Value = getattr(claim.casualty, field.removeprefix("casualty."))
        return value
    attr: Value = getattr(claim, field)
    return attr


def comparable(claim: Claim, field: str) -> Value:
    """The field's value as compared."""
    value = raw_value(claim, field)
    if field == "cue":
        return norm_cue(value if isinstance(value, str) else None)
    if field in ("casualty.location", "casualty.period"):
        return norm_text(value if isinstance(value, str) else None)
    return value


def applicable(gold: Claim, pred: Claim) -> tuple[str, ...]:
    """The fields scored for this pair: casualty fields only when both have a casualty."""
    if gold.casualty is not None and pred.casualty is not None:
        return FIELDS
    return CLAIM_FIELDS


def field_agreement(gold: Claim, pred: Claim) -> dict[str, bool]:
    """field -> whether gold and pred agree, for each applicable field."""
    return {f: comparable(gold, f) == comparable(pred, f) for f in applicable(gold, pred)}


@dataclass(frozen=True)
class FieldError:
    """One disagreement on a matched pair, with the values as written."""

    field: str
    gold: Value
    pred: Value


def field_errors(gold: Claim, pred: Claim, source_ok: bool) -> list[FieldError]:
    """Disagreements on a matched pair, the source name first when the source is wrong."""
    errors: list[FieldError] = []
    if not source_ok:
        errors.append(FieldError("source", _source_label(gold), _source_label(pred)))
    for field, ok in field_agreement(gold, pred).items():
        if not ok:
            errors.append(FieldError(field, raw_value(gold, field), raw_value(pred, field)))
    if gold.casualty is not None and pred.casualty is None:
        errors.append(FieldError("casualty", "present", None))
    elif gold.casualty is None and pred.casualty is not None:
        errors.append(FieldError("casualty", None, "present"))
    return errors


def _source_label(claim: Claim) -> str:
    name = claim.source.name or "-"
    return f"{name} ({claim.source.type})"
