"""Find every candidate claim in a parsed article, with no model.

Two kinds, as the guide defines claims:

* **Statements**: a cue (a speech verb with a subject, "according to X", a
  statement noun as subject) with its source mention and its content clause.
  Two cues on one subject give two candidates; a cue inside a quotation
  gives its own; a quotation that runs on over later sentences belongs to
  the cue that opened it.
* **Figures**: a number of people hit ("27 civilians were shot dead", "the
  death toll rose to 40", "dozens wounded"), with what code can read off the
  parse: count, qualifier, outcome, victims, place and period, and the cue
  whose content holds it.

Every span is a pair of offsets into the original text, so evidence is
grounded by construction. What the parse cannot decide (is it a claim, its
kind, the source's type) is left to `label` (rules) or `judge` (the model).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from spacy.tokens import Doc, Span, Token
from text_to_num import text2num

from . import evidence, parse
from .vocabulary import (
    BOILERPLATE,
    CUE_NOUNS,
    CUE_VERBS,
    ISSUED_NOUNS,
    NUMBER_WORDS,
    OUTCOME_LEMMAS,
    QUALIFIERS,
    QUOTE_MARKS,
    VAGUE_COUNTS,
    VICTIM_NOUNS,
    WEAK_CUE_VERBS,
    WEAK_HARM,
)

Kind = Literal["statement", "figure"]
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
# An entity type says a number is not a count of people only when its words agree:
# the small model calls "Sixty-two Syrian soldiers" a PERCENT.
_NOT_COUNTS = {
    "PERCENT": re.compile(r"%|per ?cent", re.I),
    "MONEY": re.compile(r"[$€£]|dollars?|euros?|pounds?|lira|rubles?", re.I),
    "ORDINAL": re.compile(r"."),
    "QUANTITY": re.compile(
        r"\b(?:km|kilomet|met(?:er|re)s?|miles?|tons?|kg|litres?|liters?)\b", re.I
    ),
    "DATE": re.compile(r"\b(?:1[89]|20)\d\d\b|year|month|week|day|ago|century|decade", re.I),
    "TIME": re.compile(r"\b(?:hours?|minutes?|a\.?m\.?|p\.?m\.?|o'clock|morning|night)\b|:", re.I),
}
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
_PERIOD_ENTS = frozenset({"DATE", "TIME"})
_AGE_BEFORE = re.compile(r"\b(?:aged?|ages?(?: of| below| under| between)?)\s+$", re.I)
# Matched at the offset after the number (`match(text, pos)`), not on a slice of the rest.
_AGE = re.compile(r"\s*-?\s*(?:year|month|week|day)s?\b|\s*(?:km|kilomet|mile|%|per ?cent)", re.I)


@dataclass(frozen=True)
class Mention:
    """Where a source is named in the text: the words, their offsets, their entity label."""

    text: str
    start: int
    end: int
    label: str = ""  # spaCy entity label (PERSON, ORG, ...) or ""
    pronoun: bool = False


@dataclass(frozen=True)
class Figure:
    """A casualty figure as code reads it."""

    count: int
    qualifier: str
    outcome: str
    victims: str
    location: str | None
    period: str | None
    number: tuple[int, int]  # offsets of the number itself


@dataclass
class Candidate:
    """One candidate claim: evidence offsets, and what the parse says of it."""

    kind: Kind
    start: int
    end: int
    sentence: int  # index of its sentence in the parse
    bounds: tuple[int, int]  # its sentence's offsets
    cue: str | None = None
    cue_span: tuple[int, int] | None = None
    cue_lemma: str | None = None
    mention: Mention | None = None
    figure: Figure | None = None
    negated: bool = False
    attributed_by: int | None = None  # index of the statement whose content holds a figure
    covered: bool = False  # a statement whose whole content is figures
    notes: list[str] = field(default_factory=list)


# --- public -------------------------------------------------------------------


def find(doc: Doc) -> list[Candidate]:
    """Every candidate claim in the parsed article, in text order."""
    found: list[Candidate] = []
    quote = _Quotation()
    for index, sent in enumerate(doc.sents):
        if BOILERPLATE.search(sent.text):
            continue
        statements = _statements(doc, sent, index)
        figures = _figures(doc, sent, index)
        quote.credit(sent, statements, figures)
        _attribute(statements, figures)
        for figure in figures:
            figure.start, figure.end = _figure_span(doc, figure)
        _cover(doc, statements, figures)
        found.extend(statements)
        found.extend(figures)
    found.sort(key=lambda c: (c.start, c.kind))
    return _dedupe(found)


class _Quotation:
    """A quotation that runs over several sentences belongs to its one cue.

    FA-KES writes both shapes: the cue first ('X said: "A. B."') and last
    ('"A. B. C" the representative said.'). Figures inside the quotation get
    the cue that opened it, or the one that closes it.
    """

    def __init__(self) -> None:
        self.inside = False  # a quotation is open at the start of the sentence
        self.cue: Candidate | None = None  # the statement that opened it
        self.waiting: list[Candidate] = []  # its figures while no cue is known yet

    def credit(self, sent: Span, statements: list[Candidate], figures: list[Candidate]) -> None:
        marks = sum(sent.text.count(m) for m in QUOTE_MARKS) % 2 == 1
        if self.inside and not statements:
            if self.cue is not None:
                for figure in figures:
                    _credit(figure, self.cue, "continued quotation")
            else:
                self.waiting.extend(figures)
        if self.inside and statements and marks and self.cue is None:
            for figure in self.waiting:  # closed by its cue: '... C" the source said.'
                _credit(figure, statements[0], "quotation closed by its cue")
        if not self.inside and marks:  # a quotation opens here
            self.cue = statements[-1] if statements else None
            self.waiting = [] if statements else list(figures)
        self.inside ^= marks
        if not self.inside:
            self.cue, self.waiting = None, []


# --- statements ---------------------------------------------------------------


def _statements(doc: Doc, sent: Span, index: int) -> list[Candidate]:
    found: list[Candidate] = []
    for token in sent:
        candidate = None
        if (
            token.lower_ == "according"
            and token.i + 1 < sent.end
            and doc[token.i + 1].lower_ == "to"
        ):
            candidate = _according(doc, sent, index, token)
        elif token.lemma_.lower() in CUE_VERBS and token.pos_ in ("VERB", "AUX"):
            candidate = _cue_verb(doc, sent, index, token)
        if candidate is not None:
            found.append(candidate)
    return found


def _subject(token: Token) -> Token | None:
    """The cue's subject: its own, a conjoined head's, or the quoted speaker's."""
    for child in token.children:
        if child.dep_ in _SUBJECTS:
            return child
    if token.dep_ == "conj":
        return _subject(token.head)
    if token.dep_ in ("pcomp", "advcl", "xcomp") and token.head.lemma_ in ("as", "quote", "cite"):
        quoting = token.head if token.head.lemma_ != "as" else token.head.head
        # "AP quoted SOHR as saying": the speaker is the one quoted, not the quoting outlet
        quoted = [c for c in quoting.children if c.dep_ == "dobj"]
        return quoted[0] if quoted else _subject(quoting)
    return None


