"""Errors by category (error_breakdown.py): every category and sub-count, worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from claimtrace.harness.error_breakdown import (
    casualty_errors,
    claim_offsets,
    overlaps_any,
    source_error,
)
from claimtrace.harness.offsets import find_loose
from claimtrace.harness.records import KINDS, SOURCE_TYPES, Claim, Source

from .conftest import Workspace, claim

TEXT = (
    "The Syrian Observatory for Human Rights said 27 civilians were shot dead in Homs. "
    "Activists said 34 soldiers were killed in clashes. "
    "State media reported 12 rebels were wounded near Aleppo. "
    "Medics said 5 children died in the raid. "
    "The army said the rebels carried out the bombing. "
    "UN officials warned that famine threatens the region. "
    "Reuters reported that the airport was closed. "
    "Residents said the market burned and the bridge collapsed overnight. "
    "Witnesses said heavy shelling hit the suburbs on Sunday. "
    "Officials denied any role in the attack. "
    "Rain fell all afternoon."
)
SOHR = "Syrian Observatory for Human Rights"


def _span_of(phrase: str) -> dict[str, int]:
    start = TEXT.index(phrase)
    return {"start": start, "end": start + len(phrase)}


def _gold_d() -> list[dict[str, Any]]:
    return [
        claim("27 civilians were shot dead in Homs", casualty=(27, "killed", "civilians")),  # g0
        claim(
            "34 soldiers were killed in clashes",
            name="activists",
            type="activist",
            casualty=(34, "killed", "security_forces"),
        ),  # g1
        claim(
            "12 rebels were wounded near Aleppo",
            name="State media",
            type="state_media",
            casualty=(12, "injured", "armed_group"),
        ),  # g2
        claim(
            "5 children died in the raid",
            name="medics",
            type="witness",
            casualty=(5, "killed", "civilians"),
        ),  # g3
        claim(
            "the rebels carried out the bombing",
            name="army",
            type="military",
            kind="responsibility",
        ),  # g4
        claim("famine threatens the region", name="UN", type="intl_org", kind="position"),  # g5
        claim("the airport was closed", name="Reuters", type="media"),  # g6
        claim(
            "the market burned and the bridge collapsed overnight", name="residents", type="witness"
        ),  # g7
        claim("heavy shelling hit the suburbs on Sunday", name="witnesses", type="witness"),  # g8
        claim(
            "any role in the attack",
            name="officials",
            type="government",
            kind="responsibility",
            certainty="denied",
        ),  # g9
    ]


def _pred_d() -> list[dict[str, Any]]:
    g0 = claim("27 civilians were shot dead in Homs", casualty=(27, "killed", "civilians"))
    return [
        g0,  # p0: L3 -> correct
        # p1: count and victims wrong -> casualty_fields (count, victims)
        claim(
            "34 soldiers were killed in clashes",
            name="activists",
            type="activist",
            casualty=(43, "killed", "civilians"),
        ),
        # p2: outcome wrong -> casualty_fields (outcome)
        claim(
            "12 rebels were wounded near Aleppo",
            name="state media",
            type="state_media",
            casualty=(12, "killed", "armed_group"),
        ),
        # p3: no casualty object at all -> casualty_fields (casualty_missing)
        claim("5 children died in the raid", name="medics", type="witness", kind="event"),
        # p4: author for a military source -> source (author_vs_source)
        claim("the rebels carried out the bombing", type="author", kind="responsibility"),
        # p5: another name, ngo for intl_org -> source (type); with the name "UN" it
        # would be L2, since source_correct compares names, not types
        claim("famine threatens the region", name="Oxfam", type="ngo", kind="position"),
        # p6: same type, another outlet -> source (name)
        claim("the airport was closed", name="Al Jazeera", type="media"),
        # p7: case and whitespace differ from the text, found only by the loose search;
        # overlaps g7 on "the market" but similarity 0.33 (2 of 4 and 8 tokens):
        # g7 missed_near, p7 spurious_near
        claim("residents  SAID the\nmarket", name="residents", type="witness"),
        # p8: evidence not in the text, but its span covers "Officials denied any", which
        # overlaps g9 on "any": g9 missed_near, p8 spurious_near
        claim(
            "denial statement",
            name="officials",
            type="government",
            span=_span_of("Officials denied any"),
        ),
        # p9: a duplicate of p0; g0 takes one of them -> spurious_near
        dict(g0),
        # p10: in the text, overlapping no gold evidence -> spurious
        claim("Rain fell all afternoon", type="author"),
        # p11: not in the text at all -> overlaps nothing -> spurious
        claim("nowhere to be seen in this text", type="author"),
    ]


def _errors_case(ws: Workspace) -> dict[str, Any]:
    ws.doc("d", TEXT)
    ws.doc("f", "Police said two cars exploded. The governor said 3 people were hurt.")
    ws.doc("m", "Analysts said the talks would fail.")
    ws.gold(
        [
            {"doc_id": "d", "claims": _gold_d()},
            {
                "doc_id": "f",
                "claims": [
                    claim("two cars exploded", name="police", type="government"),
                    claim(
                        "3 people were hurt",
                        name="governor",
                        type="government",
                        casualty=(3, "injured", "unspecified"),
                    ),
                ],
            },
            {
                "doc_id": "m",
                "claims": [
                    claim("the talks would fail", name="analysts", type="expert", kind="position")
                ],
            },
        ]
    )
    # f failed, m missing: their three gold claims are all `missed`
    ws.pred([{"doc_id": "d", "claims": _pred_d()}, {"doc_id": "f", "error": "model timed out"}])
    errors: dict[str, Any] = ws.evaluate().metrics["errors"]
    return errors


def _counts(block: dict[str, Any]) -> dict[str, int]:
    return {name: entry["count"] for name, entry in block.items()}


def test_every_category_by_hand(ws: Workspace) -> None:
    errors = _errors_case(ws)
    assert (errors["threshold"], errors["n_gold"], errors["n_pred"]) == (0.5, 13, 12)
    # 13 gold claims: g0 | g1 g2 g3 | g4 g5 g6 | g7 g9 | g8 + f (2) + m (1)
    assert _counts(errors["gold"]) == {
        "correct": 1, "casualty_fields": 3, "source": 3, "missed_near": 2, "missed": 4,
    }  # fmt: skip
    assert _counts(errors["casualty_fields"]) == {
        "count": 1, "outcome": 1, "victims": 1, "casualty_missing": 1,
    }  # fmt: skip
    assert _counts(errors["source"]) == {"author_vs_source": 1, "type": 1, "name": 1}
    # 12 predictions, 7 matched: p7 p8 p9 overlap gold, p10 p11 do not
    assert _counts(errors["pred"]) == {"spurious_near": 3, "spurious": 2}
    assert errors["gold"]["missed"]["share"] == pytest.approx(4 / 13)
    assert errors["source"]["type"]["share"] == pytest.approx(1 / 13)
    assert errors["pred"]["spurious_near"]["share"] == pytest.approx(3 / 12)


def test_missed_by_kind_and_source_type(ws: Workspace) -> None:
    errors = _errors_case(ws)
    by_kind = errors["missed_by_kind"]
    assert list(by_kind) == list(KINDS)
    assert by_kind == {
        # g0-g3 + f's figure; only f's is missed
        "casualty": {"missed_near": 0, "missed": 1, "n_gold": 5},
        # g4 (source error), g9 (near)
        "responsibility": {"missed_near": 1, "missed": 0, "n_gold": 2},
        # g6 (source error), g7 (near), g8, f's event
        "event": {"missed_near": 1, "missed": 2, "n_gold": 4},
        # g5 (source error), m
        "position": {"missed_near": 0, "missed": 1, "n_gold": 2},
        "other": {"missed_near": 0, "missed": 0, "n_gold": 0},
    }
    by_type = errors["missed_by_source_type"]
    assert list(by_type) == list(SOURCE_TYPES)
    assert by_type["witness"] == {"missed_near": 1, "missed": 1, "n_gold": 3}  # g3 g7 g8
    assert by_type["government"] == {"missed_near": 1, "missed": 2, "n_gold": 3}  # g9, f x2
    assert by_type["expert"] == {"missed_near": 0, "missed": 1, "n_gold": 1}  # m
    assert by_type["ngo"] == {"missed_near": 0, "missed": 0, "n_gold": 1}  # g0, correct
    assert sum(b["missed"] + b["missed_near"] for b in by_type.values()) == 6


def test_perfect_predictions_are_all_correct(ws: Workspace) -> None:
    ws.doc("d", TEXT)
    ws.gold([{"doc_id": "d", "claims": _gold_d()}])
    ws.pred([{"doc_id": "d", "claims": _gold_d()}])
    errors = ws.evaluate().metrics["errors"]
    assert _counts(errors["gold"]) == {
        "correct": 10, "casualty_fields": 0, "source": 0, "missed_near": 0, "missed": 0,
    }  # fmt: skip
    assert errors["gold"]["correct"]["share"] == 1.0
    assert _counts(errors["pred"]) == {"spurious_near": 0, "spurious": 0}


def test_report_md_and_html_show_the_section(ws: Workspace) -> None:
    _errors_case(ws)
    result = ws.evaluate("out2")
    markdown = result.markdown_path.read_text(encoding="utf-8")
    section = markdown.split("## Errors by category (≥ 0.5)\n", 1)[1].split("\n## ", 1)[0]
    assert "| category | count | share | meaning |" in section
    assert "| missed | 4 | 0.308 |" in section
    assert "| ↳ author_vs_source | 1 | 0.077 |" in section
    assert "| spurious_near | 3 | 0.250 |" in section
    assert "| event | 1 | 2 | 4 |" in section  # missed by kind
    assert "| other |" not in section  # kinds without gold claims are left out
    # after the breakdowns, before the trust figures
    assert markdown.index("## By source type") < markdown.index("## Errors by category")
    assert markdown.index("## Errors by category") < markdown.index("## Trust")
    page = result.html_path.read_text(encoding="utf-8")
    assert '<section class="errors"><h2>Errors by category (≥ 0.5)</h2>' in page
    assert "<tr><td>missed</td><td>4</td><td>0.308</td>" in page


def _claim(evidence: str, **kwargs: Any) -> Claim:
    return Claim.model_validate(claim(evidence, **kwargs))


def test_source_error_sub_categories() -> None:
    author = Source(name=None, type="author")
    assert source_error(author, Source(name="UN", type="intl_org")) == "author_vs_source"
    assert source_error(Source(name="UN", type="intl_org"), author) == "author_vs_source"
    assert (
        source_error(Source(name="UN", type="intl_org"), Source(name="Oxfam", type="ngo")) == "type"
    )
    assert source_error(Source(name="UN", type="ngo"), Source(name="SANA", type="ngo")) == "name"


def test_casualty_errors() -> None:
    gold = _claim("27 killed", casualty=(27, "killed", "civilians"))
    assert casualty_errors(gold, _claim("27 killed", casualty=(27, "killed", "civilians"))) == []
    wrong = _claim("27 killed", casualty=(72, "injured", "mixed"))
    assert casualty_errors(gold, wrong) == ["count", "outcome", "victims"]
    assert casualty_errors(gold, _claim("27 killed")) == ["casualty_missing"]
    assert casualty_errors(_claim("27 killed"), wrong) == []  # gold not a figure


def test_overlap_is_by_shared_characters() -> None:
    assert overlaps_any((5, 10), [(9, 12)])
    assert overlaps_any((5, 10), [(0, 20)])  # containment
    assert not overlaps_any((5, 10), [(10, 12), (0, 5)])  # touching is not overlapping
    assert not overlaps_any(None, [(0, 20)])
    assert not overlaps_any((5, 10), [None])


def test_offsets_span_then_verbatim_then_loose() -> None:
    text = "Activists said 12\u00a0people   were KILLED on Friday."
    claims = [
        _claim("12\u00a0people", span={"start": 0, "end": 9}),  # a valid span wins
        _claim("on Friday"),  # verbatim
        _claim("12 people were killed"),  # NBSP, run of spaces and case differ
        _claim("twelve people"),  # nowhere
    ]
    assert claim_offsets(text, claims) == [(0, 9), (39, 48), (15, 38), None]
    assert find_loose(text, "  ") is None
    assert find_loose("a\n\nB  c", "A b\tC") == (0, 7)
