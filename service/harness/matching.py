"""One-to-one pairing of predicted and gold claims within a document (Hungarian).

For each threshold, similarities below it are set to 0 before the assignment
maximises the total, so a pair that could never count does not take a partner
from one that would; only pairs with similarity >= threshold are returned.

Ties in the total are common when one span contains another (both pairings of
"34 soldiers as well as 12 deserters were killed" / "12 deserters were killed"
score 1.0 by containment). They are broken towards the higher plain token F1,
added with a weight of 1e-9, far below any real difference in similarity, so
identical spans pair with each other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..extras import require
from .records import Claim
from .similarity import overlap_f1, similarity

TIE_BREAK = 1e-9


@dataclass(frozen=True)
class Pair:
    """Gold claim `gold` (index) matched to predicted claim `pred` (index)."""

    gold: int
    pred: int
    similarity: float


def _matrix(
    gold: Sequence[Claim], pred: Sequence[Claim], measure: Callable[[str, str], float]
) -> NDArray[np.float64]:
    matrix = np.zeros((len(gold), len(pred)), dtype=np.float64)
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            matrix[i, j] = measure(g.evidence, p.evidence)
    return matrix


def similarity_matrix(gold: Sequence[Claim], pred: Sequence[Claim]) -> NDArray[np.float64]:
    """gold x pred matrix of evidence similarities."""
    return _matrix(gold, pred, similarity)


def tie_break_matrix(gold: Sequence[Claim], pred: Sequence[Claim]) -> NDArray[np.float64]:
    """gold x pred matrix of plain token F1 (no containment lift), to break ties."""
    return _matrix(gold, pred, overlap_f1)


def assign(
    matrix: NDArray[np.float64], threshold: float, tie_break: NDArray[np.float64] | None = None
) -> list[Pair]:
    """Maximum-similarity one-to-one pairs with similarity >= threshold, by gold index."""
    if matrix.size == 0:
        return []
    eligible = np.where(matrix >= threshold, matrix, 0.0)
    weights = eligible if tie_break is None else eligible + TIE_BREAK * (eligible > 0) * tie_break
    require("eval", "scoring")
    from scipy.optimize import linear_sum_assignment  # 0.3 s to import: only when scoring

    rows, cols = linear_sum_assignment(weights, maximize=True)
    pairs = [
        Pair(int(r), int(c), float(matrix[r, c]))
        for r, c in zip(rows, cols, strict=True)
        if eligible[r, c] > 0.0
    ]
    return sorted(pairs, key=lambda pair: pair.gold)
