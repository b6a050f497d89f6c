"""Align a string the model wrote with the article's own characters.

`locate` finds a quote, a cue, a place or a period in the text: exactly,
then after normalising whitespace, quotes, dashes and case, then fuzzily
above a threshold. Offsets always index the original text, so whatever is
located is grounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from .schema import Grounding

FUZZY_THRESHOLD = 88.0

_QUOTES = str.maketrans({c: '"' for c in "“”„‟″«»"} | {c: "'" for c in "‘’‚‛′`"})
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"})


@dataclass(frozen=True)
class Located:
    start: int
    end: int
    grounding: Grounding


def normalize(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index it came from.

    Whitespace runs (NBSP included) become one space, curly quotes and dashes
    become ASCII, case is folded; the map lets offsets return to the original.
    """
    chars: list[str] = []
    index: list[int] = []
    previous_space = False
    for i, char in enumerate(text.translate(_QUOTES).translate(_DASHES)):
        if char.isspace():
            if previous_space:
                continue
            char, previous_space = " ", True
        else:
            previous_space = False
        for folded in char.lower():
            chars.append(folded)
            index.append(i)
    return "".join(chars), index


def _find_near(haystack: str, needle: str, lo: int, hi: int) -> int:
    """First occurrence inside [lo, hi) when there is one, else first anywhere."""
    inside = haystack.find(needle, lo, hi)
    return inside if inside >= 0 else haystack.find(needle)


def locate(
    text: str,
    needle: str,
    near: tuple[int, int] | None = None,
    threshold: float = FUZZY_THRESHOLD,
) -> Located | None:
    """Where `needle` stands in `text`, preferring the window `near` for repeats."""
    needle = needle.strip()
    if not needle:
        return None
    lo, hi = near or (0, len(text))
    found = _find_near(text, needle, lo, hi)
    if found >= 0:
        return Located(found, found + len(needle), "exact")
    norm_text, index = normalize(text)
    norm_needle, _ = normalize(needle)
    norm_needle = norm_needle.strip()
    if not norm_needle or not norm_text:
        return None
    n_lo = next((k for k, i in enumerate(index) if i >= lo), len(index))
    n_hi = next((k for k, i in enumerate(index) if i >= hi), len(index))
    found = _find_near(norm_text, norm_needle, n_lo, n_hi)
    if found >= 0:
        return Located(index[found], index[found + len(norm_needle) - 1] + 1, "normalized")
    if len(norm_needle) < 4:
        return None
    for window_lo, window_hi in ((n_lo, n_hi), (0, len(norm_text))):
        window = norm_text[window_lo:window_hi]
        if not window:
            continue
        alignment = fuzz.partial_ratio_alignment(norm_needle, window, score_cutoff=threshold)
        if alignment is not None and alignment.dest_end > alignment.dest_start:
            start = index[window_lo + alignment.dest_start]
            end = index[window_lo + alignment.dest_end - 1] + 1
            start, end = snap_to_words(text, start, end)
            return Located(*_drop_foreign_edges(text, start, end, norm_needle), "fuzzy")
    return None


def _drop_foreign_edges(text: str, start: int, end: int, needle: str) -> tuple[int, int]:
    """Trim edge words of a fuzzy match that the needle does not contain."""
    wanted = set(re.findall(r"\w+", needle))
    stems = {w[:4] for w in wanted if len(w) >= 4}

    def ours(word: str) -> bool:  # the needle's word, or one sharing its stem ("forces")
        word = word.lower()
        return word in wanted or (len(word) >= 4 and word[:4] in stems)

    words = list(re.finditer(r"\w+", text[start:end]))
    lo, hi = 0, len(words)
    while lo < hi and not ours(words[lo].group()):
        lo += 1
    while hi > lo and not ours(words[hi - 1].group()):
        hi -= 1
    if lo >= hi:
        return start, end
    start, end = start + words[lo].start(), start + words[hi - 1].end()
    # the alignment may stop one word short of the needle's own edge words
    before = re.search(r"(\w+)\s+$", text[max(0, start - 40) : start])
    if before and before.group(1).lower() == needle.split()[0]:
        start -= len(before.group(0))
    after = re.match(r"\s+(\w+)", text[end : end + 40])
    if after and after.group(1).lower() == needle.split()[-1]:
        end += after.end()
    return start, end


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span so it neither starts nor ends inside a word."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def verbatim(
    text: str, value: str | None, near: tuple[int, int] | None = None, within: bool = False
) -> str | None:
    """`value` as the article spells it (cues, places, periods are verbatim fields).

    With `within`, only a match inside `near` counts (a cue must be in its sentence).
    """
    if value is None:
        return None
    found = locate(text, value, near)
    if found is None:
        return None
    if within and near and not (near[0] <= found.start and found.end <= near[1]):
        return None
    return text[found.start : found.end]