def _cue_verb(doc: Doc, sent: Span, index: int, token: Token) -> Candidate | None:
    lemma = token.lemma_.lower()
    if lemma in ("quote", "cite") and any(c.lower_ in ("as", "saying") for c in token.subtree):
        return None  # "was quoted as saying": the candidate is "saying"
    subject = _subject(token)
    content = _content_tokens(token)
    if subject is None and lemma not in ("say", "report", "claim", "add"):
        return None
    if lemma in WEAK_CUE_VERBS and not any(c.dep_ == "ccomp" for c in token.children):
        return None
    if lemma == "point" and not any(c.lower_ == "out" for c in token.children):
        return None
    if lemma == "read" and (subject is None or subject.lemma_.lower() not in CUE_NOUNS):
        return None
    if lemma == "claim" and any(
        c.dep_ == "dobj" and (c.lemma_.lower() in ("life", "live", "death") or _has_number(c))
        for c in token.children
    ):
        return None  # "the fire has claimed 21 lives": harm, not attribution
    if subject is not None and not _may_speak(subject):
        subject = None  # "27 children were confirmed killed": the speaker is elsewhere
    span = _before_subject(doc, sent, token, subject) or _content_span(doc, sent, token, content)
    if span is None:
        return None
    candidate = _statement(
        doc,
        sent,
        index,
        span,
        _cue_words(doc, token),
        lemma,
        _mention(doc, subject) if subject is not None else None,
    )
    candidate.negated = any(c.dep_ == "neg" for c in token.children)
    return candidate


def _statement(
    doc: Doc,
    sent: Span,
    index: int,
    span: tuple[int, int],
    cue: tuple[int, int],
    lemma: str,
    mention: Mention | None,
) -> Candidate:
    """A statement candidate: its content span, cue and source mention."""
    return Candidate(
        kind="statement",
        start=span[0],
        end=span[1],
        sentence=index,
        bounds=(sent.start_char, sent.end_char),
        cue=doc.text[cue[0] : cue[1]],
        cue_span=cue,
        cue_lemma=lemma,
        mention=mention,
    )


