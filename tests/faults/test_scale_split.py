"""Long articles: splitting and parsing keep their shape however long the text is.

Speed is measured by benchmarks/scale.py, not here; these tests assert what
makes it linear (a 2 MB split finishes at all: the old quadratic split took
minutes) and that the long-text paths keep every offset.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from spacy.tokens import Doc

from claimtrace import candidates, parse, sentences

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def seed_article(size: int) -> str:
    """The seed articles repeated with paragraph breaks up to `size` characters."""
    texts = [p.read_text(encoding="utf-8").strip() for p in SEEDS]
    parts: list[str] = []
    while sum(len(p) + 2 for p in parts) < size:
        parts.extend(texts)
    return "\n\n".join(parts)


def _old_last_word(text: str, cut: int) -> str | None:
    """What the splitter read before: a search of the whole prefix."""
    word = re.search(r"([\w.]+)\.?$", text[:cut].rstrip("."))
    return word.group(1) if word else None


@pytest.mark.parametrize(
    "text",
    ["Mr. Smith", "the U.S. army", "..... x", "word\n. Next", "a.b.\n.. Z", "\n. A", "é_1. B"],
)
def test_the_abbreviation_check_reads_what_the_whole_prefix_search_read(text: str) -> None:
    for cut in (i + 1 for i, char in enumerate(text) if char == "."):
        assert sentences._last_word(text, cut) == _old_last_word(text, cut)


def test_a_2_mb_article_splits_with_every_offset_kept() -> None:
    one = seed_article(1)
    text = seed_article(2_000_000)
    repeats = text.count(one[:200])
    split = sentences.segment(text)
    assert len(split) == repeats * len(sentences.segment(one))
    assert all(text[s.start : s.end] == s.text for s in split[:: max(len(split) // 500, 1)])
    assert split[-1].end == len(text.rstrip())


def test_pieces_cover_the_text_and_cut_at_breaks() -> None:
    text = seed_article(50_000)
    spans = parse.pieces(text, size=5_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(end - start <= 5_000 for start, end in spans)
    assert all(text[end - 1] == "\n" for _, end in spans[:-1])  # a paragraph or line break
    assert sum(text[end - 2 : end] == "\n\n" for _, end in spans) > len(spans) // 2
    # with no line break at all, a piece ends after a sentence
    flat = text.replace("\n", " ")
    assert all(flat[:end].rstrip()[-1] in ".!?" for _, end in parse.pieces(flat, size=5_000)[:-1])


def test_a_long_article_parsed_in_pieces_keeps_offsets_and_sentences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = seed_article(12_000)
    whole = parse.pipeline()(text)  # spaCy's own, in one piece
    monkeypatch.setattr(parse, "PIECE_CHARS", 3_000)
    pieced = parse.parse(text)
    assert len(parse.pieces(text)) > 3
    assert pieced.text == text
    assert [(t.idx, t.text) for t in pieced] == [(t.idx, t.text) for t in whole]
    # a paragraph break ends a sentence anyway, so the pieces change no sentence
    assert [s.start_char for s in pieced.sents] == [s.start_char for s in whole.sents]
    # the entities gathered from the pieces are the joined Doc's own
    assert [(e.start, e.end, e.label_) for e in parse.ents_in(pieced[:])] == [
        (e.start, e.end, e.label_) for e in Doc.ents.__get__(pieced)
    ]
    found = candidates.find(pieced)
    assert found and all(text[c.start : c.end].strip() for c in found)


def test_entities_of_a_sentence_come_from_the_cached_list() -> None:
    doc = parse.parse(seed_article(8_000))
    assert isinstance(doc, parse.ParsedDoc)
    for sent in doc.sents:
        assert [(e.start, e.end) for e in parse.ents_in(sent)] == [
            (e.start, e.end) for e in sent.ents
        ]
