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

import itertools
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np

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
from bot.search.lexical import analyze
from bot.search.retrieve import DEFINITION_START, Hit, Query, Retriever, definition_pattern, without_citations
from bot.text import fold, folded_tokens, split_sentences, word_count

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


# What kind of answer a question wants, from its folded words: a sentence with a number
# answers "bao nhiêu", one with a date answers "khi nào".
WANTS_NUMBER = re.compile(r"\b(?:bao nhieu|may)\b")
WANTS_DATE = re.compile(r"\b(?:khi nao|bao gio|ngay nao|thoi gian nao|nam nao|thang nao|luc nao)\b")
HAS_NUMBER = re.compile(r"\d|\b(?:hai|ba|bon|sau|bay|tam|chin|muoi|tram|nghin|trieu)\b")
HAS_DATE = re.compile(r"\d{1,2}/\d{1,2}|\bngay \d|\bthang \d|\bnam \d{4}|\b(?:19|20)\d\d\b")
KIND_BONUS = 2.0
# A line's enumeration is not a number that answers ("3. Ngưỡng đảm bảo chất lượng đầu vào").
LIST_MARKER = re.compile(r"^[\s*_#>|\-\u2013\u2022+]*(?:(?:Điều|Khoản|Mục|Chương|Phần)\s+[0-9IVXLC]+[a-zđ]?[.:]?"
                         r"|\(?\d+(?:\.\d+)*[.)]|\(?[a-zđ][.)])\s", re.IGNORECASE)
ASKING_PENALTY = 0.2  # "**Đoàn viên công đoàn có quyền gì?**" restates the question, never answers it
SHORT_WORDS = 5  # a shorter line is a name or a heading: it rarely answers by itself
SHORT_PENALTY = 0.5
NEWS_WORDS = 2  # an answer adds at least this many words the question does not have
NO_NEWS_PENALTY = 0.3
# A question wanting a number or a date is not answered by a title line without one
# (bench_answers: 0.3-0.7 give the same; applied to every question it loses a real document's).
HEADING_WORDS = 10
HEADING_PENALTY = 0.5
NEIGHBOUR_SHARE = 0.75  # a neighbouring sentence or clause scoring this share of the best one is shown too
DEFINITION_BONUS = 2.0  # "X là gì?": the line that starts "X là ..." (as KIND_BONUS for a number)


def _is_label(sentence: str) -> bool:
    """A heading or a label whose answer follows it ("2. Hình thức kỷ luật:", "Trụ sở")."""
    text = sentence.strip(" *#_")
    return text.endswith(":") or (len(text.split()) <= 8 and not text.endswith((".", "!", ";", "?", ")")))


def _is_heading(line: str) -> bool:
    """A title line ("Nghị quyết Đại hội Đoàn toàn quốc lần thứ XII"): short, no end mark, not a
    table row or list item (those answer: "| Bí thư thứ nhất | Bùi Quang Huy |", "- Nền đỏ")."""
    text = line.strip(" *#_")
    return (len(text.split()) <= HEADING_WORDS and not text.endswith((".", "!", ";", "?", ")", ":"))
            and not text.startswith(("|", "-", "+", "•", "–")))


def _continues(previous: str, line: str) -> bool:
    """A line broken inside a sentence: the previous one has no end mark, this one starts lower-case."""
    return not previous.rstrip().endswith((".", ":", ";", "!", "?")) and line[:1].islower()


@dataclass(frozen=True)
class _Units:
    """A passage cut for scoring: its lines, and the sentences they form (a line broken
    inside a sentence goes with the rest of it), with each sentence's tokens and words."""

    sentences: tuple[str, ...]
    lines: tuple[tuple[int, ...], ...]  # indexes into ``sentences``, per sentence
    tokens: tuple[frozenset[str], ...]  # folded syllables and bigrams
    words: tuple[tuple[str, ...], ...]  # folded syllables in order
    asks: tuple[bool, ...]  # ends with "?": restates a question
    content: tuple[str, ...]  # folded words after a leading "3.", "a)", "Điều 5.": where a number answers


