"""From ranked hits to an answer a member can trust: passages, highlights, or an honest "no".

The answer object is free of any chat service: the console, the JSON output and the
Telegram layouts are all rendered from it. It never invents text: every highlight is a
sentence of an indexed passage. When the best match is weak the answer abstains and
says whom to ask instead (calibrated in bench/bench_abstain.py).

Example::

    >>> answerer = Answerer(retriever, threshold=0.8)  # doctest: +SKIP
    >>> answer = answerer.ask("Đại hội bầu Ban Chấp hành mấy đồng chí?")  # doctest: +SKIP
    >>> answer.abstained, answer.results[0].highlight  # doctest: +SKIP
    (False, 'Đại hội đã bầu Ban Chấp hành nhiệm kỳ 2022 - 2024 gồm 03 đồng chí ...')
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

from bot.lexical import analyze
from bot.retrieve import Hit, Query, Retriever
from bot.text import fold, split_sentences

# Confidence model: a logistic combination of the best passage's cosine similarity
# with the question and the share of the question's syllables it contains. The
# coefficients were fitted on the shared evaluation sets against out-of-scope
# questions (bench/bench_abstain.py prints the fit and the trade-off table).
CONF_BIAS = -27.14
CONF_DENSE = 24.68
CONF_COVERAGE = 9.03


NAMED_DOCUMENT_CONFIDENCE = 0.9


def confidence(dense: float, coverage: float) -> float:
    z = CONF_BIAS + CONF_DENSE * dense + CONF_COVERAGE * coverage
    return 1.0 / (1.0 + math.exp(-z))


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

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Answer:
    question: str
    results: list[Result]
    confidence: float
    abstained: bool
    restored_question: str | None = None  # how the question was read, when not as typed
    seconds: float = 0.0
    follow_up_of: str | None = None  # the previous question a follow-up was read with
    faq_answer: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def summaries(self) -> list[dict[str, object]]:
        """What the question log keeps of the results (enough to rebuild buttons and send files)."""
        return [{"doc_id": r.doc_id, "title": r.title, "score": r.score, "path": r.path, "heading": r.heading}
                for r in self.results]

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "restored_question": self.restored_question,
            "follow_up_of": self.follow_up_of,
            "results": [r.to_dict() for r in self.results],
        }


def best_sentences(passage: str, query: Query, limit: int = 2) -> str:
    """The sentence (or two adjacent ones) sharing the most question words, by IDF-free overlap.

    Bigrams count double so "đoàn viên" beats a sentence that has "đoàn" and "viên" apart.
    """
    sentences = split_sentences(passage)
    if not sentences:
        return ""
    wanted = set(analyze(query.lexical_text))
    if not wanted:
        return sentences[0]

    def score(text: str) -> float:
        tokens = set(analyze(text))
        return sum(2.0 if "_" in t else 1.0 for t in tokens & wanted)

    # Overlap per square root of length: a long sentence must not win by size alone.
    scores = [score(s) / max(len(analyze(s, bigrams=False)), 1) ** 0.5 for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    if scores[best] == 0:
        return sentences[0]
    chosen = [best]
    if limit > 1 and len(sentences) > 1:
        # Add the neighbour when it also answers (numbers and lists often continue).
        neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(sentences)]
        extra = max(neighbours, key=lambda i: scores[i])
        if scores[extra] >= 0.75 * scores[best]:
            chosen.append(extra)
    first, last = sentences[min(chosen)], sentences[max(chosen)]
    # Return the exact span of the passage, so layouts can find and mark it.
    start = passage.find(first)
    end = passage.find(last, start) + len(last)
    return passage[start:end] if start >= 0 and end >= start else first


class Answerer:
    """Runs retrieval and decides between answering and abstaining."""

    def __init__(self, retriever: Retriever, threshold: float = 0.5, top_k: int = 5, per_doc: int = 3) -> None:
        self.retriever = retriever
        self.threshold = threshold
        self.top_k = top_k
        self.per_doc = per_doc

    def ask(self, question: str, k: int | None = None) -> Answer:
        started = time.perf_counter()
        text = question.strip()
        if not text or not fold(text).strip(" ?.!"):
            return Answer(question, [], 0.0, True, seconds=time.perf_counter() - started)
        index = self.retriever.index
        query = self.retriever.parse(text, index)
        hits = self.retriever.search(query, k=k or self.top_k, index=index, per_doc=self.per_doc)
        conf = confidence(hits[0].dense, hits[0].coverage) if hits else 0.0
        if hits and hits[0].doc_id in self.retriever.named_documents(query, index):
            conf = max(conf, NAMED_DOCUMENT_CONFIDENCE)  # the member cited this very document's number
        if self.retriever.names_a_missing_law(query, index):
            conf = 0.0  # "Luật X" that is not in the knowledge base: the nearest law is not the answer
        results = [self._result(hit, query) for hit in hits]
        abstained = conf < self.threshold
        shown = self.retriever.abbreviations.spell_out(query.restored)
        return Answer(
            question=question,
            results=[] if abstained else results,
            confidence=conf,
            abstained=abstained,
            restored_question=shown if shown != query.text else None,
            seconds=time.perf_counter() - started,
            extra={"weak_results": results if abstained else []},
        )

    @staticmethod
    def _result(hit: Hit, query: Query) -> Result:
        doc = hit.doc
        return Result(
            doc_id=doc.doc_id, title=doc.title, date=doc.date, kind=doc.kind, source=doc.source,
            url=doc.url, heading=hit.chunk.heading, passage=hit.chunk.text,
            highlight=best_sentences(hit.chunk.text, query), score=round(hit.score, 4), path=doc.path,
        )
