"""Split an article into sentences that keep their character offsets (`sentence`, `article`).

The split must be stable (the same text always gives the same units, for the
cache) and must never lose or move a character (evidence offsets index the
original text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt sgt cpl adm rev st sr jr no nos vs etc inc
    co corp ltd jan feb mar apr jun jul aug sep sept oct nov dec u.s u.n u.k e.g i.e
    approx est dept govt""".split()  # noqa: SIM905
)
# A boundary: terminal punctuation, optional closing quotes/brackets, whitespace,
# then something that can start a sentence.
BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class Sentence:
    """A sentence: its 1-based number and `text[start:end]`."""

    number: int
    start: int
    end: int
    text: str


_WORD_OR_DOT = re.compile(r"[\w.]")


def _last_word(text: str, cut: int) -> str | None:
    r"""The word that ends `text[:cut]` less its trailing dots, as `([\w.]+)\.?$` finds it.

    Read backwards from `cut`, so a boundary costs the length of its word:
    searching the whole prefix `text[:cut]` for every boundary made splitting quadratic.
    """
    end = cut
    while end > 0 and text[end - 1] == ".":
        end -= 1
    if end > 0 and text[end - 1] == "\n":
        end -= 1  # `$` also matches just before a final line break
    start = end
    while start > 0 and _WORD_OR_DOT.match(text, start - 1):
        start -= 1
    return text[start:end] if start < end else None


def _ends_with_abbreviation(text: str, cut: int) -> bool:
    """Whether the period at `cut` closes an abbreviation or an initial, not a sentence."""
    word = _last_word(text, cut)
    if word is None:
        return False
    token = word.lower().rstrip(".")
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    cursor = start
    for match in BOUNDARY.finditer(text, start, end):
        cut = match.end()
        if text[match.start()] == "." and _ends_with_abbreviation(text, match.start() + 1):
            continue
        spans.append((cursor, cut))
        cursor = cut
    spans.append((cursor, end))
    return spans


def segment(text: str) -> list[Sentence]:
    """Sentences of `text`, trimmed of surrounding whitespace, numbered from 1."""
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        for raw_start, raw_end in _split_line(text, line.start(), line.end()):
            chunk = text[raw_start:raw_end]
            stripped = chunk.strip()
            if not stripped:
                continue
            start = raw_start + (len(chunk) - len(chunk.lstrip()))
            end = start + len(stripped)
            sentences.append(Sentence(len(sentences) + 1, start, end, stripped))
    return sentences