@lru_cache(maxsize=2048)  # the same passages come back question after question
def _units(passage: str) -> _Units:
    sentences = split_sentences(passage)
    groups: list[list[int]] = []
    for i, line in enumerate(sentences):
        if groups and _continues(sentences[i - 1], line):
            groups[-1].append(i)
        else:
            groups.append([i])
    texts = ["\n".join(sentences[i] for i in group) for group in groups]
    return _Units(tuple(sentences), tuple(tuple(g) for g in groups), tuple(frozenset(analyze(t)) for t in texts),
                  tuple(tuple(folded_tokens(t)) for t in texts), tuple(t.rstrip(" *_").endswith("?") for t in texts),
                  tuple(" ".join(folded_tokens(LIST_MARKER.sub("", t, count=1))) for t in texts))


# Where a defining line may start, once its list marker is off: quotes or emphasis only.
DEFINITION_LINE = r"^[\s*_\"\u201c']*"


@lru_cache(maxsize=256)
def _question(text: str) -> tuple[frozenset[str], frozenset[str], re.Pattern[str] | None]:
    """The question's tokens, its words, and the kind of answer it wants (a number, a date);
    a document number or a law's name it cites counts for none of them (it chose the document
    already)."""
    text = without_citations(text)
    folded = fold(text)
    kind = HAS_NUMBER if WANTS_NUMBER.search(folded) else HAS_DATE if WANTS_DATE.search(folded) else None
    return frozenset(analyze(text)), frozenset(folded_tokens(text)), kind


def sentence_scores(passage: str, query: Query, idf: Callable[[str], float] | None = None,
                    within_passage: bool = True) -> tuple[list[str], list[float]]:
    """The passage's sentences and how well each answers the question: question words
    (weighted by rarity when ``idf`` is given; bigrams count double, so "đoàn viên" beats
    a sentence that has "đoàn" and "viên" apart), the kind of answer asked for (a number,
    a date), less for a line that only restates the question or is too short to answer.

    ``within_passage`` picks a sentence inside one passage: words of the passage's topic
    count less, and so does a line with nothing but the question's words. Without it the
    scores compare passages (:func:`evidence`)."""
    passage_units = _units(passage)
    sentences = list(passage_units.sentences)
    wanted, question_words, kind = _question(query.lexical_text)
    if not sentences or not wanted:
        return sentences, [0.0] * len(sentences)
    weight = {t: (idf(t) if idf and "_" not in t else 1.0) for t in wanted}
    mean = sum(weight.values()) / len(weight)
    weight = {t: 2.0 * mean if "_" in t else w for t, w in weight.items()}
    terms = [tokens & wanted for tokens in passage_units.tokens]
    # The passage's topic ("Đoàn Thanh niên Cộng sản Hồ Chí Minh") is in most of its
    # sentences and tells none apart: a question word counts less the more sentences have it.
    n = len(passage_units.lines)
    spread = {t: sum(t in found for found in terms) for t in wanted}
    local = {t: math.log(1.0 + n / spread[t]) / math.log(2.0) if spread[t] else 0.0 for t in wanted} \
        if within_passage else dict.fromkeys(wanted, 1.0)

    defines = definition_pattern(query.defines, DEFINITION_LINE) if within_passage and query.defines else None
    scores = [0.0] * len(sentences)
    for u, common in enumerate(terms):
        if not common:
            continue
        words = passage_units.words[u]
        value = sum(weight[t] * local[t] for t in common)
        # Overlap per square root of length: a long sentence must not win by size alone.
        value /= max(len(words), 1) ** 0.5
        if passage_units.asks[u]:
            value *= ASKING_PENALTY
        if len(words) < SHORT_WORDS:
            value *= SHORT_PENALTY
        if within_passage and sum(w not in question_words for w in words) < NEWS_WORDS:
            value *= NO_NEWS_PENALTY  # only the question's own words: a title, not an answer
        first_line = sentences[passage_units.lines[u][0]]
        if defines is not None and defines.match(fold(LIST_MARKER.sub("", first_line, count=1))):
            value *= DEFINITION_BONUS  # "3. Không gian mạng là ...", not "4. Không gian mạng quốc gia là ..."
        if kind is not None and kind.search(passage_units.content[u]):
            value *= KIND_BONUS
        elif kind is not None and within_passage and _is_heading(first_line):
            value *= HEADING_PENALTY  # a title naming the subject does not say when or how many
        for i in passage_units.lines[u]:
            scores[i] = value
    return sentences, scores