_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_NAME_DEPS = frozenset(
    {"compound", "amod", "det", "poss", "case", "nmod", "flat", "punct", "npadvmod"}
)
# Heads of subjects that cannot be a speaker: what happened, or who was hit.
_NOT_SPEAKERS = frozenset(
    """attack fire bomb bombing strike airstrike raid shelling explosion blast clash fighting
    people child children civilian civilians fighter fighters soldier soldiers victim victims
    body bodies toll death deaths number figure casualty casualties it""".split()  # noqa: SIM905
)


def _has_number(token: Token) -> bool:
    return any(t.like_num or t.lower_ in VAGUE_COUNTS for t in token.subtree)


def _may_speak(subject: Token) -> bool:
    """Whether a cue's subject can be its speaker (not "dozens", "the attack", passive)."""
    if subject.dep_ == "nsubjpass" or _has_number(subject):
        return False
    return subject.lemma_.lower() not in _NOT_SPEAKERS


def _before_subject(
    doc: Doc, sent: Span, cue: Token, subject: Token | None
) -> tuple[int, int] | None:
    """The content before "X said" with no comma ("Y happened the monitor said").

    FA-KES strips commas, and the parser then leaves the clause before the
    speaker outside the cue's subtree. A clause (one with a finite verb) that
    stands before the subject, and does not belong to an earlier cue, is the content.
    """
    if subject is None or subject.i > cue.i:
        return None
    end = min(subject.left_edge.i, cue.i)
    quoting = cue.head.head if cue.head.lower_ == "as" else None
    if quoting is not None:  # "Y AP quoted SOHR as saying": Y ends before the outlet
        end = min(
            [end, quoting.i, *(c.left_edge.i for c in quoting.children if c.dep_ in _SUBJECTS)]
        )
    start = sent.start
    for token in doc[sent.start : end]:
        if token.lemma_.lower() in CUE_VERBS and token.pos_ == "VERB" and token.i != cue.i:
            start = token.i + 1  # an earlier cue's content runs up to here
    words = [t for t in doc[start:end] if t.is_alpha]
    if len(words) < 4 or not any(t.tag_ in _FINITE for t in doc[start:end]):
        return None
    if any(t.i in {c.i for c in cue.subtree} for t in doc[start:end] if t.dep_ == "ccomp"):
        return None  # the parser found "that"-content before the cue itself
    return _trimmed(doc, start, end)


def _cue_words(doc: Doc, token: Token) -> tuple[int, int]:
    """The cue as written: the verb, with "in a statement" or a particle when it follows,
    and "as" before "saying"."""
    start, end = token.idx, token.idx + len(token)
    if token.i > 0 and doc[token.i - 1].lower_ == "as" and token.lower_ == "saying":
        start = doc[token.i - 1].idx
    following = doc.text[end : end + 40]
    phrase = re.match(r"\s+(?:in a (?:statement|report)|out|up)\b", following, re.I)
    if phrase and token.lemma_ in ("say", "report", "add"):
        end += phrase.end()
    return start, end


def _content_tokens(token: Token) -> list[Token]:
    """The children of a cue verb that carry what was said."""
    picked = [c for c in token.children if c.dep_ in ("ccomp", "xcomp")]
    if picked:
        return picked
    if token.lemma_.lower() in ("accuse", "blame", "charge", "urge", "warn", "call", "condemn"):
        return [c for c in token.children if c.dep_ in ("dobj", "prep", "advcl", "oprd")]
    return [c for c in token.children if c.dep_ in ("dobj",) and c.pos_ != "PRON"]


def _content_span(doc: Doc, sent: Span, cue: Token, content: list[Token]) -> tuple[int, int] | None:
    """Offsets of the reported content, without the cue and its source."""
    if content:
        lo = min(t.left_edge.i for t in content)
        hi = max(t.right_edge.i for t in content) + 1
        return _trimmed(doc, lo, hi)
    # "Y, X said": the cue hangs off the content's verb (parataxis or ccomp of it),
    # or is the root with the content before it.
    own = {t.i for t in cue.subtree}
    if cue.dep_ in ("parataxis", "ccomp", "advcl", "conj") and cue.head.i < cue.i:
        lo = cue.head.left_edge.i
        hi = cue.left_edge.i
        return _trimmed(doc, lo, hi) if hi - lo >= 3 else None
    before = [t.i for t in sent if t.i < cue.left_edge.i and t.i not in own]
    if len(before) >= 4 and cue.dep_ == "ROOT":
        return _trimmed(doc, sent.start, cue.left_edge.i)
    return None


