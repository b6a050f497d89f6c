"""Shape a claim's evidence span to the guide: the clause, without the attribution.

The guide's evidence is the shortest verbatim span that states the claim:
for a figure, the clause that holds the number and says who was hit; for a
statement, the reported content without its "X said (that)". These helpers
find a written figure, cut a sentence into clauses, and strip the
attribution; `sentence` and `article` strategies use them on the model's
quotes, the parse strategy on its candidates.
"""

from __future__ import annotations

import re

from .sentences import Sentence
from .vocabulary import VICTIM_NOUNS

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