def evidence(passage: str, query: Query, idf: Callable[[str], float] | None = None) -> float:
    """How well the passage's best sentence answers, comparable between passages: an answer
    usually has the question's words together in one sentence, not spread over a page."""
    return max(sentence_scores(passage, query, idf, within_passage=False)[1], default=0.0)


# "Do ai ký?" is answered by the signature block: the signing capacity ("TM. ỦY BAN NHÂN DÂN",
# "KT. BỘ TRƯỞNG", "CHỦ TỊCH") and, a few lines below, the signer's name.
SIGNING_ROLE = re.compile(r"^(?:(?:tm|kt|tl|tuq|q|t/m)\.\s*\S|(?:pho\s+)?(?:chu tich|bo truong|thu truong|thu tuong"
                          r"|giam doc|tong giam doc|bi thu|truong ban|thong doc|hieu truong|chanh van phong"
                          r"|chu nhiem|vien truong|cuc truong|vu truong)\b)")
SIGNER_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹA-ZĐÀ-Ỹ]*\s+){1,5}[A-ZĐÀ-Ỹ][a-zđà-ỹA-ZĐÀ-Ỹ]*$")
SIGNER_GAP = 4  # lines between the capacity and the name ("(đã ký)", a seal, blank table cells)
ROLE_WORDS = 8


def _signing_role(cell: str) -> bool:
    """A capacity line: short, no sentence ("Chủ tịch công đoàn có nhiệm vụ ..." is not one)."""
    return (len(cell.split()) <= ROLE_WORDS and not cell.endswith((".", ":", ";"))
            and bool(SIGNING_ROLE.match(fold(cell).lower())))


def signature_block(passage: str) -> str | None:
    """The passage's last signature block as an exact span of it, or None. A table row is
    read cell by cell: the signature sits beside "Nơi nhận:" in a letterhead table."""
    lines = passage.split("\n")
    cells = [[c.strip(" *_") for c in line.split("|") if c.strip(" *_")] for line in lines]
    role = [any(_signing_role(c) for c in row) for row in cells]
    name = [any(SIGNER_NAME.match(c) and not _signing_role(c) for c in row) for row in cells]
    found: tuple[int, int] | None = None
    i = 0
    while i < len(lines):
        if not role[i]:
            i += 1
            continue
        first = i
        while i + 1 < len(lines) and role[i + 1]:
            i += 1  # "KT. THỐNG ĐỐC" then "PHÓ THỐNG ĐỐC"
        names = [j for j in range(i + 1, min(len(lines), i + 2 + SIGNER_GAP)) if name[j]]
        if names:
            found = (first, names[0])
            i = names[0]
        i += 1
    if found is None:
        return None
    start = sum(len(line) + 1 for line in lines[:found[0]])
    end = sum(len(line) + 1 for line in lines[:found[1] + 1]) - 1
    return passage[start:end].strip("\n") or None


def _answering_neighbour(scores: list[float], best: int) -> int | None:
    """The better-scoring neighbour of ``best`` when it scores NEIGHBOUR_SHARE of it (it answers too)."""
    neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(scores)]
    if not neighbours:
        return None
    extra = max(neighbours, key=lambda i: scores[i])
    return extra if scores[extra] >= NEIGHBOUR_SHARE * scores[best] else None