def _trimmed(doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
    """Token range to character span, without a leading "that"/"as" and edge punctuation."""
    while lo < hi and (doc[lo].is_punct or doc[lo].lower_ in ("that", "as", "and", "but")):
        lo += 1
    while hi > lo and doc[hi - 1].is_punct:
        hi -= 1
    if hi - lo < 2:
        return None
    start, end = doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1])
    return evidence.trim(doc.text, start, end)


def _according(doc: Doc, sent: Span, index: int, token: Token) -> Candidate | None:
    to = doc[token.i + 1]
    objects = [c for c in to.children if c.dep_ == "pobj"] or [
        c for c in token.children if c.dep_ == "pobj"
    ]
    if not objects:
        return None
    source = objects[0]
    phrase = {t.i for t in token.subtree} | {t.i for t in to.subtree} | {token.i}
    lo_phrase, hi_phrase = min(phrase), max(phrase) + 1
    # The content is the clause the phrase modifies, less the phrase.
    head = token.head if token.head.i != token.i else token
    clause_lo, clause_hi = head.left_edge.i, head.right_edge.i + 1
    if token.head.pos_ not in ("VERB", "AUX") or not (clause_lo <= token.i < clause_hi):
        clause_lo, clause_hi = sent.start, sent.end
    if lo_phrase - clause_lo >= hi_phrase - lo_phrase and lo_phrase - clause_lo >= 3:
        span = _trimmed(doc, clause_lo, lo_phrase)  # "Y, according to X"
    else:
        span = _trimmed(doc, hi_phrase, clause_hi)  # "According to X, Y"
    if span is None:
        return None
    cue = (token.idx, to.idx + len(to))
    return _statement(doc, sent, index, span, cue, "according to", _mention(doc, source))


def _issuer(noun: Token) -> Token | None:
    """Who issued a statement or a count: "from/by/of X", "X's", or "provided by X"."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
        if child.dep_ == "poss":
            return child
        if child.dep_ == "acl":  # "figures provided by the UN"
            for agent in (c for c in child.children if c.dep_ == "agent"):
                objects = [c for c in agent.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
    return None


def _mention(doc: Doc, head: Token) -> Mention:
    """The source's words: its entity when it is one, else its noun phrase."""
    if head.pos_ == "PRON":
        return Mention(head.text, head.idx, head.idx + len(head), "", pronoun=True)
    if head.ent_type_ and head.ent_iob_ in ("B", "I"):
        for ent in parse.ents_in(head.sent):
            if ent.start <= head.i < ent.end:
                return Mention(ent.text, ent.start_char, ent.end_char, ent.label_)
    # A statement noun as subject: its issuer ("a statement from the army", "the latest
    # figures provided by the UN") is the source.
    if head.lemma_.lower() in ISSUED_NOUNS:
        issuer = _issuer(head)
        if issuer is not None:
            return _mention(doc, issuer)
    # the contiguous modifiers just left of the head ("the UK-based Syrian Observatory")
    lo = head.i
    while (
        lo > head.sent.start
        and doc[lo - 1].dep_ in _NAME_DEPS
        and lo - 1 < doc[lo - 1].head.i <= head.i
    ):
        lo -= 1
    while lo < head.i and doc[lo].dep_ == "det":
        lo += 1
    span = doc[lo : head.i + 1]
    # keep "of X" for titles ("the head of the observatory")
    tail = [
        c
        for c in head.children
        if c.dep_ == "prep" and c.lower_ in ("of", "for", "in", "at", "from", "within")
    ]
    end_char = span.end_char
    if tail:
        end_char = tail[0].right_edge.idx + len(tail[0].right_edge)
    return Mention(doc.text[span.start_char : end_char], span.start_char, end_char, "")


# --- figures ------------------------------------------------------------------


