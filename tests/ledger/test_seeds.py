"""The seeds: SANA's 2,000 security forces and the UN's 5,000 Syrians side by side."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrace.config import SEEDS_DIR
from claimtrace.extractor import Extractor
from claimtrace.ledger.build import build, ledger_json
from claimtrace.ledger.context import Sources
from claimtrace.ledger.records import parse_records
from claimtrace.ledger.tables import to_markdown


@pytest.fixture(scope="module")
def seeds_ledger() -> dict[str, object]:
    extractor = Extractor(strategy="rules", cache=False)
    records = [
        extractor.extract(path.read_text(encoding="utf-8"), path.stem).model_dump(mode="json")
        for path in sorted(Path(SEEDS_DIR).glob("*.txt"))
    ]
    return ledger_json(build(parse_records(records), Sources(docs=(SEEDS_DIR,))))


def _find(ledger: dict[str, object], count: int, doc: str) -> dict[str, object]:
    for tally in ledger["tallies"]:  # type: ignore[attr-defined]
        for fig in tally["figures"]:
            if fig["count"] == count and fig["doc_id"].startswith(doc):
                return tally  # type: ignore[no-any-return]
    raise AssertionError(f"no figure {count} in {doc}")


def test_dates_come_from_the_text(seeds_ledger: dict[str, object]) -> None:
    dates = {d["doc_id"][:3]: d["date"] for d in seeds_ledger["documents"]}  # type: ignore[attr-defined]
    assert dates["000"] == "2011-12-15"  # "the nine-month-old ... uprising"
    assert dates["004"] == "2011-11-15"  # "uprising began eight months ago"
    assert dates["002"] == "2012-01-27"  # the photo caption's date


def test_sana_and_un_figures_share_a_view(seeds_ledger: dict[str, object]) -> None:
    sana = _find(seeds_ledger, 2000, "000")
    un = _find(seeds_ledger, 5000, "000")
    assert sana["tally"] != un["tally"]  # different victims: two tallies
    assert sana["view"] == un["view"]  # one place and window: read side by side
    assert sana["window"]["kind"] == "cumulative"  # type: ignore[index]
    # the same months' other figures: the authorities' 1,100 soldiers, the UN's 3,500
    assert _find(seeds_ledger, 1100, "004")["tally"] == sana["tally"]
    assert _find(seeds_ledger, 3500, "004")["tally"] == un["tally"]


def test_markdown_puts_them_in_one_section(seeds_ledger: dict[str, object]) -> None:
    view = _find(seeds_ledger, 2000, "000")["view"]
    sections = to_markdown(seeds_ledger).split("\n## ")
    (section,) = [s for s in sections if s.startswith(f"{view}:")]
    assert "more than 2,000" in section and "more than 5,000" in section
