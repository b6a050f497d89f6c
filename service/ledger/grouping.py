"""The grouping rule: which casualty figures count the same dead, and so form a tally.

Two figures are **compatible** when all of these hold:

1. **One outcome**: killed, injured, executed, detained, missing, displaced
   are never pooled, and a combined figure ("killed or injured",
   "casualties") is an outcome of its own (`counted`).
2. **Compatible victims**: civilians, security forces and armed-group
   members are counted apart; "mixed" and "unspecified" both count people in
   general and go together ("5,000 Syrians" is not "2,000 security forces").
   A subgroup the evidence counts ("11 children", "109 of the dead were
   evacuees") is counted apart from the whole toll (`counted`).
3. **One place** (`places.compatible`): both Syria-wide, or in one
   governorate with at most one naming a place inside it (a town sits in its
   governorate: Khan Sheikhoun with Idlib, not with Saraqeb). A figure with
   no place: a cumulative toll is Syria-wide; an event takes the article's
   corpus `location` (FA-KES) as its governorate; otherwise its place is
   unknown, and it only meets other figures whose place is unknown.
4. **One time window** (`periods`): daily/event tolls and cumulative tolls
   never meet. Event windows must overlap and cover comparable lengths (the
   longer at most twice the shorter, or both at most two days: a day's toll
   is not a week's). Cumulative totals must start within
   `START_TOLERANCE_DAYS` of each other (or one start unknown) and be counted
   up to dates within `AS_OF_TOLERANCE_DAYS`. A window that could not be
   dated (no article date) only meets figures of the same article with the
   same period (or none).
A **tally** is a set of pairwise compatible figures (complete linkage, so
no chain of near neighbours drifts from one count to another). Figures are
taken in reading order; each joins the largest tally it is compatible with
in full, else opens a new one. A **view** gathers the tallies whose figures
share a place and window regardless of outcome and victims (single
linkage), so different counts of one period are read side by side: SANA's
2,000 security forces next to the UN's 5,000 Syrians.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from .figures import Figure
from .periods import Window
from .places import compatible as places_compatible

START_TOLERANCE_DAYS: Final = 120
AS_OF_TOLERANCE_DAYS: Final = 45
SHORT_EVENT_DAYS: Final = 2
LENGTH_RATIO: Final = 2.0


def windows_compatible(a: Figure, b: Figure) -> bool:
    """Rule 4 of the module docstring."""
    wa, wb = a.window, b.window
    if wa.kind != wb.kind:
        return False
    if not (wa.dated and wb.dated):
        same_period = wa.label == wb.label or not wa.label or not wb.label
        return a.doc_id == b.doc_id and not wa.dated and not wb.dated and same_period
    if wa.kind == "event":
        return _events_meet(wa, wb)
    return _totals_meet(wa, wb)


def _events_meet(a: Window, b: Window) -> bool:
    assert a.lo and a.hi and b.lo and b.hi
    overlap = a.lo <= b.hi and b.lo <= a.hi
    longer, shorter = max(a.span, b.span), min(a.span, b.span)
    return overlap and (longer <= SHORT_EVENT_DAYS or longer <= LENGTH_RATIO * shorter)


def _totals_meet(a: Window, b: Window) -> bool:
    assert a.hi and b.hi
    if a.lo is not None and b.lo is not None and abs((a.lo - b.lo).days) > START_TOLERANCE_DAYS:
        return False
    return abs((a.hi - b.hi).days) <= AS_OF_TOLERANCE_DAYS


def same_context(a: Figure, b: Figure) -> bool:
    """Same place and window (rules 3 and 4): what a view shares."""
    return places_compatible(a.place, b.place) and windows_compatible(a, b)


def compatible(a: Figure, b: Figure) -> bool:
    """All four rules: the two figures may count the same dead."""
    same_count = a.outcome_class == b.outcome_class and a.victim_class == b.victim_class
    return same_count and same_context(a, b)


def cluster(figures: Sequence[Figure]) -> list[list[Figure]]:
    """Tallies by complete linkage, figures taken in order (see the module docstring)."""
    tallies: list[list[Figure]] = []
    for fig in figures:
        fits = [t for t in tallies if all(compatible(fig, member) for member in t)]
        if fits:
            max(fits, key=len).append(fig)  # max keeps the first of equal size
        else:
            tallies.append([fig])
    return tallies


def views(tallies: Sequence[Sequence[Figure]]) -> list[int]:
    """For each tally, the index of its view (single linkage on `same_context`)."""
    parent = list(range(len(tallies)))
    for i in range(len(tallies)):
        for j in range(i + 1, len(tallies)):
            if _root(parent, i) != _root(parent, j) and _touch(tallies[i], tallies[j]):
                parent[_root(parent, j)] = _root(parent, i)
    roots: dict[int, int] = {}
    return [roots.setdefault(_root(parent, i), len(roots)) for i in range(len(tallies))]


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _touch(a: Sequence[Figure], b: Sequence[Figure]) -> bool:
    return any(same_context(x, y) for x in a for y in b)


def reason(members: Sequence[Figure]) -> str:
    """One line: what is counted, where, when, and the readings the grouping rests on."""
    first = members[0]
    docs = len({m.doc_id for m in members})
    what = f"{first.outcome_class} {first.victim_class}"
    places = sorted({m.place.label for m in members})
    windows = sorted({m.window.describe() for m in members})
    notes = sorted({m.place.note for m in members if m.place.note})[:3]
    notes += sorted({m.window.note for m in members})[:3]
    head = f"{what}; place {' ~ '.join(places)}; window {' ~ '.join(windows[:3])}"
    if len(members) == 1:
        return f"alone: no other figure shares outcome, victims, place and window ({head})"
    return f"{len(members)} figures from {docs} document(s): {head}; read as: {'; '.join(notes)}"
