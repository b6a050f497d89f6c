"""What exactly a figure counts: its victim class, a named subgroup, a combined outcome.

The schema's `victims` says civilians, security forces, armed group or
people; the evidence often says more, and it matters for grouping:

* a **subgroup** named as the counted noun ("11 children", "30 of them
  children", "109 of the dead were evacuees") is part of a toll, never the
  toll itself, so it is counted apart from the whole ("160 civilians,
  mostly women and children" counts civilians: the noun after the number);
* a **combined** figure ("hundreds killed or injured", "dead and injured",
  "casualties") counts the dead and wounded together, so it is grouped only
  with other combined figures, never with pure killed or injured counts.
"""

from __future__ import annotations

import re
from typing import Final

# civilians, security forces and armed groups are counted apart; "mixed" and
# "unspecified" both count people in general ("70 people", "5,000 Syrians")
VICTIM_CLASSES: Final = {
    "civilians": "civilians",
    "security_forces": "security forces",
    "armed_group": "armed group members",
    "mixed": "people",
    "unspecified": "people",
}
SUBGROUPS: Final = {
    "children": "children", "child": "children", "kids": "children", "minors": "children",
    "boys": "children", "girls": "children", "babies": "children", "infants": "children",
    "women": "women", "evacuees": "evacuees", "workers": "aid workers",
    "volunteers": "aid workers", "rescuers": "aid workers", "journalists": "journalists",
    "doctors": "medics", "medics": "medics", "nurses": "medics", "students": "students",
    "pilgrims": "pilgrims", "refugees": "refugees", "prisoners": "prisoners",
}  # fmt: skip
_NUMBER_WORDS = (
    r"\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
    r"scores|hundreds|thousands|tens"
)
_COUNTED = re.compile(
    rf"\b(?:{_NUMBER_WORDS})\s+(?:more\s+|other\s+|of\s+(?:them|the\s+\w+|those\s+\w+)\s+"
    r"(?:were\s+|are\s+)?)?(?:\w+\s+)?(\w+)",
    re.IGNORECASE,
)
_COMBINED = re.compile(
    r"\b(?:killed|dead|died|deaths?)\s+(?:or|and)\s+(?:\w+\s+)?(?:injured|wounded|hurt)\b|"
    r"\b(?:injured|wounded)\s+(?:or|and)\s+(?:\w+\s+)?(?:killed|dead)\b|\bcasualties\b",
    re.IGNORECASE,
)


def subgroup(evidence: str) -> str | None:
    """The subgroup the figure counts ("children"), when its counted noun names one."""
    for match in _COUNTED.finditer(evidence):
        word = match.group(1).lower()
        if word in SUBGROUPS:
            return SUBGROUPS[word]
        before = match.group(0).split()[-2].lower() if len(match.group(0).split()) > 2 else ""
        if before in SUBGROUPS:  # "11 children under ..." read with one word too many
            return SUBGROUPS[before]
        return None  # the first counted noun decides
    return None


def outcome_class(outcome: str, evidence: str) -> str:
    """The outcome, or "killed or injured" for a combined figure."""
    if outcome in ("killed", "injured") and _COMBINED.search(evidence):
        return "killed or injured"
    return outcome


def victim_class(victims: str, evidence: str) -> str:
    """The victim class, narrowed to a subgroup when the evidence counts one."""
    group = subgroup(evidence)
    base = VICTIM_CLASSES.get(victims, victims)
    return f"{base}: {group}" if group else base
