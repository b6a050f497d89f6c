"""Source names in the most specific form the article gives."""

from __future__ import annotations

import pytest

from claimtrace.attribution import canonical

ARTICLE = (
    "Seven dead in Damascus Blast Monitor AFP Friday 1 Feb 2015. The UK-based Syrian Observatory "
    "for Human Rights said the blast hit a bus. Turkish Prime Minister Tayyip Erdogan said he no "
    "longer trusts Assad. The Russian Defense Ministry said 50 militants died. SANA reported it."
)


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("the observatory", "Syrian Observatory for Human Rights"),
        ("a monitor", "Syrian Observatory for Human Rights"),
        ("the Britain-based monitoring group", "Syrian Observatory for Human Rights"),
        ("Erdogan", "Turkish Prime Minister Tayyip Erdogan"),
        ("the ministry", "Russian Defense Ministry"),
        ("AFP", "AFP"),  # never grows into the dateline "AFP Friday"
        ("SANA", "SANA"),
        ("activists", "activists"),  # nothing more specific is named
        (None, None),
    ],
)
def test_canonical(short: str | None, long: str | None) -> None:
    assert canonical(short, ARTICLE) == long


def test_monitor_words_need_a_named_monitor() -> None:
    assert canonical("a war monitor", "A war monitor said 5 died.") == "a war monitor"
