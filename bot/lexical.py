"""Lexical search: BM25 over accent-folded syllables (and syllable bigrams).

Members often type without diacritics, so both passages and questions are folded
("Đoàn viên" -> "doan vien") before matching. Vietnamese words are mostly two
syllables, so adjacent-syllable bigrams are indexed too: "doan_vien" then outranks
passages that merely contain "doan" and "vien" far apart.

Example::

    >>> index = LexicalIndex.build(["Kết nạp đoàn viên", "Công đoàn cơ sở"])
    >>> int(index.scores("ket nap doan vien").argmax())
    0
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import bm25s
import numpy as np

from bot.text import folded_tokens


def analyze(text: str, bigrams: bool = True) -> list[str]:
    tokens = folded_tokens(text)
    if bigrams:
        tokens = tokens + [f"{a}_{b}" for a, b in pairwise(tokens)]
    return tokens


class LexicalIndex:
    """A BM25 index whose rows line up with the chunk list of the index version."""

    def __init__(self, model: bm25s.BM25, size: int, bigrams: bool = True) -> None:
        self.model = model
        self.size = size
        self.bigrams = bigrams

    @classmethod
    def build(cls, texts: list[str], bigrams: bool = True, k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        model = bm25s.BM25(k1=k1, b=b)
        corpus = [analyze(t, bigrams) or [""] for t in texts]
        if corpus:
            model.index(corpus, show_progress=False)
        return cls(model, len(texts), bigrams)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage (zeros for an empty index or query)."""
        tokens = analyze(query, self.bigrams)
        if not self.size or not tokens:
            return np.zeros(self.size, dtype=np.float32)
        known = [t for t in tokens if t in self.model.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.size:
            self.model.save(str(path), show_progress=False)
        (path / "hoidoan.txt").write_text(f"{self.size} {int(self.bigrams)}\n")

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        size, bigrams = (int(x) for x in (path / "hoidoan.txt").read_text().split())
        model = bm25s.BM25.load(str(path), show_progress=False) if size else bm25s.BM25()
        return cls(model, size, bool(bigrams))
