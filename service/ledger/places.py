"""Where a figure's dead are: normalised to Syria-wide, a governorate, or a place inside one.

Two figures can count the same dead only if their places can be the same:
both Syria-wide; or in one governorate with at most one of them naming a
place inside it (Khan Sheikhoun sits inside Idlib, so the two are
compatible; Khan Sheikhoun and Saraqeb, two towns the gazetteer knows, are
not). A place the gazetteer does not know ("Tokhar", "a village near the
city") keeps its own folded name and, when the article's corpus row gives a
location, is taken to lie in that governorate; it may then be any place of
it, so it meets the governorate's other places. Damascus and its
countryside (Rif Dimashq) are one area, since reports of the suburbs say
"Damascus". A region named by direction ("northern Syria") meets any
governorate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import fold, governorate_name, lookup

# words that say where in a place, not which place: dropped before comparing
_SUFFIXES = re.compile(
    r"\b(province|provinces|countryside|city|governorate|district|region|area|town|village|"
    r"villages|suburbs?|outskirts|neighbou?rhoods?|centre|center|downtown|down town|rural|"
    r"countryside of|province of|city of|town of|heart of|in|near|of|and its|its|"
    r"north|south|east|west|northern|southern|eastern|western|central|northwest|northeast|"
    r"southwest|southeast|northwestern|northeastern|southwestern|southeastern)\b"
)
# folded names of neighbouring countries: a place there is no Syrian governorate's
_ABROAD = re.compile(r"\b(turk\w*|lebanon|lebanese|jordan\w*|irak\w*|israel\w*|beirut|ankara)\b")
# folded words that, alone, mean the whole country ("across Syria", "nationwide")
_NATIONAL = frozenset(
    {"siria", "sirian", "acros", "al", "over", "throughout", "nationwide", "country", "whole",
     "entire", "in", "national", "arab", "republic"}
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    """A normalised place: Syria-wide, unknown, or (governorate, locality inside it)."""

    national: bool = False
    governorate: str | None = None  # key from the gazetteer
    locality: str | None = None  # folded name of a place inside the governorate
    label: str = "unknown"
    note: str = ""
    town: bool = False  # the locality is a gazetteer town, not a free description
    region: bool = False  # a part of Syria named by direction ("northern Syria")

    @property
    def unknown(self) -> bool:
        return not self.national and self.governorate is None and self.locality is None


NATIONAL = Place(national=True, label="Syria")
# the capital and its countryside are reported as one ("the outskirts of Damascus")
AREAS = {"rif-dimashq": "damascus"}
_OUTSKIRTS = re.compile(r"\b(suburbs?|outskirts|countryside|rural|rif|reef)\b")
UNKNOWN = Place()


def compatible(a: Place, b: Place) -> bool:
    """Whether two places can hold the same dead (see the module docstring)."""
    if a.national or b.national:
        return a.national and b.national
    if a.unknown or b.unknown:
        return a.unknown and b.unknown
    if a.region or b.region:
        return True  # "northern Syria" is too vague to tell apart from a governorate
    if a.governorate is None or b.governorate is None:
        return a.locality == b.locality  # a place of unknown governorate: only itself
    if AREAS.get(a.governorate, a.governorate) != AREAS.get(b.governorate, b.governorate):
        return False
    return not (a.town and b.town and a.locality != b.locality)  # two towns known apart


def parse_place(location: str | None, article_governorate: str | None = None) -> Place:
    """Normalise a figure's `location`; an unknown town falls in the article's governorate."""
    if location is None or not location.strip():
        return UNKNOWN
    found = lookup(location)
    if found == [("damascus", None)] and _OUTSKIRTS.search(location.lower()):
        found = [("rif-dimashq", None)]
    governorates = sorted({gov for gov, _ in found})
    if len(governorates) > 1:
        label = " + ".join(governorate_name(g) for g in governorates)
        return Place(locality=fold(label), label=label, note=f"'{location}' spans {label}")
    if governorates:
        gov = governorates[0]
        towns = sorted({town for _, town in found if town is not None})
        if not towns or len(towns) > 1:
            return Place(governorate=gov, label=governorate_name(gov))
        town = towns[0]
        return Place(
            governorate=gov,
            locality=fold(town),
            label=f"{town} ({governorate_name(gov)})",
            note=f"'{location}' lies in {governorate_name(gov)}",
            town=True,
        )
    folded = fold(location)
    if _ABROAD.search(folded):
        return Place(locality=folded, label=location.strip(), note=f"'{location}' is abroad")
    if set(folded.split()) <= _NATIONAL:
        return NATIONAL
    core = " ".join(_SUFFIXES.sub(" ", folded).split()) or folded
    if set(core.split()) <= _NATIONAL:  # "northern Syria"
        return Place(locality=core, label=location.strip(), region=True)
    if article_governorate is None:
        return Place(locality=core, label=location.strip())
    name = governorate_name(article_governorate)
    return Place(
        governorate=article_governorate,
        locality=core,
        label=f"{location.strip()} ({name})",
        note=f"'{location}' taken to lie in {name}, the article's corpus location",
    )


def governorate_of(location: str | None) -> str | None:
    """The governorate a corpus `location` cell names ("idlib", "hasakeh"), or None."""
    if not location:
        return None
    found = {gov for gov, _ in lookup(location)}
    return found.pop() if len(found) == 1 else None
