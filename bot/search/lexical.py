"""Lexical search: BM25 over accent-folded syllables (and syllable bigrams).

Members often type without diacritics, so both passages and questions are folded
("Đoàn viên" -> "doan vien") before matching. Vietnamese words are mostly two
syllables, so adjacent-syllable bigrams are indexed too: "doan_vien" then outranks
passages that merely contain "doan" and "vien" far apart.

Folding merges words a member told apart: "cờ" (flag), "có" (have) and "cơ" all become
"co", so "Cờ Đoàn có kích thước thế nào?" would match every passage with "có". Passages
therefore also carry their syllables as written ("~cờ"), and a question typed with
diacritics adds its own: the rare "~cờ" then counts for what it is. A question typed
without diacritics searches folded syllables only (its restored accents are a guess).

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

from bot.text import accented_tokens, folded_tokens, has_diacritics

ACCENTED = "~"  # prefix of a syllable as written, next to its folded form


def analyze(text: str, bigrams: bool = True, accents: bool = False) -> list[str]:
    tokens = folded_tokens(text)
    if bigrams:
        tokens = tokens + [f"{a}_{b}" for a, b in pairwise(tokens)]
    if accents:
        tokens = tokens + [ACCENTED + t for t in accented_tokens(text)]
    return tokens


class LexicalIndex:
    """A BM25 index whose rows line up with the chunk list of the index version."""

    def __init__(self, model: bm25s.BM25, size: int, bigrams: bool = True, accents: bool = False) -> None:
        self.model = model
        self.size = size
        self.bigrams = bigrams
        self.accents = accents  # whether passages carry their syllables as written

    @classmethod
    def build(cls, texts: list[str], bigrams: bool = True, k1: float = 1.2, b: float = 0.75,
              accents: bool = True) -> LexicalIndex:
        model = bm25s.BM25(k1=k1, b=b)
        corpus = [analyze(t, bigrams, accents) or [""] for t in texts]
        if corpus:
            model.index(corpus, show_progress=False)
        return cls(model, len(texts), bigrams, accents)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage (zeros for an empty index or query)."""
        tokens = analyze(query, self.bigrams, self.accents and has_diacritics(query))
        if not self.size or not tokens:
            return np.zeros(self.size, dtype=np.float32)
        known = [t for t in tokens if t in self.model.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)

    def idf(self, token: str) -> float:
        """BM25 inverse document frequency; a token no passage has gets the highest."""
        n = self.size
        token_id = self.model.vocab_dict.get(token) if n else None
        if token_id is None:
            df = 0
        else:
            indptr = self.model.scores["indptr"]
            df = int(indptr[token_id + 1] - indptr[token_id])
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.size:
            self.model.save(str(path), show_progress=False)
        (path / "hoidoan.txt").write_text(f"{self.size} {int(self.bigrams)} {int(self.accents)}\n")

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        size, bigrams, *accents = (int(x) for x in (path / "hoidoan.txt").read_text().split())
        model = bm25s.BM25.load(str(path), show_progress=False) if size else bm25s.BM25()
        return cls(model, size, bool(bigrams), bool(accents and accents[0]))  # older versions: folded only
