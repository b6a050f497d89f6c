"""Candidate sentences and the checklist given with each one."""

from __future__ import annotations

import pytest

from claimtrace import select


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The monitor said 12 civilians died.", True),  # cue and figure
        ("At least 20 rebels were killed on Thursday.", True),  # figure only
        ("The talks resumed in Geneva.", False),  # narration
        ("Subscribe to our newsletter, they said.", False),  # boilerplate
    ],
)
def test_may_hold_claim(text: str, expected: bool) -> None:
    assert select.may_hold_claim(text) is expected


def test_may_attribute_needs_a_cue_word() -> None:
    assert select.may_attribute("The monitor said the army shelled the town.")
    assert not select.may_attribute("Turkish air strikes killed 40 civilians in Afrin.")
