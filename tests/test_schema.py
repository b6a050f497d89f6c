"""The guide's rules as validators, and the model-facing schema's repairs."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from claimtrace.schema import Claim, ModelAnswer, ModelClaim

GOOD: dict[str, Any] = {
    "evidence": "27 civilians were shot dead by security forces",
    "statement": "SOHR says 27 civilians were shot dead.",
    "source": {"name": "Syrian Observatory for Human Rights", "type": "ngo"},
    "cue": "said",
    "mode": "indirect",
    "kind": "casualty",
    "certainty": "asserted",
    "casualty": {
        "count": 27,
        "qualifier": "exact",
        "outcome": "killed",
        "victims": "civilians",
        "location": None,
        "period": "past 24 hours",
    },
}


def test_the_guide_example_is_valid() -> None:
    assert Claim.model_validate(GOOD).casualty.count == 27  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"casualty": None}, "casualty must be present"),
        ({"kind": "event"}, "casualty must be present"),
        ({"source": {"name": None, "type": "ngo"}}, "null exactly when"),
        ({"source": {"name": "X", "type": "author"}}, "null exactly when"),
        ({"mode": "unattributed"}, "unattributed"),
        ({"kind": "rumour"}, "kind"),
        ({"certainty": "maybe"}, "certainty"),
        ({"casualty": {**GOOD["casualty"], "count": -3}}, "greater than or equal"),
        ({"casualty": {**GOOD["casualty"], "count": 2.5}}, "integer"),
        ({"casualty": {**GOOD["casualty"], "outcome": "hurt"}}, "outcome"),
        ({"evidence": ""}, "at least 1 character"),
        ({"extra": 1}, "Extra inputs"),
    ],
)
def test_guide_rules_are_enforced(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Claim.model_validate({**GOOD, **change})


def test_author_claim() -> None:
    author = {
        **GOOD,
        "source": {"name": None, "type": "author"},
        "cue": None,
        "mode": "unattributed",
    }
    assert Claim.model_validate(author).source.name is None


def model_claim(**change: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "quote": "27 civilians were shot dead",
        "kind": "casualty",
        "casualty": {
            "count": 27,
            "qualifier": "exact",
            "outcome": "killed",
            "victims": "civilians",
            "location": None,
            "period": None,
        },
        "source": "SOHR",
        "type": "ngo",
        "cue": "said",
        "certainty": "asserted",
    }
    return {**base, **change}


def test_model_claim_repairs_cheap_inconsistencies() -> None:
    repaired = ModelClaim.model_validate(model_claim(kind="event"))
    assert repaired.kind == "casualty"
    assert ModelClaim.model_validate(model_claim(type="author")).source is None
    blank = ModelClaim.model_validate(model_claim(source="  "))
    assert blank.source is None and blank.type == "author"


def test_model_claim_casualty_without_figure_is_an_error() -> None:
    with pytest.raises(ValidationError, match="has kind 'casualty' but no casualty"):
        ModelClaim.model_validate(model_claim(casualty=None))


def test_strict_quotes_only_when_asked() -> None:
    answer = {"claims": [model_claim(quote="nowhere in the text")]}
    assert ModelAnswer.model_validate(answer, context={"article": "27 civilians were shot dead"})
    with pytest.raises(ValidationError, match="not in the article"):
        ModelAnswer.model_validate(
            answer, context={"article": "27 civilians were shot dead", "strict_quotes": True}
        )


def test_answer_size_is_bounded() -> None:
    with pytest.raises(ValidationError, match="at most 40"):
        ModelAnswer.model_validate({"claims": [model_claim()] * 41})
