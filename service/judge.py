"""The model judges candidates that code found; it does not generate them.

One call covers a few consecutive sentences of one paragraph that hold candidates. The model
sees those sentences, the article's named sources, and the candidates
numbered with what code read off them, and answers one short row per
candidate, in a JSON schema built for this call: the rows are exactly as
many as the candidates, every choice is an `enum`, and a source name can
only be one the article gives. The grammar cannot invent a source, a number
or a span.

It is asked only what code cannot settle. Measured on 16 dev articles with
the 1.5B model, its verdicts on figures (keep, victims), on kinds, on source
types and on whether a statement is a claim all scored below the rules'
(benchmarks/README.md). What is left to it is the one thing code is unsure
of: who a statement is by, where the parse gave a pronoun or a generic
mention. It answers with a name chosen from the article's named sources (the
gazetteer then types it), so a row is `[name]`: a few generated tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, create_model
from spacy.tokens import Doc

from .candidates import Candidate
from .decide import Decision
from .gazetteer import source_type
from .prompting import Template
from .sources import Resolved

AUTHOR = "none"  # the name choice that makes a statement the article's own
MAX_CANDIDATES = 8  # per call: more rows per call, fewer calls, same grammar
_EVIDENCE_WORDS = 14


@dataclass(frozen=True)
class Group:
    """One call's worth: consecutive sentences and the candidates in them (article indices)."""

    sentences: tuple[int, ...]
    members: tuple[int, ...]


def groups(doc: Doc, found: list[Candidate], resolved: list[Resolved | None]) -> list[Group]:
    """The statements whose source code is unsure of, a few sentences per call.

    A call never spans two paragraphs (lines), so what one paragraph says cannot
    change how another's statements are grouped, or what the model reads with
    them: an inserted paragraph, an injected one included, leaves the other calls
    exactly as they were. Statements that only restate their figures are left out.
    """
    paragraph = _paragraph_of_sentences(doc)
    out: list[Group] = []
    sentences: list[int] = []
    members: list[int] = []
    for index, candidate in enumerate(found):
        if candidate.covered or candidate.figure is not None:
            continue
        source = resolved[index]
        if source is None or source.sure:
            continue  # the article's own, or a source code resolved for sure
        new_sentence = candidate.sentence not in sentences
        new_paragraph = bool(sentences) and (
            paragraph[candidate.sentence] != paragraph[sentences[-1]]
        )
        full = len(members) >= MAX_CANDIDATES or (new_sentence and len(sentences) >= 3)
        if members and (full or new_paragraph):
            out.append(Group(tuple(sentences), tuple(members)))
            sentences, members = [], []
        if candidate.sentence not in sentences:
            sentences.append(candidate.sentence)
        members.append(index)
    if members:
        out.append(Group(tuple(sentences), tuple(members)))
    return out


def _paragraph_of_sentences(doc: Doc) -> list[int]:
    """Each sentence's paragraph: the number of line breaks before it (one pass)."""
    numbers: list[int] = []
    line, seen = 0, 0
    for sent in doc.sents:
        line += doc.text.count("\n", seen, sent.start_char)
        seen = sent.start_char
        numbers.append(line)
    return numbers


def answer_model(group: Group, names: list[str]) -> type[BaseModel]:
    """The response model of one call: one row per asked statement, its name an enum.

    Built per call because its choices are this article's: a source name
    must be one the article gives (or `none`, nobody).
    """
    name_choice: Any = Literal.__getitem__(tuple([*names, AUTHOR]))
    row: Any = tuple.__class_getitem__((name_choice,))
    answer_type: Any = tuple.__class_getitem__(tuple(row for _ in group.members))
    model: type[BaseModel] = create_model(
        "Verdicts", __config__=ConfigDict(extra="forbid"), rows=(answer_type, ...)
    )
    return model


def messages(
    template: Template,
    doc: Doc,
    found: list[Candidate],
    group: Group,
    names: list[str],
) -> list[dict[str, str]]:
    """The call's messages: the fixed prefix, then these sentences and their candidates."""
    sents = list(doc.sents)
    text = " ".join(sents[i].text.strip() for i in group.sentences)
    lines = []
    for number, index in enumerate(group.members, 1):
        candidate = found[index]
        words = doc.text[candidate.start : candidate.end].split()
        evidence = " ".join(words[:_EVIDENCE_WORDS]) + (
            " ..." if len(words) > _EVIDENCE_WORDS else ""
        )
        mention = candidate.mention.text if candidate.mention else AUTHOR
        lines.append(f'{number}. [{mention}, {candidate.cue}]: "{evidence}"')
    return template.render(
        text=text,
        names="; ".join(names) or "(none)",
        candidates="\n".join(lines),
    )


def apply(group: Group, rows: tuple[Any, ...], decisions: list[Decision]) -> None:
    """Fold the model's rows into the rules' decisions (in place)."""
    for index, (name,) in zip(group.members, rows, strict=True):
        decision = decisions[index]
        if name == AUTHOR:
            decision = replace(decision, keep=False)  # narration: nobody says it
        else:
            # the gazetteer types the chosen name; where it cannot, the rules' type stays
            kind = source_type(name) or decision.source_type
            decision = replace(decision, source_type=kind, source_name=name)
        decisions[index] = decision
