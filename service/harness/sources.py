"""Is a predicted source the gold source? (GUIDE section 4, "Source correct").

Both `author`: correct; exactly one `author`: wrong. Otherwise the names are
normalised (lower-case; apostrophes and dots dropped so "U.N." is "un" and
"Assad's" is "assads"; other punctuation becomes a space; a leading "the"
dropped) and the pair is correct when one name contains the other as whole
words ("observatory" in "syrian observatory for human rights"), when a name
written as an acronym equals the other's acronym ("SOHR"), or when
rapidfuzz's token_set_ratio is at least 80. A missing name on a non-author
source is never correct.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from .records import Source

FUZZY_MIN = 80.0
_DROPPED = re.compile(r"['’.]")
_PUNCT = re.compile(r"[^\w\s]|_")
_WORD = re.compile(r"[^\W\d_]+")
_ACRONYM = re.compile(r"[A-Z]{2,10}")
_MINOR = frozenset({"the", "of", "for", "and", "on", "in", "a", "an", "to", "at", "by", "al", "el"})


def normalise_name(name: str) -> str:
    """Lower-case, punctuation-free, single-spaced, without a leading "the"."""
    text = _PUNCT.sub(" ", _DROPPED.sub("", name.lower()))
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def acronym(name: str) -> str:
    """Initials of the capitalised words (all significant words if none is capitalised)."""
    words = [w for w in _WORD.findall(name) if w.lower() not in _MINOR]
    capitalised = [w for w in words if w[0].isupper()]
    return "".join(w[0].upper() for w in (capitalised or words))


def as_acronym(name: str) -> str | None:
    """The name itself when it is written as an acronym ("SOHR", "U.N."), else None."""
    compact = _DROPPED.sub("", name).strip()
    return compact if _ACRONYM.fullmatch(compact) else None


def _contains(outer: str, inner: str) -> bool:
    return f" {inner} " in f" {outer} "


def names_match(a: str, b: str) -> bool:
    """Whether two non-author source names denote the same source."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return False
    if _contains(na, nb) or _contains(nb, na):
        return True
    short_a, short_b = as_acronym(a), as_acronym(b)
    if short_a is not None and short_a == acronym(b):
        return True
    if short_b is not None and short_b == acronym(a):
        return True
    return bool(fuzz.token_set_ratio(na, nb) >= FUZZY_MIN)


def source_correct(gold: Source, pred: Source) -> bool:
    """The L2 source test."""
    if gold.type == "author" or pred.type == "author":
        return gold.type == pred.type
    if not gold.name or not pred.name:
        return False
    return names_match(gold.name, pred.name)