def _number_value(tokens: list[Token]) -> int | None:
    """The integer a run of number tokens writes ("2,000", "Twenty-three", "dozens")."""
    words = " ".join(t.lower_ for t in tokens if t.text != "-").replace(" - ", " ")
    if len(tokens) == 1 and tokens[0].lower_ in VAGUE_COUNTS:
        return VAGUE_COUNTS[tokens[0].lower_]
    digits = words.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", digits):
        return int(float(digits))
    if re.fullmatch(r"\d+(?:\.\d+)? (?:thousand|million)", digits):
        value, unit = digits.split()
        return int(float(value) * (1000 if unit == "thousand" else 1_000_000))
    if all(w in NUMBER_WORDS or w in ("and", "a") for w in words.split()):
        try:
            return int(text2num(words.removeprefix("a ").replace("a ", ""), "en"))
        except ValueError:
            return None
    return None


def _number_run(token: Token) -> list[Token]:
    """The tokens of one written number around `token` ("Twenty - three", "2.5 million")."""
    doc = token.doc
    lo = hi = token.i
    while lo > token.sent.start and (
        doc[lo - 1].like_num or (doc[lo - 1].text == "-" and doc[lo - 2].like_num)
    ):
        lo -= 1
    while hi + 1 < token.sent.end and (
        doc[hi + 1].like_num
        or doc[hi + 1].lower_ in ("thousand", "million", "hundred")
        or (doc[hi + 1].text == "-" and hi + 2 < token.sent.end and doc[hi + 2].like_num)
    ):
        hi += 1
    return list(doc[lo : hi + 1])


def _is_number(token: Token) -> bool:
    if token.lower_ in VAGUE_COUNTS and token.lower_ != "score":
        return True
    if token.lower_ == "dozen":
        return True
    if not token.like_num:
        return False
    marker = _NOT_COUNTS.get(token.ent_type_)
    if marker is None:
        return True
    entity = next((e for e in parse.ents_in(token.sent) if e.start <= token.i < e.end), None)
    return entity is None or not marker.search(entity.text)


def _figures(doc: Doc, sent: Span, index: int) -> list[Candidate]:
    found: list[Candidate] = []
    seen: set[int] = set()
    for token in sent:
        if token.i in seen or not _is_number(token):
            continue
        run = _number_run(token)
        count = _number_value(run)
        if _of_thousands(doc, run[-1]) and count is not None:
            count, run = count * 1000, [*run, doc[run[-1].i + 1], doc[run[-1].i + 2]]
        seen.update(t.i for t in run)
        last = run[-1]
        if count is None or count == 0 or _AGE.match(doc.text, last.idx + len(last)):
            continue
        if _AGE_BEFORE.search(doc.text[max(0, run[0].idx - 20) : run[0].idx]):
            continue  # "children at ages below 8", "aged 12"
        if re.fullmatch(r"(?:1[89]|20)\d\d", last.text) and count > 1800:
            continue  # a year
        if _in_date(doc, run[0], last):
            continue  # "Saturday 9", "20 Jun 2014", "Date of publication 12 June"
        if last.lower_ == "one" and (
            (last.i + 1 < len(doc) and doc[last.i + 1].lower_ == "of")
            or not _names_people(_counted_noun(last))
        ):
            continue  # "one of the bloodiest days", "from one family"
        noun = _counted_noun(last)
        people = _people_of(noun, last)
        outcome = _outcome(noun, last) or (_outcome(people, last) if people is not noun else None)
        if outcome is None and _in_breakdown(last) and found:
            outcome = found[-1].figure.outcome if found[-1].figure else None
        if outcome is None:
            continue
        if _destroyed(noun, people) and not _names_people(people):
            continue  # "destroyed 32 pick-up trucks": not people
        start_char = run[0].idx
        qualifier, q_start = _qualifier(doc, run[0], count)
        start_char = min(start_char, q_start)
        victims = _victims(doc, people if people is not noun else noun, last)
        if found and victims == "unspecified" and _names_others(people):
            # "4 civilians killed and 7 others injured": the others are the same group
            previous = found[-1].figure
            victims = previous.victims if previous is not None else victims
        found.append(
            Candidate(
                kind="figure",
                start=start_char,
                end=last.idx + len(last),
                sentence=index,
                bounds=(sent.start_char, sent.end_char),
                figure=Figure(
                    count=count,
                    qualifier=qualifier,
                    outcome=outcome,
                    victims=victims,
                    location=_entity(sent, noun, _PLACE_ENTS),
                    period=_entity(sent, noun, _PERIOD_ENTS),
                    number=(run[0].idx, last.idx + len(last)),
                ),
            )
        )
    return found


_DATE_WORD = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$|"
    r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day$",
    re.IGNORECASE,
)


