"""Evidence similarity (GUIDE section 4): token-overlap F1, lifted by containment.

Tokens are lower-cased word runs, `re.findall(r"\\w+", s.lower())`, compared as
multisets. F1 = 2 * common / (len(a) + len(b)). The containment share is
common / len(shorter); when it is at least 0.8 (the shorter span lies, all but
a few words, inside the longer one) the similarity is max(F1, share), so a
terse prediction inside a long gold span (or the reverse) still matches.
"""

from __future__ import annotations

import re
from collections import Counter

TOKEN_RE = re.compile(r"\w+")
CONTAINMENT = 0.8


def tokens(text: str) -> list[str]:
    """The one tokenisation used for matching: lower-cased `\\w+` runs."""
    return TOKEN_RE.findall(text.lower())


def _overlap(a: str, b: str) -> tuple[int, int, int]:
    """(common tokens as multisets, len(a), len(b))."""
    ta, tb = tokens(a), tokens(b)
    return sum((Counter(ta) & Counter(tb)).values()), len(ta), len(tb)


def overlap_f1(a: str, b: str) -> float:
    """Token-overlap F1 alone (0 when either has no tokens)."""
    common, la, lb = _overlap(a, b)
    return 2 * common / (la + lb) if common else 0.0


def similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two evidence strings; 0 when either has no tokens."""
    common, la, lb = _overlap(a, b)
    if not common:
        return 0.0
    f1 = 2 * common / (la + lb)
    share = common / min(la, lb)
    return max(f1, share) if share >= CONTAINMENT else f1
