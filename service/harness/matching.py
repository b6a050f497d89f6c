"""One-to-one pairing of predicted and gold claims within a document (Hungarian).

For each threshold, similarities below it are set to 0 before the assignment
maximises the total, so a pair that could never count does not take a partner
from one that would; only pairs with similarity >= threshold are returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from .records import Claim
from .similarity import similarity


@dataclass(frozen=True)
class Pair:
    """Gold claim `gold` (index) matched to predicted claim `pred` (index)."""

    gold: int
    pred: int
    similarity: float


def similarity_matrix(gold: Sequence[Claim], pred: Sequence[Claim]) -> NDArray[np.float64]:
    """gold x pred matrix of evidence similarities."""
    matrix = np.zeros((len(gold), len(pred)), dtype=np.float64)
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            matrix[i, j] = similarity(g.evidence, p.evidence)
    return matrix


def assign(matrix: NDArray[np.float64], threshold: float) -> list[Pair]:
    """Maximum-similarity one-to-one pairs with similarity >= threshold, by gold index."""
    if matrix.size == 0:
        return []
    eligible = np.where(matrix >= threshold, matrix, 0.0)
    rows, cols = linear_sum_assignment(eligible, maximize=True)
    pairs = [
        Pair(int(r), int(c), float(matrix[r, c]))
        for r, c in zip(rows, cols, strict=True)
        if eligible[r, c] > 0.0
    ]
    return sorted(pairs, key=lambda pair: pair.gold)
