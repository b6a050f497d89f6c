"""Name each source in the most specific form the article gives anywhere.

The guide wants "Syrian Observatory for Human Rights", not "the observatory"
or "a monitor", and a model that reads one sentence at a time only sees the
short form. Code finds the long form: the longest capitalised name in the
article that contains the short form's head word, or, for the generic words
reporters use for war monitors, the monitor the article names.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NAME = re.compile(
    r"\b(?:[A-Z][\w'’-]*)(?:[ \t]+(?:of|for|the|and|on|al-|el-|de)?[ \t]*[A-Z][\w'’-]*){1,7}"
)
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


def _head(name: str) -> str:
    words = re.findall(r"[\w'’-]+", _GENERIC_LEAD.sub("", name.strip()).lower())
    return words[-1] if words else ""


def canonical(name: str | None, article: str) -> str | None:
    """The most specific form of `name` the article gives (or `name` itself)."""
    if not name:
        return name
    base = name.strip()
    lowered = base.lower()
    # A proper name grows only to the left ("Erdogan" -> "Tayyip Erdogan"), never
    # into what a title-case headline runs on with ("AFP" -> "AFP Friday").
    ending = re.compile(rf"\b{re.escape(lowered)}$")
    longer = [
        n
        for n in names_in(article)
        if len(n) > len(base) and ending.search(n.lower()) and not _DATES.search(n)
    ]
    if longer:
        return longer[0]
    head = _head(base)
    if not head or len(head) < 4:
        return base
    monitorish = head in _MONITOR_WORDS or any(w in _MONITOR_WORDS for w in lowered.split())
    if monitorish or "rights group" in lowered:
        for monitor in _MONITORS:
            if monitor.lower() in article.lower():
                return monitor
    if base[:1].isupper():
        return base  # a proper name: only the leftward growth above applies
    for candidate in names_in(article):
        if re.search(rf"\b{re.escape(head)}\b", candidate.lower()) and not _DATES.search(candidate):
            return candidate
    return base
