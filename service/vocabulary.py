"""The domain vocabulary: one home for the words claimtrace reads news by.

Cue words (how attribution is said), harm words (what happened to people),
number words, qualifiers, victim nouns and hedges. The parse rules, the
sentence filter, grounding and the prompts all read these lists, so a word
added here is seen everywhere at once.
"""

from __future__ import annotations

import re
from typing import Final

# --- attribution -------------------------------------------------------------

# Verb lemmas that attribute content to a subject ("X said ...").
CUE_VERBS: Final = frozenset(
    """say tell report claim announce accuse deny warn urge condemn believe document add
    state confirm allege blame insist estimate note stress demand vow threaten affirm
    assert explain reveal acknowledge admit argue dismiss reject assure pledge promise
    appeal decry slam criticize criticise quote cite charge maintain reiterate declare
    disclose indicate describe predict fear suspect think write show record mention
    commend label comment point read call praise welcome""".split()  # noqa: SIM905
)
# Cue lemmas that only attribute with a content clause ("show that", "think that").
WEAK_CUE_VERBS: Final = frozenset("indicate describe show record write think fear".split())  # noqa: SIM905
# Nouns that carry an attribution as subject or in "in a statement".
CUE_NOUNS: Final = frozenset(
    "statement report reports communique release announcement".split()  # noqa: SIM905
)
# Nouns that carry someone's count: "the latest figures provided by the UN" are the UN's.
ISSUED_NOUNS: Final = CUE_NOUNS | frozenset(
    "figure data statistic estimate toll count tally".split()  # noqa: SIM905
)
# Cue verbs whose content is a judgement of blame.
BLAME_CUES: Final = frozenset("accuse blame allege charge condemn decry slam".split())  # noqa: SIM905
DENIAL_CUES: Final = frozenset("deny dismiss reject".split())  # noqa: SIM905
POSITION_CUES: Final = frozenset(
    "urge warn demand vow threaten pledge promise appeal criticize criticise predict".split()  # noqa: SIM905
)
# Words in the content that make it a claim of responsibility.
RESPONSIBILITY_WORDS: Final = re.compile(
    r"\b(?:responsib\w*|behind|carried out|blam\w*|accus\w*|perpetrat\w*|culprit\w*|"
    r"fault|to blame|was done by|were done by)\b",
    re.IGNORECASE,
)
POSITION_WORDS: Final = re.compile(
    r"\b(?:will|would|should|must|ought|need(?:s|ed)? to|plan(?:s|ned)?|intend\w*|"
    r"ready to|seek\w*|aim\w*|hope\w*|want\w*|demand\w*|call(?:s|ed)? (?:for|on)|"
    r"condemn\w*|unacceptable|illegal|crime\w*|violat\w*|mistake|solution|"
    r"support\w*|oppos\w*|reject\w*|refus\w*)\b",
    re.IGNORECASE,
)
HEDGES: Final = re.compile(
    r"\b(?:reportedly|allegedly|believed|estimated|estimate|could|may|might|possibly|"
    r"probably|likely|preliminary|expected to|feared|unclear|unconfirmed|apparently|"
    r"it is thought|seem\w*)\b",
    re.IGNORECASE,
)

# Regexes over raw text, for the sentence filter and grounding.
CUE = re.compile(
    r"\b(?:says?|said|saying|tells?|told|report(?:s|ed|ing)?|according|claim(?:s|ed|ing)?|"
    r"announc\w*|accus\w*|den(?:y|ies|ied|ying)|warn\w*|urg\w*|condemn\w*|believ\w*|"
    r"document\w*|add(?:s|ed|ing)|stat(?:es|ed|ing)|confirm\w*|alleg\w*|blam\w*|call(?:s|ed|ing)|"
    r"insist\w*|estimat\w*|quot\w*|cit(?:es|ed|ing)|not(?:es|ed)|stress\w*|demand\w*|vow\w*|"
    r"threaten\w*|affirm\w*|assert\w*|explain\w*|describ\w*|reveal\w*|indicat\w*|acknowledg\w*|"
    r"admit\w*|argu\w*|recount\w*|dismiss\w*|reject\w*|expect\w*|consider\w*|assur\w*|"
    r"pledg\w*|promis\w*|appeal\w*|ask(?:s|ed|ing)|decri\w*|slam\w*|criticiz\w*|criticis\w*)\b",
    re.IGNORECASE,
)

# --- harm --------------------------------------------------------------------

