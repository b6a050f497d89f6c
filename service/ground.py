"""Ground what the model said in the article's own characters.

Two jobs. `locate` finds a string the model wrote (a cue, a place, a period,
or evidence from an endpoint that copies it) in the text: exactly, then after
normalising whitespace, quotes, dashes and case, then fuzzily above a
threshold; offsets always index the original text. `evidence_span` turns a
sentence pointer into the claim's evidence: the clause that holds the figure,
or the reported content without its attribution ("X said that ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from .schema import Grounding
from .sentences import Sentence
from .vocabulary import VICTIM_NOUNS

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


# --- evidence from a sentence pointer ---------------------------------------

_UNITS = """zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen""".split()  # noqa: SIM905
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_VAGUE = {
    12: ("a dozen", "dozen"),
    24: ("dozens",),
    40: ("scores",),
    200: ("hundreds",),
    2000: ("thousands",),
    100: ("a hundred", "hundred"),
    1000: ("a thousand", "thousand"),
}


def count_patterns(count: int) -> list[str]:
    """Regexes for the ways an article may write `count`."""
    digits = f"{count:,}".replace(",", r"[,.\s]?")
    patterns = [rf"(?<![\d,.]){digits}(?![\d])"]
    if count < 20:
        patterns.append(rf"\b{_UNITS[count]}\b")
    elif count < 100:
        tens, unit = divmod(count, 10)
        word = _TENS[tens - 2] + (f"[-\\s]{_UNITS[unit]}" if unit else "")
        patterns.append(rf"\b{word}\b")
    if count == 1:
        patterns.append(r"\b(?:a|an)\s+(?:man|woman|child|girl|boy|person|civilian|soldier)\b")
    patterns.extend(rf"\b{re.escape(w)}\b" for w in _VAGUE.get(count, ()))
    return patterns


def find_count(text: str, count: int, lo: int, hi: int) -> int | None:
    """Offset of the first mention of `count` within text[lo:hi], if any."""
    best: int | None = None
    for pattern in count_patterns(count):
        match = re.compile(pattern, re.IGNORECASE).search(text, lo, hi)
        if match and (best is None or match.start() < best):
            best = match.start()
    return best


_NUMBER_WORD = "|".join(_UNITS[1:] + _TENS + ["dozens", "scores", "hundreds", "thousands"])
_CLAUSE_BREAK = re.compile(
    r"\s*[,;:][\"'”’]?\s+|\s+[-–—]+\s+|\s+(?=(?:and|while|but|as well as)\s+"
    r"(?:(?:killing|injuring|wounding|leaving|claiming)\s+)?(?:at least\s+|"
    r"more than\s+|about\s+|some\s+|nearly\s+|over\s+|another\s+)?(?:\d+|" + _NUMBER_WORD + r")\b)",
    re.IGNORECASE,
)


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        if match.start() > cursor:
            spans.append((cursor, match.start()))
        cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    return spans


def _find_word(text: str, span: tuple[int, int], needle: str | None) -> int:
    """Offset of `needle` (case-insensitive, whole words) in span, or -1."""
    if not needle:
        return -1
    match = re.compile(rf"\b{re.escape(needle)}\b", re.IGNORECASE).search(text, *span)
    return match.start() if match else -1


_LEADING_JOINT = re.compile(r"(?:and|while|but|as well as)\s+", re.IGNORECASE)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop edge whitespace, punctuation and quote marks."""
    edge = " \t\n\u00a0.,;:\"'“”‘’()-–—"
    while start < end and text[start] in edge:
        start += 1
    while end > start and text[end - 1] in edge:
        end -= 1
    joint = _LEADING_JOINT.match(text, start, end)
    if joint and joint.end() < end:
        start = joint.end()
    return start, end


def _words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def content(
    text: str, span: tuple[int, int], cue: str | None, keep_figure: int | None = None
) -> tuple[int, int]:
    """The reported content of `span` without its attribution.

    "X said (on Tuesday) (that|:) Y" gives Y; "Y, X said." gives Y;
    "According to X, Y" gives Y; with no cue the span is kept whole. With
    `keep_figure`, a cut that would lose that figure is not made.
    """
    cut = _content(text, span, cue)
    if keep_figure is not None and find_count(text, keep_figure, *cut) is None:
        return span
    return cut


def _content(text: str, span: tuple[int, int], cue: str | None) -> tuple[int, int]:
    start, end = span
    at = _find_word(text, span, cue)
    if at < 0 or not cue:
        return span
    after = at + len(cue)
    clauses = _clauses(text, start, end)
    cue_clause = next((c for c in clauses if c[0] <= at < c[1]), (start, end))
    if cue.lower().startswith("according to"):
        if _words(text, start, cue_clause[0]) >= 3:
            return start, cue_clause[0]  # "Y, according to X"
        return cue_clause[1], end  # "According to X, Y"
    lead = re.match(r"\s*(?:on\s+\w+\s+|in\s+a\s+statement\s+)?(?:that\b|:)?\s*", text[after:end])
    content_start = after + (lead.end() if lead else 0)
    introduced = bool(lead and lead.group(0).strip())  # "said that" / "said:"
    if _words(text, content_start, end) >= 3 and (introduced or _words(text, start, at) <= 12):
        return content_start, end
    if _words(text, start, cue_clause[0]) >= 3:
        return start, cue_clause[0]  # "Y, the observatory said"
    return span


def evidence_span(
    text: str, sentence: Sentence, count: int | None, cue: str | None
) -> tuple[int, int] | None:
    """The claim's evidence inside `sentence`: a figure's clause, or the reported content."""
    whole = (sentence.start, sentence.end)
    if count is not None:
        at = find_count(text, count, *whole)
        if at is None:
            return None
        clauses = _clauses(text, *whole)
        clause = next((c for c in clauses if c[0] <= at < c[1]), whole)
        return trim(text, *content(text, clause, cue, keep_figure=count))
    start, end = trim(text, *content(text, whole, cue))
    if _words(text, start, end) < 2:
        return trim(text, *whole)
    return start, end


def victims_after(text: str, at: int, end: int) -> str | None:
    """The victims category named within four words after the figure at `at`, if any."""
    tail = text[at:end].split()[1:6]
    window = " ".join(tail).lower()
    best: tuple[int, str] | None = None
    for category, nouns in VICTIM_NOUNS:
        match = re.search(rf"\b(?:{nouns})\b", window)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), category)
    return best[1] if best else None


def figure_clause(
    text: str, sentence: tuple[int, int], at: int, cue: str | None
) -> tuple[int, int]:
    """A figure's evidence: the clause of `sentence` holding offset `at`, less its attribution."""
    clauses = _clauses(text, *sentence)
    clause = next((c for c in clauses if c[0] <= at < c[1]), sentence)
    start, end = content(text, clause, cue)
    if not start <= at < end:
        start, end = clause
    return trim(text, start, end)
