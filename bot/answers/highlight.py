"""The sentence that answers, in a passage: scored by the question's words (the rarest
weigh most), whole sentences over broken lines, a number or a date when the question
asks "bao nhiêu" / "khi nào", the line defining a term for "X là gì?", the signature
block for "do ai ký?", never a heading that only restates the question. Every highlight
is text of the passage itself: nothing is invented.

Example::

    >>> from bot.search.query import Query
    >>> q = Query("đoàn viên đóng đoàn phí bao nhiêu", "đoàn viên đóng đoàn phí bao nhiêu", (), None)
    >>> best_sentences("Điều 30. Đoàn phí. Đoàn viên đóng đoàn phí 2.000 đồng mỗi tháng. Chi đoàn thu hằng quý.", q)
    'Đoàn viên đóng đoàn phí 2.000 đồng mỗi tháng.'
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bot.search.lexical import analyze
from bot.search.query import WANTS_DATE, WANTS_NUMBER, Query, definition_pattern, without_citations
from bot.text import fold, folded_tokens, split_sentences, word_count

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
def question_terms(text: str) -> tuple[frozenset[str], frozenset[str], re.Pattern[str] | None]:
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
    wanted, question_words, kind = question_terms(query.lexical_text)
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
