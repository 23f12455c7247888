"""Combine lexical and dense scores into one ranking.

Two methods, chosen by measurement (bench/bench_retrieval.py): a weighted sum of
min-max normalised scores, and reciprocal-rank fusion. Both take full score arrays
(one value per passage) so that no candidate is lost to a per-method cut-off.

Example::

    >>> import numpy as np
    >>> weighted_sum(np.array([1.0, 0.0]), np.array([0.2, 0.9]), dense_weight=0.5).round(2).tolist()
    [0.5, 0.5]
"""

from __future__ import annotations

import numpy as np


def min_max(scores: np.ndarray) -> np.ndarray:
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    if high - low < 1e-9:
        return np.zeros_like(scores) if high <= 0 else np.ones_like(scores)
    return (scores - low) / (high - low)


def weighted_sum(lexical: np.ndarray, dense: np.ndarray, dense_weight: float) -> np.ndarray:
    return (1.0 - dense_weight) * min_max(lexical) + dense_weight * min_max(dense)


def reciprocal_rank(lexical: np.ndarray, dense: np.ndarray, dense_weight: float = 0.5, k: int = 60) -> np.ndarray:
    def ranks(scores: np.ndarray) -> np.ndarray:
        order = np.argsort(-scores, kind="stable")
        out = np.empty_like(order)
        out[order] = np.arange(1, len(scores) + 1)
        return out

    lex_rr = np.where(lexical > 0, 1.0 / (k + ranks(lexical)), 0.0)
    dense_rr = 1.0 / (k + ranks(dense))
    return 2 * ((1.0 - dense_weight) * lex_rr + dense_weight * dense_rr)


def fuse(lexical: np.ndarray, dense: np.ndarray, method: str, dense_weight: float) -> np.ndarray:
    if method == "rrf":
        return reciprocal_rank(lexical, dense, dense_weight)
    return weighted_sum(lexical, dense, dense_weight)
