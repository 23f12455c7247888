"""Hybrid retrieval: how a member's question becomes a ranked list of documents.

Steps, each measured (bench/bench_retrieval.py):
1. normalise the question; when it has no diacritics, restore them for the dense model
   (BM25 works on folded text either way);
2. expand union abbreviations (BCH -> Ban Chấp hành);
3. score every passage with BM25 and with the embedding model, fuse the two;
4. a question naming "Điều N" puts that article's passages first;
5. rank passages, at most ``per_doc`` of one document (the answerer shows a long
   charter's two best articles; document rankings for the benchmarks use one).

Example::

    >>> retriever = Retriever(index, embedder)  # doctest: +SKIP
    >>> hits = retriever.search("ket nap doan may tuoi", k=3)  # doctest: +SKIP
    >>> hits[0].title  # doctest: +SKIP
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.documents.chunk import Chunk
from bot.search.abbrev import Abbreviations
from bot.search.embed import Embedder
from bot.search.fusion import fuse
from bot.search.index import DocInfo, KnowledgeIndex
from bot.search.lexical import analyze
from bot.search.query import (
    ARTICLE_QUERY,
    DEFINITION_QUERY,
    DEFINITION_START,
    DEFINITION_WORDS,
    LAW_NAME,
    SIGNER_QUERY,
    Query,
    definition_pattern,
    document_numbers,
    number_key,
    with_aliases,
    without_cited_numbers,
)
from bot.text import INTERROGATIVES, fold, has_diacritics, normalize

ARTICLE_BOOST = 1.0
NUMBER_BOOST = 0.5
LAW_BOOST = 0.2  # a law's name is also cited inside other laws' articles: a lighter hand
SIGNER_BOOST = 0.6
DEFINITION_CANDIDATES = 30
DEFINITION_BOOST = 0.3
# An older version of a document (bot/answers/versions.py) yields to the newer one: its passages are
# still found when only it answers, and are then labelled as replaced.
SUPERSEDED_PENALTY = 0.3


def _nudge(fused: np.ndarray, rows: Sequence[bool] | np.ndarray, weight: float) -> np.ndarray:
    """Move the chosen passages by ``weight`` times the current spread of the scores (a boost
    when positive, a penalty when negative)."""
    return fused + weight * np.asarray(rows, dtype=np.float64) * (fused.max() - fused.min() + 1e-9)


@dataclass(frozen=True)
class Hit:
    """One document in the ranking, with its best passage."""

    doc: DocInfo
    chunk: Chunk
    row: int
    score: float  # fused score of the best passage (for ranking only)
    dense: float  # cosine similarity of the best passage with the question
    coverage: float  # share of the question's folded syllables (less its question words) in the passage
    specificity: float = 1.0  # the same share weighted by rarity (IDF): the telling words found
    lexical: float = 0.0  # BM25 score of the passage

    @property
    def doc_id(self) -> str:
        return self.doc.doc_id

    @property
    def title(self) -> str:
        return self.doc.title


class Retriever:
    """Answers ``search(question)`` against one :class:`KnowledgeIndex` at a time."""

    def __init__(self, index: KnowledgeIndex, embedder: Embedder,
                 abbreviations: Abbreviations | None = None, fusion: str = "weighted",
                 dense_weight: float = 0.5) -> None:
        self.index = index
        self.embedder = embedder
        self.abbreviations = abbreviations or Abbreviations()
        self.fusion = fusion
        self.dense_weight = dense_weight
        self._swap_lock = threading.Lock()
        # old document id -> the id of the version replacing it (set by the engine)
        self.replaced_by: Callable[[KnowledgeIndex], dict[str, str]] = lambda index: {}

    def swap_index(self, index: KnowledgeIndex) -> None:
        """Serve a new index version; searches already running finish on the old one."""
        with self._swap_lock:
            self.index = index

    def parse(self, question: str, index: KnowledgeIndex | None = None) -> Query:
        index = index or self.index
        text = normalize(question).strip()
        restored = text if has_diacritics(text) else index.restorer.restore(text)
        folded = fold(text)
        article = ARTICLE_QUERY.search(folded)
        law = LAW_NAME.search(fold(restored))
        return Query(text, restored, tuple(self.abbreviations.find(text)),
                     article.group(1) if article else None,
                     tuple(number_key(m.group(0)) for m in document_numbers(text)),
                     " ".join(law.group(1).split()) if law else None,
                     bool(SIGNER_QUERY.search(folded)),
                     tuple(self.abbreviations.pairs(text)),
                     self._defined_terms(text))

    def _defined_terms(self, text: str) -> tuple[str, ...]:
        """The term a "X là gì?" question asks about, as typed and with abbreviations spelled out."""
        match = DEFINITION_QUERY.match(" ".join(fold(text).strip(" ?.!").split()))
        if not match:
            return ()
        subject = (match.group("lead") or match.group("trail")).strip()
        if not subject or len(subject.split()) > DEFINITION_WORDS:
            return ()
        terms = {subject, " ".join(fold(self.abbreviations.spell_out(subject)).split())}
        # "Thanh niên xung phong (TNXP)": the name without its abbreviation in brackets
        terms |= {" ".join(re.sub(r"\([^)]*\)", " ", t).split()) for t in terms}
        return tuple(sorted(t for t in terms if t))

    @staticmethod
    def _document_names(index: KnowledgeIndex) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """(doc id, folded title, kind, number keys) per document, computed once per index version.
        The keys are its number and, when the number has no year ("991/QĐ-UBND"), its number
        with the year of its date ("991/2008"), the way members cite it."""
        def keys(d: DocInfo) -> tuple[str, ...]:
            if not d.number:
                return ()
            key = number_key(d.number)
            first = key.split("/")[0]
            if d.date and first.isdigit() and not re.search(r"/(?:19|20)\d\d\b", key):
                return key, f"{first}/{d.date[:4]}"
            return (key,)
        return index.derived("document_names", lambda: [
            (d.doc_id, fold(d.title), d.kind, keys(d)) for d in index.documents.values()])

    @staticmethod
    def _last_passages(index: KnowledgeIndex) -> np.ndarray:
        """1.0 for each document's last passage (where the signature block is), once per index."""
        def build() -> np.ndarray:
            last = np.zeros(len(index.chunks), dtype=np.float64)
            last[[rows[-1] for rows in index.rows_by_doc.values()]] = 1.0
            return last
        return index.derived("last_passages", build)

    def named_documents(self, query: Query, index: KnowledgeIndex | None = None) -> set[str]:
        """Documents the question names: by the number it cites, or by the law's name."""
        if not query.numbers and not query.law_name:
            return set()
        named = set()
        for doc_id, title, kind, numbers in self._document_names(index or self.index):
            cited = any(n == key or n.endswith(key) or key.startswith(f"{n}/")
                        for key in numbers for n in query.numbers)
            by_name = query.law_name is not None and kind == "law" and query.law_name in title
            if cited or by_name:
                named.add(doc_id)
        return named

    def names_a_missing_law(self, query: Query, index: KnowledgeIndex | None = None) -> bool:
        """The question names a law ("Luật An toàn thông tin mạng") that no document is."""
        if not query.law_name:
            return False
        head = " ".join(query.law_name.split()[:3])  # "an toan thong tin mang" -> "an toan thong"
        return not any(head in title for _, title, _, _ in self._document_names(index or self.index))

    @staticmethod
    def _defines(query: Query, index: KnowledgeIndex, fused: np.ndarray) -> np.ndarray:
        """1.0 for each of the best passages that defines the question's term."""
        definition = definition_pattern(query.defines, DEFINITION_START)
        rows = np.zeros(len(fused), dtype=np.float64)
        for row in np.argsort(-fused, kind="stable")[:DEFINITION_CANDIDATES]:
            if definition.search(fold(index.chunks[int(row)].text)):
                rows[row] = 1.0
        return rows

    def query_vector(self, query: Query) -> np.ndarray:
        """The question's embedding (a caller that needs it after the search passes it in)."""
        return self.embedder.encode_queries([query.dense_text])[0]

    def score_passages(self, query: Query, method: str = "hybrid", index: KnowledgeIndex | None = None,
                       vector: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(fused, lexical, dense) scores of every passage for the query."""
        index = index or self.index
        n = len(index.chunks)
        lexical = index.lexical.scores(query.lexical_text) if method != "dense" else np.zeros(n, np.float32)
        if method != "lexical" and n:
            dense = index.dense.scores(self.query_vector(query) if vector is None else vector)
        else:
            dense = np.zeros(n, dtype=np.float32)
        if method == "lexical":
            fused = lexical.astype(np.float64)
        elif method == "dense":
            fused = dense.astype(np.float64)
        else:
            fused = fuse(lexical, dense, self.fusion, self.dense_weight)
        if not n:
            return fused, lexical, dense
        named = self.named_documents(query, index)
        named_rows = np.array([c.doc_id in named for c in index.chunks]) if named else None
        if named_rows is not None and query.numbers and method == "hybrid":
            # The cited number found its document; inside it, the rest of the question picks
            # the passage (not the header that repeats the number).
            within = fuse(index.lexical.scores(without_cited_numbers(query.lexical_text)), dense,
                          self.fusion, self.dense_weight)
            fused = np.where(named_rows, within, fused)
        if query.article:
            fused = _nudge(fused, [c.article == query.article for c in index.chunks], ARTICLE_BOOST)
        if query.signer:
            fused = _nudge(fused, self._last_passages(index), SIGNER_BOOST)
        replaced = self.replaced_by(index)
        if replaced:
            fused = _nudge(fused, [c.doc_id in replaced for c in index.chunks], -SUPERSEDED_PENALTY)
        if query.defines:
            fused = _nudge(fused, self._defines(query, index, fused), DEFINITION_BOOST)
        if named_rows is not None:  # "QĐ 991/QĐ-UBND ...", "Luật Thanh niên ...": that document's passages first
            fused = _nudge(fused, named_rows, NUMBER_BOOST if query.numbers else LAW_BOOST)
        return fused, lexical, dense

    def search(self, question: str | Query, k: int = 5, method: str = "hybrid",
               index: KnowledgeIndex | None = None, per_doc: int = 1, vector: np.ndarray | None = None) -> list[Hit]:
        """The ``k`` best passages, at most ``per_doc`` from one document (1: a document ranking);
        ``vector``: the question's embedding when the caller has it already."""
        index = index or self.index  # one version for the whole search, even if swapped meanwhile
        text = question.text if isinstance(question, Query) else question
        if not text.strip() or not index.chunks:
            return []
        query = question if isinstance(question, Query) else self.parse(question, index)
        fused, lexical, dense = self.score_passages(query, method, index, vector)
        order = np.argsort(-fused, kind="stable")
        hits: list[Hit] = []
        taken: dict[str, int] = {}
        # What the passage should hold: the question's words, not its question words.
        query_tokens = set(analyze(query.lexical_text, bigrams=False)) - INTERROGATIVES
        aliases = [(set(analyze(a, bigrams=False)), set(analyze(e, bigrams=False))) for a, e in query.aliases]
        # Rare words say what a question is about ("nông dân", "căn cước"); very short tokens
        # are mostly slang or typing shortcuts ("ko", "đc") and say nothing.
        weights = {t: index.lexical.idf(t) for t in query_tokens if len(t) > 2}
        total_weight = sum(weights.values())
        for row in order:
            chunk = index.chunks[int(row)]
            if taken.get(chunk.doc_id, 0) >= per_doc:
                continue
            taken[chunk.doc_id] = taken.get(chunk.doc_id, 0) + 1
            passage_tokens = with_aliases(set(analyze(chunk.index_text, bigrams=False)), aliases)
            coverage = len(query_tokens & passage_tokens) / max(len(query_tokens), 1)
            specificity = (sum(w for t, w in weights.items() if t in passage_tokens) / total_weight
                           if total_weight else 1.0)
            hits.append(Hit(index.documents[chunk.doc_id], chunk, int(row), float(fused[row]),
                            float(dense[row]), coverage, specificity, float(lexical[row])))
            if len(hits) >= k:
                break
        return hits