def _in_date(doc: Doc, first: Token, last: Token) -> bool:
    """Whether a number is a day of a date: a month or weekday name stands next to it."""
    before = doc[first.i - 1] if first.i > 0 else None
    after = doc[last.i + 1] if last.i + 1 < len(doc) else None
    return any(t is not None and _DATE_WORD.match(t.text) for t in (before, after))


def _people_of(noun: Token, number: Token) -> Token:
    """Who a vague count counts: "hundreds of civilians" counts civilians."""
    if noun is number:
        for child in number.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [g for g in child.children if g.dep_ == "pobj"]
                if objects:
                    return objects[0]
    return noun


def _of_thousands(doc: Doc, last: Token) -> bool:
    """Whether a vague count goes on "of thousands" ("hundreds of thousands": 200,000)."""
    if last.lower_ not in ("hundreds", "tens", "dozens") or last.i + 2 >= len(doc):
        return False
    return doc[last.i + 1].lower_ == "of" and doc[last.i + 2].lower_ == "thousands"


def _names_others(noun: Token) -> bool:
    return noun.lower_ in ("others", "other", "more")


def _in_breakdown(number: Token) -> bool:
    """Whether the number is part of "including 11 children" / "among them 4 women"."""
    return any(t.lower_ in ("including", "among", "includes", "included") for t in number.ancestors)


_DESTROY = frozenset({"destroy", "eliminate", "neutralize", "neutralise", "liquidate"})


def _destroyed(noun: Token, people: Token) -> bool:
    return any(t.lemma_.lower() in _DESTROY for t in (noun.head, people.head, noun.head.head))


def _names_people(noun: Token) -> bool:
    words = " ".join(t.lower_ for t in noun.subtree)
    return any(re.search(rf"\b(?:{nouns})\b", words) for _, nouns in VICTIM_NOUNS)


_CUT = frozenset({"conj", "cc", "parataxis", "ccomp", "mark", "punct", "preconj"})
_ANCHOR_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "oprd", "agent"})


def _figure_span(doc: Doc, figure: Candidate) -> tuple[int, int]:
    """A figure's evidence from the parse: the clause of its harm verb, or its own phrase.

    The clause is the verb's subtree less what hangs off it as another clause
    (a conjoined verb, another figure, the attribution); where the figure is
    not the verb's subject or object ("including 9 in Ansari"), its own phrase.
    """
    assert figure.figure is not None
    number = doc.char_span(*figure.figure.number, alignment_mode="expand")
    assert number is not None
    noun = _counted_noun(number[-1])
    anchor = noun
    if noun.dep_ in _ANCHOR_DEPS and noun.head.pos_ in ("VERB", "AUX"):
        anchor = noun.head
    elif (
        noun.dep_ == "pobj"
        and noun.head.lower_ in ("to", "of")
        and noun.head.head.pos_
        in (
            "VERB",
            "AUX",
        )
    ):
        anchor = noun.head.head
    elif noun.dep_ in ("dobj", "pobj") and noun.head.dep_ == "prep":
        anchor = noun
    keep = {t.i for t in anchor.subtree}
    for child in anchor.children:
        if child.dep_ in _CUT or (child.lemma_.lower() in CUE_VERBS and child.i != anchor.i):
            keep -= {t.i for t in child.subtree}
        inside = {t.i for t in child.subtree}
        if (
            child.dep_ in _SUBJECTS
            and anchor is not noun
            and noun.i not in inside
            and any(t.lemma_.lower() in CUE_VERBS for t in child.subtree)
        ):
            keep -= inside
    for token in noun.subtree:
        if token.dep_ == "conj" and token.head.i == noun.i:
            keep -= {t.i for t in token.subtree}
            keep -= {t.i for t in noun.children if t.dep_ in ("cc",)}
    # another figure's phrase ("... by security forces and 34 soldiers") is its own claim
    for other in _other_numbers(doc, number, anchor):
        node = other
        while (
            node.head.i != node.i
            and node.head.i in keep
            and number[0].i not in {t.i for t in node.head.subtree}
        ):
            node = node.head
        cut = {t.i for t in node.subtree}
        keep -= cut
        before = doc[node.left_edge.i - 1] if node.left_edge.i > 0 else None
        if before is not None and before.dep_ in ("cc", "punct"):
            keep.discard(before.i)
    # the contiguous run of kept tokens around the number
    lo = hi = number[0].i
    while lo - 1 in keep:
        lo -= 1
    while hi + 1 in keep:
        hi += 1
    span = _trimmed(doc, lo, hi + 1)
    if span is None or len(doc.text[span[0] : span[1]].split()) < 2:
        # the parse gave the number alone: fall back to its clause in the sentence
        sent = number[0].sent
        return evidence.figure_clause(
            doc.text, (sent.start_char, sent.end_char), figure.figure.number[0], figure.cue
        )
    return span


