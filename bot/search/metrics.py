"""Retrieval metrics: recall@k and MRR@k over ranked document ids.

A question counts as answered at k when any of its gold documents is in the top k.

Example::

    >>> recall_at([["a", "b"], ["c", "d"]], [{"b"}, {"x"}], 1)
    0.0
    >>> mrr_at([["a", "b"], ["c", "d"]], [{"b"}, {"c"}], 10)
    0.75
"""

from __future__ import annotations

from collections.abc import Sequence


def recall_at(ranked: Sequence[Sequence[str]], gold: Sequence[set[str]], k: int) -> float:
    if not ranked:
        return 0.0
    return sum(1 for r, g in zip(ranked, gold, strict=True) if g & set(r[:k])) / len(ranked)


def mrr_at(ranked: Sequence[Sequence[str]], gold: Sequence[set[str]], k: int) -> float:
    if not ranked:
        return 0.0
    total = 0.0
    for r, g in zip(ranked, gold, strict=True):
        for position, doc_id in enumerate(r[:k], 1):
            if doc_id in g:
                total += 1.0 / position
                break
    return total / len(ranked)


def summary(ranked: Sequence[Sequence[str]], gold: Sequence[set[str]]) -> dict[str, float]:
    return {
        "n": len(ranked),
        "recall@1": recall_at(ranked, gold, 1),
        "recall@5": recall_at(ranked, gold, 5),
        "recall@10": recall_at(ranked, gold, 10),
        "mrr@10": mrr_at(ranked, gold, 10),
    }
