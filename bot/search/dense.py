"""Dense search: a FAISS inner-product index over normalised passage embeddings.

An exact flat index is used on purpose: a union knowledge base holds thousands of
passages, not millions, and at that size exact search takes well under a millisecond
while needing no training and giving reproducible results.

Example::

    >>> import numpy as np
    >>> index = DenseIndex.build(np.eye(3, dtype="float32"))
    >>> index.scores(np.array([0, 1, 0], dtype="float32")).tolist()
    [0.0, 1.0, 0.0]
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

# Exact search over thousands of vectors takes well under a millisecond on one thread;
# FAISS's OpenMP workers would only compete with torch's for the two cores.
faiss.omp_set_num_threads(1)


class DenseIndex:
    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def build(cls, vectors: np.ndarray, dimension: int | None = None) -> DenseIndex:
        dim = int(vectors.shape[1]) if vectors.size else int(dimension or 0)
        index = faiss.IndexFlatIP(dim)
        if vectors.size:
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query with every passage, in passage order."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        sims, ids = self.index.search(query.reshape(1, -1).astype(np.float32), self.size)
        out = np.empty(self.size, dtype=np.float32)
        out[ids[0]] = sims[0]
        return out

    def vectors(self) -> np.ndarray:
        if not self.size:
            return np.zeros((0, self.index.d), dtype=np.float32)
        return self.index.reconstruct_n(0, self.size)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        return cls(faiss.read_index(str(path)))
