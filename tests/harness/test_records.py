"""The harness reads records through lenient views of the schema's models, not a second copy."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from claimtrace import schema
from claimtrace.errors import InputError
from claimtrace.harness.reader import read_gold, read_pred
from claimtrace.harness.records import Casualty, Claim, DocRecord, Source, Span, reported

from .conftest import Workspace, claim

VIEWS: list[tuple[type[BaseModel], type[BaseModel]]] = [
    (Source, schema.Source),
    (Casualty, schema.Casualty),
    (Span, schema.Span),
    (Claim, schema.ClaimRecord),
    (DocRecord, schema.DocumentRecord),
    (DocRecord, schema.ErrorRecord),
]
GUIDE_FIELDS = {"doc_id", "claims", *schema.Claim.model_fields}


@pytest.mark.parametrize(("view", "model"), VIEWS)
def test_every_schema_field_is_read(view: type[BaseModel], model: type[BaseModel]) -> None:
    assert issubclass(view, model)
    assert set(model.model_fields) <= set(view.model_fields)
    assert view.model_config.get("extra") == "ignore"
    assert view.model_config.get("frozen") is True


@pytest.mark.parametrize("view", [Claim, DocRecord])
def test_pred_extras_are_optional(view: type[BaseModel]) -> None:
    # a field the pipeline adds must not be required of a plain gold-format line
    required = {name for name, info in view.model_fields.items() if info.is_required()}
    assert required <= GUIDE_FIELDS


def test_only_the_harness_own_rule_validates() -> None:
    # the schema's cross-field rules are gold rules, checked by read_gold with file:line
    assert not Source.__pydantic_decorators__.model_validators.keys() - {"_author_has_no_name"}
    assert not Claim.__pydantic_decorators__.model_validators.keys() - {"_guide_rules"}
    record = DocRecord.model_validate(
        {
            "doc_id": "d",
            "claims": [
                claim("x", name=None, mode="unattributed", casualty=(3, "killed", "civilians"))
                | {"kind": "event", "future_field": 1}
            ],
        }
    )
    inconsistent = record.claim_list[0]
    assert inconsistent.source.name is None and inconsistent.casualty is not None
    assert inconsistent.span is None and inconsistent.grounding is None


def test_schema_field_rules_hold_for_pred_too() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        Claim.model_validate(claim("x", casualty=(-1, "killed", "civilians")))
    with pytest.raises(ValidationError, match="at least 1 character"):
        Claim.model_validate(claim(""))


def test_schema_defaults_are_not_reported() -> None:
    bare = DocRecord.model_validate({"doc_id": "d", "error": "boom"})
    assert bare.failed and bare.usage == schema.Usage()
    assert not reported(bare, "usage")
    given = DocRecord.model_validate({"doc_id": "d", "claims": [], "stats": {"reasks": 2}})
    assert reported(given, "stats") and reported(given.stats, "reasks")
    assert not reported(given.stats, "chunks")


def test_a_rule_breaking_claim_is_pred_but_not_gold(ws: Workspace) -> None:
    ws.doc("d", "Activists said 27 civilians died.")
    line = {"doc_id": "d", "claims": [claim("27 civilians died", name=None)]}
    ws.gold([line])
    ws.pred([line])
    assert len(read_pred(ws.root / "pred.jsonl")[0].claim_list) == 1
    with pytest.raises(InputError, match="source.name must be null exactly"):
        read_gold(ws.root / "gold.jsonl", ws.store())
