"""Split articles that exceed the context budget into overlapping sentence runs.

Chunks break only between sentences, overlap by a sentence or two so a claim
that straddles a boundary is seen whole at least once, and keep their
sentences' original offsets, so grounding needs no shifting.
"""

from __future__ import annotations

from dataclasses import dataclass

from .sentences import Sentence

CHARS_PER_TOKEN = 3.5  # conservative for English news text with Qwen/Gemma tokenizers


@dataclass(frozen=True)
class Chunk:
    """A run of sentences sent in one call."""

    index: int
    sentences: tuple[Sentence, ...]


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


def chunk(sentences: list[Sentence], budget_tokens: int, overlap: int = 1) -> list[Chunk]:
    """Greedy chunks of at most `budget_tokens` (a longer sentence stands alone)."""
    if not sentences:
        return []
    chunks: list[Chunk] = []
    start = 0
    while start < len(sentences):
        end, used = start, 0
        while end < len(sentences):
            cost = estimate_tokens(sentences[end].text) + 4  # "[n] " and newline
            if end > start and used + cost > budget_tokens:
                break
            used += cost
            end += 1
        chunks.append(Chunk(len(chunks), tuple(sentences[start:end])))
        if end >= len(sentences):
            break
        start = max(end - overlap, start + 1)
    return chunks