def _other_numbers(doc: Doc, number: Span, anchor: Token) -> list[Token]:
    """Numbers of people in the anchor's clause other than this figure's own."""
    own = {t.i for t in number}
    return [
        t
        for t in anchor.subtree
        if t.i not in own and _is_number(t) and not _in_date(doc, t, t) and t.dep_ != "compound"
    ]


def _counted_noun(number: Token) -> Token:
    """The noun a number counts ("27 civilians"), or the number itself ("killing 27")."""
    if number.dep_ in ("nummod", "quantmod", "compound", "amod") and number.head.pos_ in (
        "NOUN",
        "PROPN",
        "PRON",
    ):
        return number.head
    if number.dep_ == "quantmod" or (number.dep_ == "nummod" and number.head.like_num):
        return _counted_noun(number.head)
    return number


def _harm_lemma(token: Token) -> str | None:
    lemma = token.lemma_.lower()
    if lemma in OUTCOME_LEMMAS:
        return lemma
    low = token.lower_
    return low if low in OUTCOME_LEMMAS else None


def _outcome(noun: Token, number: Token) -> str | None:
    """What happened to the people counted, from the nearest harm word that governs them."""
    # Modifiers of the noun: "12 people killed", "40 dead", "the bodies of 12".
    for child in list(noun.children) + ([number] if number is not noun else []):
        if child.dep_ in ("acl", "amod", "relcl", "appos", "oprd") or child.lower_ in ("dead",):
            lemma = _harm_lemma(child)
            if lemma and lemma not in WEAK_HARM:
                return OUTCOME_LEMMAS[lemma]
            if child.dep_ == "relcl":
                for grand in child.subtree:
                    lemma = _harm_lemma(grand)
                    if lemma and lemma not in WEAK_HARM:
                        return OUTCOME_LEMMAS[lemma]
    # Up the tree: the verb whose subject or object the noun is ("were killed", "killing 12"),
    # through "of"/"to" ("the death of 12", "the toll rose to 40").
    current = noun
    for _ in range(4):
        head = current.head
        if head is current:
            break
        lemma = _harm_lemma(head)
        if lemma:
            if lemma in WEAK_HARM and not _strong_nearby(head):
                return None if lemma in ("hold", "seize", "claim") else OUTCOME_LEMMAS[lemma]
            return OUTCOME_LEMMAS[lemma]
        # The noun's verb, then its subject ("the toll rose to 40", "deaths reached 40")
        if head.pos_ in ("VERB", "AUX"):
            for child in head.children:
                if child.dep_ in _SUBJECTS or child.dep_ == "attr":
                    for grand in child.subtree:
                        lemma = _harm_lemma(grand)
                        if lemma and lemma not in WEAK_HARM and grand.i != number.i:
                            return OUTCOME_LEMMAS[lemma]
            for child in head.children:
                if child.dep_ in ("oprd", "acomp", "xcomp") and _harm_lemma(child):
                    return OUTCOME_LEMMAS[_harm_lemma(child) or ""]
                if child.dep_ == "xcomp":  # "are believed to have been killed"
                    for grand in child.subtree:
                        lemma = _harm_lemma(grand)
                        if lemma and lemma not in WEAK_HARM and grand.i != number.i:
                            return OUTCOME_LEMMAS[lemma]
                if child.dep_ == "dobj" and child.lemma_.lower() in ("toll", "death"):
                    return "killed"  # "updated to 18 its toll"
            if current.dep_ in _SUBJECTS or current.dep_ in ("dobj", "attr"):
                return None
        if current.dep_ in ("conj",) or head.pos_ in ("ADP", "NOUN", "NUM", "PROPN", "CCONJ"):
            current = head
            continue
        break
    return None


def _strong_nearby(token: Token) -> bool:
    return any(
        _harm_lemma(t) not in (None, *WEAK_HARM) for t in token.subtree if t.i != token.i
    ) or (token.lower_ in ("shot",) and any(c.lower_ == "dead" for c in token.children))


