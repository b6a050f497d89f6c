"""The extraction task as both peers see it: the guide's rules and three labelled articles.

One source of truth, so the peers differ only in how they run the model. The
three articles are the few-shot articles of claimtrace's `prompts/claims.md`
(FA-KES dev-pool articles outside every eval split), copied verbatim; no other
FA-KES article is used. Their labels are written to `evals/GUIDE.md` in the
gold format (full evidence clauses, guide rulings applied), not copied from
claimtrace's lean model answers, so the peers are shown what gold looks like.
"""

from __future__ import annotations

from typing import Any

from claimtrace.schema import Claim

RULES = """\
Extract every claim in the news article about the war in Syria, in order of appearance.

A claim is one of two things:
1. A casualty figure: a number of people killed, injured, executed, detained, missing or displaced, attributed to a source or stated by the article itself. One claim per number: "27 civilians and 34 soldiers were killed" gives two claims, and a total and its breakdown ("including 10 children") are separate claims. A figure repeated later by the same source is recorded once. Skip a headline that only restates a figure of the body. A single person named without a number ("a photographer was injured") is not a figure.
2. An attributed statement: a source said, reported, claimed, announced, accused, denied, warned, urged, condemned, believes or documented something, or something is "according to" a source. One claim per cue; an attribution inside a quotation is its own claim, credited to the inner source. An outlet carrying a speaker ("the agency cited the ministry as saying") gives one claim, under the speaker.
Do not record the journalist's own narration without a figure, bylines, photo captions, links or appeals.

The evidence of a claim is the shortest span of the article that states the claim's content, copied character for character, without the cue and the source: for a figure, the clause that holds the number and says who was hit."""

FIELDS = """\
- kind: "casualty" (a figure of people hit), "responsibility" (who did it: blame, accusation, denial), "event" (something happened), "position" (opinion, demand, intention, threat, policy) or "other".
- source name: who the claim is attributed to, in the most specific form found anywhere in the article ("Syrian Observatory for Human Rights", not "the monitor"); null when the article itself asserts it.
- source type: "government" (officials, ministries, presidents, police), "military" (a state's armed forces and their spokesmen), "state_media" (SANA, state TV), "armed_group" (rebels, militias, IS statements), "intl_org" (UN bodies, ICRC), "ngo" (monitors such as SOHR, rights groups, White Helmets), "activist" (activists, opposition bodies), "media" (a news outlet cited as source), "witness" (residents, doctors, rescuers on the ground), "expert" (analysts), "anonymous" (unnamed sources) or "author" (exactly when the source name is null).
- cue: the attribution word or phrase copied from the sentence ("said", "reported", "according to"), or null.
- mode: "direct" (the whole evidence stands inside quotation marks), "indirect" (reported speech) or "unattributed" (exactly when the source type is "author").
- certainty: "asserted", "hedged" (reportedly, believed, estimated, could, unclear) or "denied".
- count (casualty only): the number as an integer ("2,000" is 2000, "a dozen" 12, "dozens" 24, "scores" 40, "hundreds" 200, "thousands" 2000; a range gives its lower bound).
- qualifier (casualty only): "exact", "at_least" (at least), "more_than" (more than, over), "about" (about, around, nearly, some, estimated) or "up_to" (up to, as many as, less than).
- outcome (casualty only): "killed", "injured", "executed", "detained", "missing" or "displaced".
- victims (casualty only): "civilians" (also protesters, children, women), "security_forces" (army, police, soldiers, regime forces), "armed_group" (rebels, militants, fighters, deserters, jihadists), "mixed" (one number the article splits into several groups) or "unspecified" (people).
- location (casualty only): the most specific place named for the figure, copied from the article, or null.
- period (casualty only): the time span of the figure copied from the article ("past 24 hours", "Sunday"), or null."""


def statement(name: str | None, cue: str | None, evidence: str) -> str:
    """The guide's statement, built simply: `Source cue: evidence.` (it is not scored strictly)."""
    body = evidence.strip().rstrip(".")
    body = body[:1].upper() + body[1:]
    if name is None:
        return f"{body}."
    return f"{name} {cue or 'said'}: {body}."


SOHR = "Syrian Observatory for Human Rights"
RMOD = "Russian defence ministry"


def _claim(
    evidence: str,
    name: str | None,
    type_: str,
    cue: str | None,
    kind: str,
    certainty: str = "asserted",
    casualty: tuple[int, str, str, str, str | None, str | None] | None = None,
) -> dict[str, Any]:
    """A gold-format claim; mode follows from the source (no quotations in these articles)."""
    fields = ("count", "qualifier", "outcome", "victims", "location", "period")
    return {
        "evidence": evidence,
        "statement": statement(name, cue, evidence),
        "source": {"name": name, "type": type_},
        "cue": cue,
        "mode": "unattributed" if type_ == "author" else "indirect",
        "kind": kind,
        "certainty": certainty,
        "casualty": dict(zip(fields, casualty, strict=True)) if casualty else None,
    }