HARM = re.compile(
    r"\b(?:kill\w*|dead|death\w*|die[sd]?|dying|injur\w*|wound\w*|hurt|execut\w*|detain\w*|"
    r"detention|arrest\w*|captur\w*|kidnap\w*|abduct\w*|missing|displac\w*|fled|flee\w*|"
    r"refugee\w*|toll|casualt\w*|bodies|martyr\w*|massacr\w*|slain|lives|jail\w*|imprison\w*|"
    r"behead\w*|shot|victims?|sl[ae]w|slay\w*)\b",
    re.IGNORECASE,
)
# Lemma -> outcome; the first harm word governing a figure decides its outcome.
OUTCOME_LEMMAS: Final[dict[str, str]] = {
    **dict.fromkeys(
        """kill die dead death toll slay slain martyr martyrdom massacre perish fatality
        life lose body shoot murder assassinate claim slew victim destroy eliminate
        neutralize neutralise liquidate""".split(),  # noqa: SIM905
        "killed",
    ),
    **dict.fromkeys("injure wound hurt injury casualty maim".split(), "injured"),  # noqa: SIM905
    **dict.fromkeys("execute execution behead hang".split(), "executed"),  # noqa: SIM905
    **dict.fromkeys(
        "detain arrest capture kidnap abduct detention jail imprison hold seize".split(),  # noqa: SIM905
        "detained",
    ),
    "missing": "missing",
    **dict.fromkeys("displace flee refugee evacuate uproot".split(), "displaced"),  # noqa: SIM905
}
# Words that only count as harm next to another harm word or a people noun.
WEAK_HARM: Final = frozenset("shoot claim hold seize life lose body".split())  # noqa: SIM905

# --- numbers -----------------------------------------------------------------

# Vague quantities, as the guide and its rulings convert them.
VAGUE_COUNTS: Final[dict[str, int]] = {
    "dozen": 12,
    "dozens": 24,
    "scores": 40,
    "score": 20,
    "hundreds": 200,
    "thousands": 2000,
    "millions": 2_000_000,
    "tens": 20,
}
NUMBER_WORDS: Final = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
    eighty ninety hundred thousand million""".split()  # noqa: SIM905
)
NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundreds?|thousands?|dozens?|scores|millions?)\b",
    re.IGNORECASE,
)
# Phrases before a figure, longest first, and the guide's qualifier for each.
QUALIFIERS: Final[tuple[tuple[str, str], ...]] = (
    ("no fewer than", "at_least"),
    ("no less than", "at_least"),
    ("not less than", "at_least"),
    ("at least", "at_least"),
    ("a minimum of", "at_least"),
    ("more than", "more_than"),
    ("over", "more_than"),
    ("upwards of", "more_than"),
    ("in excess of", "more_than"),
    ("as many as", "up_to"),
    ("up to", "up_to"),
    ("less than", "up_to"),
    ("fewer than", "up_to"),
    ("under", "up_to"),
    ("close to", "about"),
    ("nearly", "about"),
    ("almost", "about"),
    ("about", "about"),
    ("around", "about"),
    ("approximately", "about"),
    ("roughly", "about"),
    ("some", "about"),
    ("an estimated", "about"),
    ("estimated", "about"),
)

# --- victims -----------------------------------------------------------------

# Who was hit, by the noun that names them (the guide's own categories).
VICTIM_NOUNS: Final[tuple[tuple[str, str], ...]] = (
    (
        "civilians",
        r"civilians?|children|child|kids|women|students|schoolchildren|protesters|"
        r"demonstrators|pilgrims|worker\w*|volunteers|staff|families|doctors|medics|"
        r"journalists|refugees|residents|citizens|patients|teachers|babies|infants|"
        r"minors|girls|boys|villagers|passengers|christians|worshippers|mourners",
    ),
    (
        "security_forces",
        r"soldiers?|troops|servicemen|policem[ae]n|police|officers|guards|"
        r"personnel|army|regime forces|government forces|pro-government|security forces|"
        r"conscripts|officials|loyalists|shabiha|gendarmes",
    ),
    (
        "armed_group",
        r"rebels?|militants?|fighters?|jihadists?|terrorists?|gunmen|insurgents|"
        r"extremists|members|commanders|defectors|deserters|mercenaries|opposition|"
        r"daesh|isis|isil|nusra|kurds|mujahideen|militiam[ae]n|militias?|is fighters",
    ),
    ("unspecified", r"people|persons?|others|individuals|syrians|bodies|victims|lives|dead"),
)

# --- text that is not the article ---------------------------------------------

BOILERPLATE = re.compile(
    r"\b(?:subscribe|newsletter|click here|follow us|sign up|all rights reserved|"
    r"read more|more from)\b",
    re.IGNORECASE,
)

QUOTE_MARKS: Final = '"“”'
