"""Pick the sentences that can hold a claim, before any model sees them.

The guide records two things: attributed statements (a cue such as "said",
"according to", "accused") and casualty figures (a number of people hit). A
sentence with neither is narration and holds no claim, so it costs no model
call. The filter is deliberately generous: a sentence it keeps may still
hold nothing, and the model then answers with an empty list.
"""

from __future__ import annotations

from .sentences import Sentence
from .vocabulary import BOILERPLATE, CUE, HARM, NUMBER


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
