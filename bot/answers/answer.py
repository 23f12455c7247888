"""From ranked hits to an answer a member can trust: passages, highlights, or an honest "no".

The answer object is free of any chat service: the console, the JSON output and the
Telegram layouts are all rendered from it. It never invents text: every highlight is a
sentence of an indexed passage. The learned ranking orders the passages and its confidence
picks the band (bot/answers/ranking.py, fitted by bench/train_ranker.py): confident, "not sure"
(the nearest passages, labelled), or not found, which says whom to ask instead.

Example::

    >>> answerer = Answerer(retriever)  # doctest: +SKIP
    >>> answer = answerer.ask("Đại hội bầu Ban Chấp hành mấy đồng chí?")  # doctest: +SKIP
    >>> answer.band, answer.results[0].highlight  # doctest: +SKIP
    (<Band.CONFIDENT: 'confident'>, 'Đại hội đã bầu Ban Chấp hành nhiệm kỳ 2022 - 2024 gồm 03 đồng chí ...')
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, TypeVar

import numpy as np

from bot.answers.highlight import best_sentences, evidence, question_terms
from bot.answers.ranking import (
    FEATURES,
    Band,
    Confidence,
    Ranker,
    confidence_features,
    shipped_confidence,
    shipped_ranker,
)
from bot.search.index import KnowledgeIndex
from bot.search.query import DEFINITION_START, Query, definition_pattern
from bot.search.retrieve import Hit, Retriever
from bot.text import fold

T = TypeVar("T")

# How many candidates the learned ranking orders (bot/answers/ranking.py); more cost sentence scoring.
CANDIDATES = 20


@dataclass
class Result:
    doc_id: str
    title: str
    date: str | None
    kind: str
    source: str
    url: str | None
    heading: str
    passage: str
    highlight: str  # the one or two sentences that best answer the question
    score: float
    path: str | None = None
    replaced_by: str | None = None  # title of the newer version of this document, if any

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """What the answerer found for one question; built once and never changed (a follow-up
    is a new Answer made with :func:`dataclasses.replace`)."""

    question: str
    results: list[Result]
    confidence: float
    abstained: bool
    restored_question: str | None = None  # how the question was read, when not as typed
    seconds: float = 0.0
    follow_up_of: str | None = None  # the previous question a follow-up was read with
    faq_answer: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    band: Band = Band.CONFIDENT  # NOT_SURE: ``results`` are the nearest passages, shown as such

    @property
    def not_sure(self) -> bool:
        return self.band is Band.NOT_SURE

    def summaries(self) -> list[dict[str, Any]]:
        """What the question log keeps of the results (enough to rebuild buttons and send files)."""
        return [{"doc_id": r.doc_id, "title": r.title, "score": r.score, "path": r.path, "heading": r.heading}
                for r in self.results]

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "band": self.band.value,
            "confidence": round(self.confidence, 4),
            "restored_question": self.restored_question,
            "follow_up_of": self.follow_up_of,
            "results": [r.to_dict() for r in self.results],
        }


SHOWN = 3  # results a member sees first (the layouts' SHOWN_FIRST)


def passage_features(hits: Sequence[Hit], query: Query, index: KnowledgeIndex, named: set[str],
                     replaced: dict[str, str]) -> np.ndarray:
    """The ranking features (bot/answers/ranking.py FEATURES, in that order) of each candidate."""
    if not hits:
        return np.zeros((0, len(FEATURES)))
    idf = index.lexical.idf
    evidences = [evidence(h.chunk.text, query, idf) for h in hits]
    best_evidence = max(evidences) or 1.0
    top_score, low_score = hits[0].score, min(h.score for h in hits)
    spread = (top_score - low_score) or 1.0
    best_lexical = max(h.lexical for h in hits) or 1.0
    best_dense = max(h.dense for h in hits)
    kind = question_terms(query.lexical_text)[2]
    defines = definition_pattern(query.defines, DEFINITION_START) if query.defines else None
    size = math.log1p(len(index.chunks))
    rows = []
    for rank, (hit, found) in enumerate(zip(hits, evidences, strict=True)):
        folded = fold(hit.chunk.text)
        doc_rows = index.rows_by_doc.get(hit.doc_id, [hit.row])
        place = doc_rows.index(hit.row) if hit.row in doc_rows else 0
        rows.append([
            1.0 / (1.0 + rank),
            (hit.score - top_score) / spread,
            hit.lexical / best_lexical,
            hit.dense,
            hit.dense - best_dense,
            hit.coverage,
            hit.specificity,
            math.log1p(found),
            found / best_evidence,
            float(kind is not None and bool(kind.search(folded))),
            float(hit.doc_id in named),
            float(bool(query.article) and hit.chunk.article == query.article),
            float(defines is not None and bool(defines.search(folded))),
            float(query.signer and place == len(doc_rows) - 1),
            float(hit.doc_id in replaced),
            place / max(len(doc_rows) - 1, 1),
            size,
        ])
    return np.asarray(rows, dtype=np.float64)


def at_most(items: Sequence[T], document: Callable[[T], str], per_doc: int, k: int) -> list[T]:
    """The first ``k`` items, at most ``per_doc`` of one document (the answerer's hits, and the
    training script's candidate indexes)."""
    taken: dict[str, int] = {}
    out = []
    for item in items:
        doc = document(item)
        if taken.get(doc, 0) < per_doc:
            taken[doc] = taken.get(doc, 0) + 1
            out.append(item)
            if len(out) >= k:
                break
    return out


def _grouped(hits: list[Hit]) -> list[Hit]:
    first_rank: dict[str, int] = {}
    for rank, hit in enumerate(hits):
        first_rank.setdefault(hit.doc_id, rank)
    return sorted(hits, key=lambda h: first_rank[h.doc_id])


class Answerer:
    """Runs retrieval, orders the passages with the learned ranking and picks the answer's band."""

    def __init__(self, retriever: Retriever, threshold: float | None = None, top_k: int = 5, per_doc: int = 3,
                 ranker: Ranker | None = None, sure: Confidence | None = None) -> None:
        self.retriever = retriever
        self.ranker = ranker or shipped_ranker()
        self.sure = sure or shipped_confidence()
        if threshold is not None:  # a deployment's own "not found" threshold (HOIDOAN_ABSTAIN_THRESHOLD)
            self.sure = replace(self.sure, not_sure=threshold, confident=max(threshold, self.sure.confident))
        self.top_k = top_k
        self.per_doc = per_doc

    def candidates(self, query: Query, index: KnowledgeIndex,
                   named: set[str] | None = None) -> tuple[list[Hit], np.ndarray]:
        """The retriever's candidates and their ranking features (the training script uses these too);
        ``named``: the documents the question names, when the caller has them already."""
        vector = self.retriever.query_vector(query)
        hits = self.retriever.search(query, k=CANDIDATES, index=index, per_doc=CANDIDATES, vector=vector)
        if named is None:
            named = self.retriever.named_documents(query, index)
        return hits, passage_features(hits, query, index, named, self.retriever.replaced_by(index))

    def shown(self, query: Query, index: KnowledgeIndex, k: int | None = None) -> tuple[list[Hit], float]:
        """The passages in the order a member sees them (each hit's score is the ranking model's),
        and the probability that the first one answers."""
        named = self.retriever.named_documents(query, index)
        hits, features = self.candidates(query, index, named)
        if not hits:
            return [], 0.0
        scores = self.ranker.scores(features)
        sure = self.sure.probability(confidence_features(features, scores))
        # A cited document number ("QĐ 45-QĐ/ĐTN") names the document exactly: its passages
        # stay first and the answer is confident (the training sets cite too few numbers for
        # the models to learn it).
        cited = named if query.numbers else set()
        order = sorted(range(len(hits)), key=lambda i: (hits[i].doc_id not in cited, -scores[i], i))
        ranked = [replace(hits[i], score=float(scores[i])) for i in order]
        if ranked[0].doc_id in cited:
            sure = max(sure, self.sure.confident)
        return at_most(ranked, lambda h: h.doc_id, self.per_doc, k or self.top_k), sure

    def ask(self, question: str, k: int | None = None) -> Answer:
        started = time.perf_counter()
        text = question.strip()
        if not text or not fold(text).strip(" ?.!"):
            return Answer(question, [], 0.0, True, seconds=time.perf_counter() - started, band=Band.NOT_FOUND)
        index = self.retriever.index
        query = self.retriever.parse(text, index)
        hits, conf = self.shown(query, index, k)
        if self.retriever.names_a_missing_law(query, index):
            conf = 0.0  # "Luật X" that is not in the knowledge base: the nearest law is not the answer
        band = self.sure.band(conf) if hits else Band.NOT_FOUND
        replaced = self.retriever.replaced_by(index)
        # Passages of one document that are shown together stay together under its source
        # (a charter's second article right after its first); what is shown does not change.
        hits = _grouped(hits[:SHOWN]) + _grouped(hits[SHOWN:])
        results = [self._result(hit, query, index.lexical.idf) for hit in hits]
        for result in results:
            newer = index.documents.get(replaced.get(result.doc_id, ""))
            result.replaced_by = newer.title if newer else None
        abstained = band is Band.NOT_FOUND
        shown = self.retriever.abbreviations.spell_out(query.restored)
        return Answer(
            question=question,
            results=[] if abstained else results,
            confidence=conf,
            abstained=abstained,
            restored_question=shown if shown != query.text else None,
            seconds=time.perf_counter() - started,
            extra={"weak_results": results if abstained else []},
            band=band,
        )

    @staticmethod
    def _result(hit: Hit, query: Query, idf: Callable[[str], float]) -> Result:
        doc = hit.doc
        return Result(
            doc_id=doc.doc_id, title=doc.title, date=doc.date, kind=doc.kind, source=doc.source,
            url=doc.url, heading=hit.chunk.heading, passage=hit.chunk.text,
            highlight=best_sentences(hit.chunk.text, query, idf=idf), score=round(hit.score, 4), path=doc.path,
        )
