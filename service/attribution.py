"""Name each source in the most specific form the article gives anywhere.

The guide wants "Syrian Observatory for Human Rights", not "the observatory"
or "a monitor", and a model that reads one sentence at a time only sees the
short form. Code finds the long form: the longest capitalised name in the
article that contains the short form's head word, or, for the generic words
reporters use for war monitors, the monitor the article names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

_NAME = re.compile(
    r"\b(?:[A-Z][\w'’-]*)(?:[ \t]+(?:of|for|the|and|on|al-|el-|de)?[ \t]*[A-Z][\w'’-]*){1,7}"
)
_WORD = re.compile(r"\w+")
_DATES = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sep|Sept|Oct|Nov|Dec)\b"
)
_GENERIC_LEAD = re.compile(
    r"^(?:the|a|an|its|his|her|their|this|that|britain-based|uk-based|london-based|"
    r"coventry-based|us-based|syrian|local|main|official|opposition)\s+",
    re.IGNORECASE,
)
# What reporters call a monitor without naming it, and the names to look for.
_MONITOR_WORDS = frozenset(
    "monitor monitors monitoring observatory watchdog".split()  # noqa: SIM905
)
_MONITORS = (
    "Syrian Observatory for Human Rights",
    "Syrian Network for Human Rights",
    "Violations Documentation Center",
)


@lru_cache(maxsize=64)
def names_in(text: str) -> tuple[str, ...]:
    """Capitalised multi-word names in the text, longest first."""
    found = set()
    for match in _NAME.finditer(text):
        name = re.sub(r"^(?:(?:The|A|An)\s+)?(?:[\w'’]+-based\s+)?", "", match.group(0)).strip(" .")
        if len(name.split()) > 1:
            found.add(name)
    return tuple(sorted(found, key=lambda n: (-len(n.split()), n)))


@dataclass(frozen=True)
class _Index:
    """An article's names, looked up by word, and the monitors it names: built once.

    `canonical` runs for every mention; scanning every name (and the whole
    article, for monitors) each time made long articles quadratic. The index
    only narrows the names to try: each is still checked as before, in the
    same order, so the answers do not change.
    """

    names: tuple[str, ...]
    by_last_word: dict[str, list[int]]
    by_word: dict[str, list[int]]
    monitors: tuple[str, ...]

    def ending_in(self, word: str | None) -> list[str]:
        if word is None:
            return list(self.names)
        return [self.names[i] for i in self.by_last_word.get(word, [])]

    def with_word(self, word: str | None) -> list[str]:
        if word is None:
            return list(self.names)
        return [self.names[i] for i in self.by_word.get(word, [])]


@lru_cache(maxsize=64)
def _index(article: str) -> _Index:
    names = names_in(article)
    by_last_word: dict[str, list[int]] = defaultdict(list)
    by_word: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        words = _WORD.findall(name.lower())
        if words:
            by_last_word[words[-1]].append(i)
        for word in dict.fromkeys(words):
            by_word[word].append(i)
    lowered = article.lower()
    monitors = tuple(m for m in _MONITORS if m.lower() in lowered)
    return _Index(names, dict(by_last_word), dict(by_word), monitors)


def _last_word(text: str) -> str | None:
    words = _WORD.findall(text)
    return words[-1] if words else None


def _first_word(text: str) -> str | None:
    words = _WORD.findall(text)
    return words[0] if words else None


def _head(name: str) -> str:
    words = re.findall(r"[\w'’-]+", _GENERIC_LEAD.sub("", name.strip()).lower())
    return words[-1] if words else ""


@lru_cache(maxsize=4096)
def canonical(name: str | None, article: str) -> str | None:
    """The most specific form of `name` the article gives (or `name` itself)."""
    if not name:
        return name
    base = name.strip()
    lowered = base.lower()
    index = _index(article)
    # A proper name grows only to the left ("Erdogan" -> "Tayyip Erdogan"), never
    # into what a title-case headline runs on with ("AFP" -> "AFP Friday").
    ending = re.compile(rf"\b{re.escape(lowered)}$")
    longer = [
        n
        for n in index.ending_in(_last_word(lowered))
        if len(n) > len(base) and ending.search(n.lower()) and not _DATES.search(n)
    ]
    if longer:
        return longer[0]
    head = _head(base)
    if not head or len(head) < 4:
        return base
    monitorish = head in _MONITOR_WORDS or any(w in _MONITOR_WORDS for w in lowered.split())
    if (monitorish or "rights group" in lowered) and index.monitors:
        return index.monitors[0]
    if base[:1].isupper():
        return base  # a proper name: only the leftward growth above applies
    for candidate in index.with_word(_first_word(head)):
        if re.search(rf"\b{re.escape(head)}\b", candidate.lower()) and not _DATES.search(candidate):
            return candidate
    return base
