"""Curated answers that admins add (`/faq add`), returned first when a question matches.

Matching is lexical on accent-folded syllables, so "ket nap doan may tuoi" matches a FAQ
written as "Kết nạp Đoàn mấy tuổi?". A FAQ wins only when it covers the question
closely: most of the FAQ's syllables are in the question and most of the question's
are in the FAQ (Dice coefficient over syllable sets, plus bigram overlap so word order
counts). Function words are dropped first so they cannot make two questions look alike.

Example::

    >>> m = FaqMatcher([Faq(1, "Kết nạp Đoàn mấy tuổi?", "Từ đủ 16 đến 30 tuổi.")])
    >>> m.match("ket nap doan may tuoi").faq_id
    1
    >>> m.match("đoàn phí bao nhiêu") is None
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.text import folded_tokens

# Question words and particles: frequent in every question, so they say nothing about topic.
# Only words whose folded form is unambiguous: "the" (thẻ/thế), "chi" (chi đoàn/chị) or
# "hoi" (hỏi/hội) would remove topic words from unaccented questions.
_STOP_WORDS = "la gi nao nhieu khong duoc nhu vay nhe oi xin va cua voi thi nhung cac"
STOP = frozenset(_STOP_WORDS.split())
MIN_SCORE = 0.75


@dataclass
class Faq:
    faq_id: int
    question: str
    answer: str


def _terms(text: str) -> tuple[set[str], set[str]]:
    tokens = [t for t in folded_tokens(text) if t not in STOP]
    return set(tokens), {f"{a}_{b}" for a, b in pairwise(tokens)}


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def similarity(question: str, faq_question: str) -> float:
    """0..1: syllable Dice weighted 0.7 (paraphrase-tolerant), bigram Dice 0.3 (word order:
    "kết nạp Đảng" must not match "kết nạp Đoàn" just because four syllables of five agree)."""
    qs, qb = _terms(question)
    fs, fb = _terms(faq_question)
    if not qs or not fs:
        return 0.0
    bigram = _dice(qb, fb) if (qb or fb) else _dice(qs, fs)
    return 0.7 * _dice(qs, fs) + 0.3 * bigram


class FaqMatcher:
    """Best FAQ for a question, or None when none is close enough."""

    def __init__(self, faqs: Sequence[Faq], min_score: float = MIN_SCORE) -> None:
        self.faqs = list(faqs)
        self.min_score = min_score

    def match(self, question: str) -> Faq | None:
        best, best_score = None, 0.0
        for faq in self.faqs:
            score = similarity(question, faq.question)
            if score > best_score:
                best, best_score = faq, score
        return best if best_score >= self.min_score else None