def _qualifier(doc: Doc, first: Token, count: int) -> tuple[str, int]:
    """The guide's qualifier from the words before the number, and where they start."""
    before = doc.text[max(first.sent.start_char, first.idx - 30) : first.idx].lower()
    for phrase, qualifier in QUALIFIERS:
        if re.search(rf"\b{phrase}\s+$", before):
            return qualifier, first.idx - len(re.search(rf"{phrase}\s+$", before).group(0))  # type: ignore[union-attr]
    if first.lower_ in VAGUE_COUNTS or first.lower_ in ("dozen",):
        return ("about" if first.lower_ != "dozen" else "exact"), first.idx
    return "exact", first.idx


def _victims(doc: Doc, noun: Token, number: Token) -> str:
    """The guide's victims category from the noun phrase the figure counts."""
    if noun is number:
        objects = [
            g for c in number.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"
        ]
        if objects:
            noun = objects[0]
        else:
            # "killing 12" / "the toll rose to 40": nothing is named
            return "unspecified"
    phrase = " ".join(t.lower_ for t in noun.subtree if t.i <= noun.i or t.dep_ == "prep")
    phrase = (
        phrase[phrase.find(number.lower_) + len(number.lower_) :]
        if number.lower_ in phrase
        else phrase
    )
    text = phrase + " " + noun.lower_
    best: tuple[int, str] | None = None
    for category, nouns in VICTIM_NOUNS:
        match = re.search(rf"\b(?:{nouns})\b", text)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), category)
    return best[1] if best else "unspecified"


def _entity(sent: Span, anchor: Token, labels: frozenset[str]) -> str | None:
    """The entity of one of `labels` nearest the figure in its clause, as written."""
    verb = anchor
    while verb.dep_ not in ("ROOT", "ccomp", "conj", "advcl") and verb.head is not verb:
        verb = verb.head
    lo, hi = verb.left_edge.i, verb.right_edge.i
    best: tuple[int, str] | None = None
    for ent in parse.ents_in(sent):
        if ent.label_ in labels and lo <= ent.start <= hi:
            if ent.label_ in _PERIOD_ENTS and not re.search(r"[A-Za-z]", ent.text):
                continue
            distance = abs(ent.start - anchor.i)
            if best is None or distance < best[0]:
                best = (distance, ent.text)
    return best[1] if best else None


# --- attribution of figures and the quotation state ---------------------------


def _attribute(statements: list[Candidate], figures: list[Candidate]) -> None:
    """Give each figure the innermost cue whose content holds it, else the nearest cue."""
    for figure in figures:
        if figure.cue is not None:
            continue
        holders = [s for s in statements if s.start <= figure.start and figure.end <= s.end]
        if holders:
            inner = min(holders, key=lambda s: s.end - s.start)
            _credit(figure, inner, "inside the cue's content")
        elif statements:
            # The cue is in the sentence but the parse left the figure outside its
            # content ("... injuring 14 citizens according to Al-Manar reporter").
            nearest = min(statements, key=lambda s: abs((s.cue_span or (0, 0))[0] - figure.start))
            _credit(figure, nearest, "cue in the sentence")


def _credit(figure: Candidate, statement: Candidate, why: str) -> None:
    """Attribute a figure to a statement's cue and source."""
    figure.cue, figure.cue_span, figure.cue_lemma = (
        statement.cue,
        statement.cue_span,
        statement.cue_lemma,
    )
    figure.mention = statement.mention
    figure.notes.append(why)


def _cover(doc: Doc, statements: list[Candidate], figures: list[Candidate]) -> None:
    """Mark statements that say nothing besides their figures (guide rule 3).

    A statement holding figures is covered unless it has a verb of its own
    outside them that is neither a harm word nor a cue ("helicopters were
    deployed ... and claim that 42 were killed" keeps the helicopters).
    """
    for statement in statements:
        held = [
            f
            for f in figures
            if f.figure is not None and statement.start <= f.figure.number[0] < statement.end
        ]
        if not held:
            continue
        span = doc.char_span(statement.start, statement.end, alignment_mode="expand")
        if span is None:
            continue
        inside = {i for f in held for i in range(f.start, f.end)}
        own_verbs = [
            t
            for t in span
            if t.pos_ == "VERB"
            and t.idx not in inside
            and _harm_lemma(t) is None
            and t.lemma_.lower() not in CUE_VERBS
        ]
        statement.covered = not own_verbs


def _dedupe(found: list[Candidate]) -> list[Candidate]:
    """One candidate per (kind, span, cue): the parse can reach one clause twice."""
    seen: set[tuple[str, int, int, str | None]] = set()
    unique = []
    for candidate in found:
        key = (candidate.kind, candidate.start, candidate.end, candidate.cue)
        if key not in seen:
            seen.add(key)
            unique.append(candidate)
    return unique
