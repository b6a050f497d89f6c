"""Source types of frequent sources, and of the words that name the rest.

The guide types a source by who it is: SANA is state media, the Syrian
Observatory for Human Rights an NGO, a UN body an international
organisation. Known names are matched first, then the head words reporters
use ("minister", "activists", "residents"). A name neither list knows gets
no type from code; the model (or the rules' fallback) decides it.
"""

from __future__ import annotations

import re
from typing import Final

# Known sources and the words that type a mention, in the order they are tried:
# a specific name beats a generic head word ("SANA reporter" is state media).
_PATTERNS: Final[tuple[tuple[str, str], ...]] = (
    # rulings first: rescuers on the ground are witnesses; a defence ministry is government
    (
        "witness",
        r"civil defen[cs]e (?:official|member|worker|volunteer|rescuer|team)s?|"
        r"rescue workers?",
    ),
    ("government", r"defen[cs]e ministry|ministry of defen[cs]e|defense department"),
    ("ngo", r"rami abdel? ?rahman|rami abdul ?rahman|rami abdurrahman"),
    (
        "state_media",
        r"\bsana\b|syrian arab news agency|state (?:news|media|tv|television)|"
        r"syrian (?:tv|television)|al-ikhbariya|ikhbariya|state-run|official news agency|"
        r"\birna\b|ria novosti|\btass\b|sputnik|press tv|al-manar|al manar|\brt\b|rossiya",
    ),
    (
        "intl_org",
        r"\bun\b|\bu\.n\b|united nations|unicef|unhcr|\bwho\b|world health|"
        r"arab league|\bicc\b|\bicrc\b|red cross|\bifrc\b|security council|ocha|"
        r"human rights council|opcw|\bwfp\b|\bunrwa\b|de mistura|secretary-general|"
        r"ban ki-moon|guterres|\beu\b|european union|nato",
    ),
    (
        "ngo",
        r"observatory|\bsohr\b|\bsnhr\b|network for human rights|violations documentation|"
        r"\bvdc\b|white helmets|civil defen[cs]e|red crescent|\bsarc\b|\bmsf\b|"
        r"medecins sans|doctors without borders|amnesty|human rights watch|\bhrw\b|"
        r"insan|rights group|monitor|watchdog|charity|aid group|save the children|"
        r"syrian american medical|\bsams\b",
    ),
    (
        "armed_group",
        r"\bisis\b|\bisil\b|islamic state|daesh|nusra|al-qaeda|al qaeda|"
        r"free syrian army|\bfsa\b|ahrar|jaish|hayat tahrir|\bhts\b|hezbollah|\bypg\b|\bsdf\b|"
        r"syrian democratic forces|rebels?|militants?|fighters|insurgents|jihadists?|"
        r"militia|amaq|faylaq|brigade|taliban|hamas|kurdish forces",
    ),
    (
        "activist",
        r"activists?|opposition|coalition|coordination committees|\blcc\b|"
        r"revolution|national council|syrian national|general commission|etilaf|"
        r"local council|dissident",
    ),
    (
        "military",
        r"\barmy\b|military|armed forces|\bforces\b|troops|general command|"
        r"colonel|commander|pentagon|"
        r"centcom|coalition spokesman|air force|hmeimim|reconciliation cent",
    ),
    (
        "government",
        r"minist|government|president|prime minister|official|governor|"
        r"spokes(?:man|woman|person)|foreign|kremlin|white house|state department|"
        r"embassy|ambassador|envoy|authorities|police|interior|cabinet|parliament|"
        r"\bmp\b|senator|damascus|moscow|tehran|ankara|washington|putin|erdogan|assad|"
        r"lavrov|kerry|trump|obama|regime|administration|mayor|king|emir",
    ),
    (
        "media",
        r"reuters|\bafp\b|agence france|associated press|\bap\b|\bbbc\b|\bcnn\b|"
        r"al jazeera|al-jazeera|al arabiya|times|post|guardian|newspaper|daily|"
        r"correspondent|reporter|journalist|news agency|television|channel|\btv\b|"
        r"magazine|wire|anadolu|dpa|xinhua",
    ),
    (
        "witness",
        r"residents?|witness\w*|survivors?|doctors?|medics?|medical|nurses?|"
        r"hospital|rescuers?|paramedics?|villagers|locals|eyewitness|relatives|"
        r"father|mother|brother|neighbou?r",
    ),
    (
        "expert",
        r"analysts?|experts?|observers?|researchers?|professor|scholar|"
        r"think tank|institute|center for|centre for|specialist",
    ),
    (
        "anonymous",
        r"sources?\b|unnamed|anonymous|one official|an official|reports\b|"
        r"it was reported|it is reported",
    ),
)
_COMPILED: Final = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _PATTERNS)

# Entity labels that type a name when no word does.
_BY_LABEL: Final[dict[str, str]] = {"PERSON": "government", "NORP": "activist", "GPE": "government"}


def source_type(name: str, label: str = "") -> str | None:
    """The guide's type for a source name, or None when neither list knows it."""
    for kind, pattern in _COMPILED:
        if pattern.search(name):
            return kind
    return _BY_LABEL.get(label)
