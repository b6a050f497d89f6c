"""Turn what the model said into grounded claim records of the guide's format.

For each model claim: ground its quote in the article (exact, normalised,
fuzzy), widen or narrow it to the evidence clause (the clause holding the
figure; the content without its "X said"), snap the verbatim fields (cue,
location, period) to the article's spelling, and derive what the model was
not asked for (mode, statement). A claim whose quote cannot be grounded, or
whose figure is not in its sentence, is dropped and counted, never emitted
as if it were grounded, unless `keep_ungrounded` asks to keep it as `none`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from . import align, evidence, select
from .attribution import canonical
from .schema import Casualty, ClaimRecord, Grounding, ModelClaim, Source, Span, Victims
from .sentences import Sentence
from .vocabulary import QUOTE_MARKS


@dataclass
class Resolved:
    """Grounded records and what could not be grounded."""

    claims: list[ClaimRecord] = field(default_factory=list)
    dropped: int = 0
    warnings: list[str] = field(default_factory=list)


def _sentence_at(sentences: list[Sentence], offset: int) -> Sentence | None:
    for sentence in sentences:
        if sentence.start <= offset < sentence.end:
            return sentence
    return None


def mode_of(text: str, start: int, end: int, sentence: Sentence | None, author: bool) -> str:
    """`direct` when the whole evidence stands inside quotation marks, else `indirect`."""
    if author:
        return "unattributed"
    lo = sentence.start if sentence else 0
    opened = sum(text.count(mark, lo, start) for mark in QUOTE_MARKS) % 2 == 1
    inner = sum(text.count(mark, start, end) for mark in QUOTE_MARKS)
    quoted_whole = text[start : start + 1] in QUOTE_MARKS and text[end - 1 : end] in QUOTE_MARKS
    return "direct" if (opened and inner == 0) or (quoted_whole and inner == 2) else "indirect"


_STOP = frozenset("""the a an of for and in on at to by from with syrian syria's""".split())  # noqa: SIM905


def mentions(sentence: str, source: str) -> bool:
    """Whether `sentence` names `source` (a significant word of it, or its acronym)."""
    words = [w for w in re.findall(r"[\w'-]+", source.lower()) if w not in _STOP and len(w) > 2]
    low = sentence.lower()
    if any(re.search(rf"\b{re.escape(w)}", low) for w in words):
        return True
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", source) if w.lower() not in _STOP)
    return len(initials) >= 2 and re.search(rf"\b{initials}\b", sentence) is not None


def statement_of(evidence: str, source: str | None, cue: str | None) -> str:
    """A standalone sentence for the claim, built from its parts."""
    body = " ".join(evidence.split()).strip(" \"'“”‘’")
    if source is None:
        sentence = body[:1].upper() + body[1:]
    else:
        verb = cue if cue and not cue.lower().startswith("according") else "says"
        sentence = f"{source[:1].upper() + source[1:]} {verb}: {body}"
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."


def _victims(text: str, start: int, end: int, count: int, said: Victims) -> Victims:
    """The noun after the figure decides ("34 people" is unspecified); else the model's word.

    `mixed` from the model is kept: it depends on a breakdown elsewhere in the text.
    """
    if said == "mixed" or end <= start:
        return said
    at = evidence.find_count(text, count, start, end)
    named = evidence.victims_after(text, at, end) if at is not None else None
    return cast(Victims, named) if named else said


def ground_claim(
    text: str,
    sentences: list[Sentence],
    claim: ModelClaim,
    window: tuple[int, int],
    keep_ungrounded: bool = False,
) -> ClaimRecord | str:
    """One grounded record, or the reason it could not be grounded."""
    located = align.locate(text, claim.quote, near=window)
    count = claim.casualty.count if claim.casualty else None
    if located is None:
        if not keep_ungrounded:
            return f"quote not found in the article: {claim.quote[:80]!r}"
        start, end = 0, 0
        grounding: Grounding = "none"
        sentence = None
    else:
        start, end, grounding = located.start, located.end, located.grounding
        sentence = _sentence_at(sentences, start)
        if sentence is not None:
            span = _refine(text, sentence, start, end, count, claim.cue)
            if span is None:
                if not keep_ungrounded:
                    return f"figure {count} is not stated near {claim.quote[:80]!r}"
                grounding = "none"
            else:
                start, end = span
    near = (sentence.start, sentence.end) if sentence else window
    cue = align.verbatim(text, claim.cue, near, within=True)
    author = claim.type == "author" or claim.source is None
    if not author and cue is None and sentence is not None:
        # Small models carry the previous claim's source forward, or name the
        # perpetrator as the source; a sentence with no attribution cue at all, or
        # without the source named, is the article's own assertion.
        author = not mentions(sentence.text, claim.source or "") or not select.may_attribute(
            sentence.text
        )
    casualty = None
    if claim.casualty is not None:
        casualty = Casualty(
            count=claim.casualty.count,
            qualifier=claim.casualty.qualifier,
            outcome=claim.casualty.outcome,
            victims=_victims(text, start, end, claim.casualty.count, claim.casualty.victims),
            location=align.verbatim(text, claim.casualty.location, near),
            period=align.verbatim(text, claim.casualty.period, near),
        )
    cue = None if author else cue
    said = text[start:end] if end > start else claim.quote
    source_name = None if author else canonical(claim.source, text)
    return ClaimRecord(
        evidence=said,
        statement=statement_of(said, source_name, cue),
        source=Source(name=source_name, type="author" if author else claim.type),
        cue=cue,
        mode=mode_of(text, start, end, sentence, author),  # type: ignore[arg-type]
        kind=claim.kind,
        certainty=claim.certainty,
        casualty=casualty,
        span=Span(start=start, end=end),
        grounding=grounding,
    )


def _refine(
    text: str, sentence: Sentence, start: int, end: int, count: int | None, cue: str | None
) -> tuple[int, int] | None:
    """The evidence span for a grounded quote.

    A figure's evidence is the clause holding the number: inside the quote when
    the quote holds it, else the sentence's clause for it (None when the
    sentence never states the figure). Other claims keep the quote, minus a
    leading "X said (that)".
    """
    if count is not None:
        if evidence.find_count(text, count, start, end) is not None:
            return evidence.trim(
                text, *evidence.content(text, (start, end), cue, keep_figure=count)
            )
        return evidence.evidence_span(text, sentence, count, cue)
    trimmed = evidence.trim(text, *evidence.content(text, (start, end), cue))
    if len(re.findall(r"\w+", text[trimmed[0] : trimmed[1]])) >= 2:
        return trimmed
    return evidence.trim(text, start, end)


def to_records(
    text: str,
    sentences: list[Sentence],
    claims: list[ModelClaim],
    window: tuple[int, int],
    keep_ungrounded: bool = False,
) -> Resolved:
    """Ground every claim of one call; `window` is the chunk's span, to break ties."""
    result = Resolved()
    for claim in claims:
        record = ground_claim(text, sentences, claim, window, keep_ungrounded)
        if isinstance(record, str):
            result.dropped += 1
            result.warnings.append(f"dropped: {record}")
        else:
            result.claims.append(record)
    return result
