"""Place normalisation: spellings, suffixes, towns inside governorates, no place."""

from __future__ import annotations

import pytest

from claimtrace.ledger.places import compatible, governorate_of, parse_place


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Deraa", "Daraa"),
        ("Homs", "Hims"),
        ("Aleppo", "Halab"),
        ("Idlib province", "Idleb"),
        ("Deir ez-Zor", "Deir al-Zour"),
        ("Deir Ezzor province", "Deir ez-Zor countryside"),
        ("Hasakeh", "Al-Hasakah"),
        ("Raqqa", "Rakka"),
        ("Hama", "Hamah"),
        ("Latakia", "Lattakia"),
        ("Sweida", "Suwayda"),
        ("Tartus", "Tartous"),
        ("the city of Quneitra", "Quneitra governorate"),
        ("Rif Dimashq", "Damascus countryside"),
    ],
)
def test_spellings_and_suffixes_are_one_governorate(a: str, b: str) -> None:
    pa, pb = parse_place(a), parse_place(b)
    assert pa.governorate == pb.governorate is not None
    assert compatible(pa, pb)


@pytest.mark.parametrize(
    ("town", "governorate"),
    [
        ("Douma", "rif-dimashq"),
        ("Eastern Ghouta", "rif-dimashq"),
        ("Khan Sheikhoun", "idlib"),
        ("Khan Sheikhun", "idlib"),
        ("Houla", "homs"),
        ("Hula", "homs"),
        ("Jisr al-Shughour", "idlib"),
        ("Kobane", "aleppo"),
        ("Palmyra", "homs"),
        ("Tadmur", "homs"),
    ],
)
def test_towns_sit_inside_their_governorate(town: str, governorate: str) -> None:
    place = parse_place(town)
    assert place.governorate == governorate and place.town
    assert compatible(place, parse_place(f"{governorate.replace('-', ' ')} province"))


def test_palmyra_and_tadmur_are_one_town() -> None:
    assert compatible(parse_place("Palmyra"), parse_place("Tadmur"))


def test_two_known_towns_and_two_governorates_are_apart() -> None:
    assert not compatible(parse_place("Khan Sheikhoun"), parse_place("Saraqeb"))
    assert not compatible(parse_place("Homs"), parse_place("Hama"))
    assert not compatible(parse_place("Douma"), parse_place("Idlib"))


def test_syria_wide_meets_only_syria_wide() -> None:
    assert parse_place("across Syria").national
    assert compatible(parse_place("Syria"), parse_place("across Syria"))
    assert not compatible(parse_place("Syria"), parse_place("Homs"))


def test_unknown_place_falls_in_the_articles_governorate() -> None:
    village = parse_place("Hardatnin village", "aleppo")
    tokhar = parse_place("Tokhar", "aleppo")
    assert tokhar.governorate == "aleppo" and not tokhar.town
    assert compatible(tokhar, parse_place("Manbij"))
    assert compatible(village, parse_place("Aleppo city"))


def test_no_place_only_meets_no_place() -> None:
    assert parse_place(None).unknown
    assert compatible(parse_place(None), parse_place(""))
    assert not compatible(parse_place(None), parse_place("Homs"))


def test_damascus_suburbs_are_rif_dimashq_and_meet_the_capital() -> None:
    assert parse_place("the outskirts of Damascus").governorate == "rif-dimashq"
    assert compatible(parse_place("Damascus"), parse_place("Douma"))


def test_corpus_location_cells() -> None:
    assert governorate_of("hasakeh") == "hasakah"
    assert governorate_of("lattakia") == "latakia"
    assert governorate_of("") is None
