"""Precision/recall/F1 and the document-level bootstrap behind every interval.

Conventions: with nothing predicted and nothing in gold, P = R = F1 = 1 (the
extractor was right to say nothing); otherwise an empty denominator gives 0
(no predictions: P = 0; no gold: R = 0). Intervals resample *documents* with
replacement (claims in one article are not independent), 1000 times from a
fixed seed, and take the 2.5th and 97.5th percentiles, so a report is
reproducible and two runs on the same files give identical intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

RESAMPLES = 1000
SEED = 20240613
CONFIDENCE = 0.95

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class PRF:
    p: float
    r: float
    f1: float


def prf(tp: int, n_pred: int, n_gold: int) -> PRF:
    """Point P/R/F1 under the module's conventions."""
    p, r, f1 = _prf_arrays(np.array([tp]), np.array([n_pred]), np.array([n_gold]))
    return PRF(float(p[0]), float(r[0]), float(f1[0]))


def _prf_arrays(
    tp: NDArray[np.int64], n_pred: NDArray[np.int64], n_gold: NDArray[np.int64]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    tp_f = tp.astype(np.float64)
    both_empty = (n_pred == 0) & (n_gold == 0)
    p = np.divide(tp_f, n_pred, out=np.zeros_like(tp_f), where=n_pred > 0)
    r = np.divide(tp_f, n_gold, out=np.zeros_like(tp_f), where=n_gold > 0)
    total = p + r
    f1 = np.divide(2 * p * r, total, out=np.zeros_like(tp_f), where=total > 0)
    p[both_empty] = r[both_empty] = f1[both_empty] = 1.0
    return p, r, f1


def resample_indices(n_docs: int, resamples: int = RESAMPLES, seed: int = SEED) -> IntArray:
    """resamples x n_docs document indices drawn with replacement (shared by all figures)."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_docs, size=(resamples, n_docs), dtype=np.int64)


Interval = tuple[float, float]


@dataclass(frozen=True)
class PRFInterval:
    p: Interval
    r: Interval
    f1: Interval


def bootstrap_prf(
    tp: IntArray, n_pred: IntArray, n_gold: IntArray, indices: IntArray
) -> PRFInterval | None:
    """Percentile intervals of micro P/R/F1 over document resamples; None with no documents."""
    if indices.size == 0:
        return None
    sums = (tp[indices].sum(axis=1), n_pred[indices].sum(axis=1), n_gold[indices].sum(axis=1))
    p, r, f1 = _prf_arrays(*sums)
    return PRFInterval(_percentiles(p), _percentiles(r), _percentiles(f1))


def _percentiles(values: FloatArray) -> Interval:
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return (float(low), float(high))