def best_sentences(passage: str, query: Query, limit: int = 2,
                   idf: Callable[[str], float] | None = None, shown: bool = True) -> str:
    """The sentence (or two adjacent ones) that answers (:func:`sentence_scores`), never a
    fragment of a broken line. As shown to members (``shown``), a "do ai ký?" question gets
    the signature block and a long sentence its answering clause; without ``shown``, the whole
    sentence(s) the confidence model was fitted on."""
    if shown and query.signer:
        block = signature_block(passage)
        if block:
            return block
    sentences, scores = sentence_scores(passage, query, idf)
    if not sentences:
        return ""
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    if scores[best] == 0:
        return sentences[0]
    chosen = [best]
    if limit > 1 and len(sentences) > 1:
        if _is_label(sentences[best]):
            # The answer follows its label: the next line with words, and the one after it
            # when that line only introduces a list ("... một trong những hình thức sau:").
            following = [i for i in range(best + 1, len(sentences)) if word_count(sentences[i]) >= 3][:2]
            if following:
                chosen.append(following[0])
                if len(following) > 1 and sentences[following[0]].rstrip().endswith(":"):
                    chosen.append(following[1])
        else:
            # Add the neighbour when it also answers (numbers and lists often continue).
            extra = _answering_neighbour(scores, best)
            if extra is not None:
                chosen.append(extra)
    # A line broken inside a sentence is shown whole: from its sentence's first line to the last.
    sentence_of = {i: lines for lines in _units(passage).lines for i in lines}
    first, last = sentence_of[min(chosen)][0], sentence_of[max(chosen)][-1]
    # Return the exact span of the passage, so layouts can find and mark it.
    start = passage.find(sentences[first])
    end = passage.find(sentences[last], max(start, 0)) + len(sentences[last])
    span = passage[start:end] if start >= 0 and end >= start else sentences[best]
    return _narrowed(span, query, idf) if shown else span


# A news article's sentence can run to a paragraph ("... chỉ tiêu chủ yếu: 100% cán bộ ...;
# 100% đoàn viên ...; phấn đấu nhiệm kỳ có từ 02 đến 03 đoàn viên ưu tú được kết nạp vào
# Đảng"): a highlight that long is narrowed to the clause (between semicolons) that answers.
LONG_HIGHLIGHT_WORDS = 40
CLAUSE_BREAK = re.compile(r"(?<=;)\s+")


def _narrowed(span: str, query: Query, idf: Callable[[str], float] | None) -> str:
    """The clause of a long highlight that answers, with the next one when it is a label's
    answer or a neighbour that answers as well, as an exact substring of the highlight; the
    highlight itself when it is short or has no semicolons."""
    if word_count(span) <= LONG_HIGHLIGHT_WORDS or ";" not in span:
        return span
    bounds = [0] + [m.end() for m in CLAUSE_BREAK.finditer(span)] + [len(span)]
    clauses = [(a, b) for a, b in itertools.pairwise(bounds) if span[a:b].strip()]
    if len(clauses) < 2:
        return span
    texts = [span[a:b].strip().replace("\n", " ") for a, b in clauses]
    sentences, scores = sentence_scores("\n".join(texts), query, idf)
    if not sentences or max(scores) <= 0:
        return span
    clause_scores = [max((score for sentence, score in zip(sentences, scores, strict=True) if sentence in text),
                         default=0.0) for text in texts]
    best = max(range(len(texts)), key=lambda i: (clause_scores[i], -i))
    first = last = best
    if texts[best].rstrip().endswith(":") and best + 1 < len(clauses):
        last = best + 1  # a label's answer follows it
    else:
        # The neighbour that answers as well stays ("Đoàn viên quá 30 tuổi ...; nếu có nguyện
        # vọng tiếp tục sinh hoạt Đoàn ..." is one rule), as in best_sentences.
        extra = _answering_neighbour(clause_scores, best)
        if extra is not None:
            first, last = min(best, extra), max(best, extra)
    return span[clauses[first][0]:clauses[last][1]].strip()


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
    kind = _question(query.lexical_text)[2]
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
