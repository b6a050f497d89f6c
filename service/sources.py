"""Who each candidate is attributed to: the most specific name, and its type.

The parse gives a mention ("he", "the observatory", "the British-based
monitor", "Rami Abdel Rahman"). The guide wants the most specific form the
article gives anywhere. Code resolves what it reliably can: a pronoun to the
nearest earlier named speaker of a compatible kind, a generic mention to the
article's name that shares its head word or, for monitors, to the monitor
the article names. It also lists the article's named sources, so a model can
choose among them where code is unsure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from .attribution import canonical
from .candidates import Candidate, Mention
from .gazetteer import source_type

_PERSON_PRONOUNS = frozenset("he she him her his".split())  # noqa: SIM905
_GROUP_PRONOUNS = frozenset("they it we them its their".split())  # noqa: SIM905
_LEAD = re.compile(
    r"^(?:the|a|an|its|his|her|their|this|that|these|those)\s+|^[\w'’-]+-based\s+", re.IGNORECASE
)
ANONYMOUS = "unnamed sources"
_DOCUMENT_NOUNS = frozenset(
    "statement report reports communique release announcement it this there".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Resolved:
    """A source as the record will carry it."""

    name: str
    type: str | None  # None: neither the gazetteer nor the words know it
    sure: bool  # False where the model should choose


def named_sources(doc: Doc, candidates: list[Candidate]) -> list[str]:
    """The article's named sources, for the model's closed choice of canonical names."""
    names: list[str] = []
    for candidate in candidates:
        mention = candidate.mention
        if mention is None or mention.pronoun or _is_document_noun(mention):
            continue  # "the statement said" names a document, not who made it
        name = canonical(_clean(mention.text), doc.text) or ""
        if name and name not in names:
            names.append(name)
    return names


def attribute(doc: Doc, candidates: list[Candidate]) -> list[Resolved | None]:
    """Each candidate's source (None for a candidate with no cue: the author's)."""
    resolved: list[Resolved | None] = []
    history: list[tuple[Mention, Resolved]] = []
    for candidate in candidates:
        if candidate.cue is None:
            resolved.append(None)
            continue
        mention = candidate.mention
        if mention is None or _is_document_noun(mention):
            # "the statement said", "it was reported": the last named speaker's, if any
            result = (
                Resolved(history[-1][1].name, history[-1][1].type, sure=False)
                if history
                else Resolved(ANONYMOUS, "anonymous", sure=False)
            )
        elif mention.pronoun:
            result = _pronoun(mention, history)
        else:
            result = _named(mention, doc.text)
            history.append((mention, result))
        resolved.append(result)
    return resolved


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip(" ,.\"'“”")
    previous = None
    while previous != text:
        previous, text = text, _LEAD.sub("", text)
    return text


def _is_document_noun(mention: Mention) -> bool:
    return _clean(mention.text).lower() in _DOCUMENT_NOUNS


def _named(mention: Mention, article: str) -> Resolved:
    text = _clean(mention.text)
    name = canonical(text, article) or text
    if name == text and text[:1].islower():
        name = _named_with_head(text, article) or name
    if mention.label == "PERSON" or (name[:1].isupper() and source_type(name) is None):
        # A person is typed by the title the article gives them ("activist Yaarab Dali",
        # "Rami Abdel Rahman, head of the Observatory").
        kind = source_type(_title_of(name, article)) or source_type(name, mention.label)
    else:
        kind = source_type(name, mention.label) or source_type(text, mention.label)
    proper = mention.label in ("PERSON", "ORG", "GPE", "NORP") or text[:1].isupper()
    return Resolved(name, kind, sure=proper and kind is not None)


def _named_with_head(text: str, article: str) -> str | None:
    """ "the reporter" is the article's "SANA reporter", "the charity" its "QRCS charity"."""
    head = text.split()[-1]
    return _named_before(head, article) if len(head) >= 4 else None


@lru_cache(maxsize=1024)
def _named_before(head: str, article: str) -> str | None:
    """The longest capitalised name the article puts before `head`.

    Cached: a long article has thousands of mentions but few head words, and
    each search reads the whole article.
    """
    found = re.findall(rf"\b((?:[A-Z][\w'’-]*\s+){{1,4}}){re.escape(head)}\b", article)
    names = [f"{prefix.strip()} {head}" for prefix in found if not _LEAD.match(prefix)]
    return max(names, key=len) if names else None


@lru_cache(maxsize=1024)
def _title_of(name: str, article: str) -> str:
    """The words around a name's first mention: where its title or role stands."""
    at = article.find(name)
    if at < 0:
        return ""
    before = " ".join(article[max(0, at - 80) : at].split()[-5:])
    after = " ".join(article[at + len(name) : at + len(name) + 80].split()[:7])
    return f"{before} {after}"


def _pronoun(mention: Mention, history: list[tuple[Mention, Resolved]]) -> Resolved:
    """The nearest earlier named speaker a pronoun can refer to."""
    word = mention.text.lower()
    for earlier, result in reversed(history):
        person = earlier.label == "PERSON"
        if word in _PERSON_PRONOUNS and person:
            return Resolved(result.name, result.type, sure=True)
        if word in _GROUP_PRONOUNS and not person:
            return Resolved(result.name, result.type, sure=False)
    if history:
        return Resolved(history[-1][1].name, history[-1][1].type, sure=False)
    return Resolved(mention.text, None, sure=False)