EXAMPLES: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "Blast at Syria-Turkey border kills 20 rebels Monitor AFP Thursday 6 Oct 2016 At least 20 Syrian rebels were killed in a blast at a border crossing with Turkey on Thursday the Syrian Observatory for Human Rights said.\n"
        "The Britain-based monitoring group said it was unclear what caused the blast at the Atme crossing between Turkey and the northern Syrian province of Idlib adding that around 20 people had also been wounded.",
        [
            _claim(
                "At least 20 Syrian rebels were killed in a blast at a border crossing with Turkey",
                SOHR, "ngo", "said", "casualty",
                casualty=(20, "at_least", "killed", "armed_group", "Atme crossing", "Thursday"),
            ),
            _claim(
                "it was unclear what caused the blast at the Atme crossing",
                SOHR, "ngo", "said", "responsibility", certainty="hedged",
            ),
            _claim(
                "around 20 people had also been wounded",
                SOHR, "ngo", "adding", "casualty",
                casualty=(20, "about", "injured", "unspecified", "Atme crossing", "Thursday"),
            ),
        ],
    ),
    (
        "Published October 4 2014 At least 35 ISIS militants were killed in air strikes by the US-led coalition overnight in northern and northeastern Syria a monitor said on Saturday.\n"
        "The Syrian Observatory for Human Rights said 30 militants were killed around the town of Shadadi in northeastern Hasakeh and another five outside the embattled town of Kobane on the border with Turkey in northern Aleppo province.",
        [
            _claim(
                "At least 35 ISIS militants were killed in air strikes by the US-led coalition overnight in northern and northeastern Syria",
                SOHR, "ngo", "said", "casualty",
                casualty=(35, "at_least", "killed", "armed_group", "northern and northeastern Syria", "overnight"),
            ),
            _claim(
                "30 militants were killed around the town of Shadadi in northeastern Hasakeh",
                SOHR, "ngo", "said", "casualty",
                casualty=(30, "exact", "killed", "armed_group", "Shadadi", "overnight"),
            ),
            _claim(
                "another five outside the embattled town of Kobane",
                SOHR, "ngo", "said", "casualty",
                casualty=(5, "exact", "killed", "armed_group", "Kobane", "overnight"),
            ),
        ],
    ),
    (
        "Thu Oct 5 2017 Russia says kills 7 Nusra Front field commanders in Syria air strike.\n"
        "A Russian air strike killed 49 Nusra Front militants including seven of its field commanders in Syrias Idlib province Russias Rossiya 24 state television channel cited the Russian defence ministry as saying on Thursday.\n"
        "REUTERS- Nusra Front severed ties with al Qaeda last year and rebranded to head the Hayat Tahrir al-Sham alliance.\n"
        "Russia said on Wednesday it had critically injured a leader of the Tahrir al-Sham militant group Abu Mohamad al-Golani with an air strike in Syria that also killed 12 of his field commanders.\n"
        "Golani is now in a coma Russian news agencies cited Russias defence ministry as saying on Thursday.",
        [
            _claim(
                "A Russian air strike killed 49 Nusra Front militants",
                RMOD, "government", "as saying", "casualty",
                casualty=(49, "exact", "killed", "armed_group", "Idlib province", None),
            ),
            _claim(
                "seven of its field commanders",
                RMOD, "government", "as saying", "casualty",
                casualty=(7, "exact", "killed", "armed_group", "Idlib province", None),
            ),
            _claim(
                "it had critically injured a leader of the Tahrir al-Sham militant group Abu Mohamad al-Golani",
                "Russia", "government", "said", "event",
            ),
            _claim(
                "an air strike in Syria that also killed 12 of his field commanders",
                "Russia", "government", "said", "casualty",
                casualty=(12, "exact", "killed", "armed_group", "Syria", None),
            ),
            _claim("Golani is now in a coma", RMOD, "government", "as saying", "event"),
        ],
    ),
]  # fmt: skip


def check_examples() -> None:
    """Examples are held to the guide like gold: valid claims, evidence verbatim in the article."""
    for text, claims in EXAMPLES:
        for claim in claims:
            Claim.model_validate(claim)
            if claim["evidence"] not in text:
                raise AssertionError(f"example evidence not in its article: {claim['evidence']!r}")


check_examples()
