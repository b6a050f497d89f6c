"""Pick the sentences that can hold a claim, before any model sees them.

The guide records two things: attributed statements (a cue such as "said",
"according to", "accused") and casualty figures (a number of people hit). A
sentence with neither is narration and holds no claim, so it costs no model
call. The filter is deliberately generous: a sentence it keeps may still
hold nothing, and the model then answers with an empty list.
"""

from __future__ import annotations

import re

from .sentences import Sentence

CUE = re.compile(
    r"\b(?:says?|said|saying|tells?|told|report(?:s|ed|ing)?|according|claim(?:s|ed|ing)?|"
    r"announc\w*|accus\w*|den(?:y|ies|ied|ying)|warn\w*|urg\w*|condemn\w*|believ\w*|"
    r"document\w*|add(?:s|ed|ing)|stat(?:es|ed|ing)|confirm\w*|alleg\w*|blam\w*|call(?:s|ed|ing)|"
    r"insist\w*|estimat\w*|quot\w*|cit(?:es|ed|ing)|not(?:es|ed)|stress\w*|demand\w*|vow\w*|"
    r"threaten\w*|affirm\w*|assert\w*|explain\w*|describ\w*|reveal\w*|indicat\w*|acknowledg\w*|"
    r"admit\w*|argu\w*|recount\w*|dismiss\w*|reject\w*|expect\w*|consider\w*|assur\w*|"
    r"pledg\w*|promis\w*|appeal\w*|ask(?:s|ed|ing)|decri\w*|slam\w*|criticiz\w*|criticis\w*)\b",
    re.IGNORECASE,
)
HARM = re.compile(
    r"\b(?:kill\w*|dead|death\w*|die[sd]?|dying|injur\w*|wound\w*|hurt|execut\w*|detain\w*|"
    r"detention|arrest\w*|captur\w*|kidnap\w*|abduct\w*|missing|displac\w*|fled|flee\w*|"
    r"refugee\w*|toll|casualt\w*|bodies|martyr\w*|massacr\w*|slain|lives|jail\w*|imprison\w*|"
    r"behead\w*|shot|victims?|sl[ae]w|slain|slay\w*)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundreds?|thousands?|dozens?|scores|millions?)\b",
    re.IGNORECASE,
)


BOILERPLATE = re.compile(
    r"\b(?:subscribe|newsletter|click here|follow us|sign up|all rights reserved|"
    r"read more|more from)\b",
    re.IGNORECASE,
)


def may_hold_claim(text: str) -> bool:
    """A cue of attribution, or a number next to a word for people being hit; no boilerplate."""
    if BOILERPLATE.search(text):
        return False
    return may_attribute(text) or bool(NUMBER.search(text) and HARM.search(text))


def may_attribute(text: str) -> bool:
    """Whether the sentence has any attribution cue word at all."""
    return bool(CUE.search(text))


def candidates(sentences: list[Sentence]) -> list[Sentence]:
    """The sentences worth asking the model about, in text order."""
    return [s for s in sentences if may_hold_claim(s.text)]
