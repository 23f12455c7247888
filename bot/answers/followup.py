"""Short follow-up questions in a private chat, read with the previous question's subject.

"Kinh phí công đoàn đóng bao nhiêu?" then "còn đoàn phí thì sao?": the second question
alone has no predicate, so it is searched together with the first. Two signals, both
cheap and explainable:

- a *marked* follow-up: it starts with "còn" / "thế còn" / "vậy còn" / "thế" / "vậy", or
  ends with "thì sao" (without diacritics only the unambiguous forms count: "con" is
  also "con" = child, "the" also "thẻ" = card);
- an *elliptical* one: a short question that finds nothing on its own (the assistant
  tries it alone first, and only then with the previous subject).

A complete question is never rewritten: a marked one must also be short, and an
unmarked one is only read with context when it finds nothing alone.

Example::

    >>> marked_topic("còn đoàn phí thì sao?")
    'đoàn phí'
    >>> marked_topic("Đoàn phí công đoàn đóng bao nhiêu?") is None
    True
    >>> combine("đoàn phí", "Kinh phí công đoàn đóng bao nhiêu?")
    'đoàn phí đóng bao nhiêu?'
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache

from bot.text import fold, has_diacritics

MAX_FOLLOW_UP_WORDS = 10  # a longer question states its own subject
ELLIPTICAL_WORDS = 8  # an unmarked question this short may lean on the previous one
TRIM = " \t\n?.!,:;…"
# Folded question and linking words: in a follow-up they say nothing about its subject.
FUNCTION_WORDS = frozenset({"ai", "gi", "nao", "may", "bao", "nhieu", "khi", "o", "dau", "la", "co", "khong",
                            "the", "thi", "sao", "va", "cua", "cac", "nhung", "duoc", "phai", "can", "con",
                            "vay", "nhu", "lam", "mot"})

# Marker words, matched on the lower-cased text (with diacritics) ...
_LEAD = re.compile(r"^(?:thế\s+còn|vậy\s+còn|thế\s+thì|vậy\s+thì|còn(?!\s+(?:bao|mấy|lại|hiệu|nữa))"
                   r"|thế(?!\s+nào)|vậy(?!\s+(?:là|thì))(?=\s))\s+", re.IGNORECASE)
_TAIL = re.compile(r"\s*(?:thì\s+sao|thì\s+thế\s+nào|thì\s+như\s+thế\s+nào|sao)\s*$", re.IGNORECASE)
# ... and on folded text typed without any diacritics (only forms that cannot be a topic word).
_LEAD_FOLDED = re.compile(r"^(?:the\s+con|vay\s+con|the\s+thi|vay\s+thi)\s+")
_TAIL_FOLDED = re.compile(r"\s*(?:thi\s+sao|thi\s+the\s+nao|thi\s+nhu\s+the\s+nao)\s*$")


def marked_topic(question: str) -> str | None:
    """The new subject of a marked, short follow-up ("còn đoàn phí thì sao?" -> "đoàn phí")."""
    text = " ".join(question.strip(TRIM).split())
    if not text or len(text.split()) > MAX_FOLLOW_UP_WORDS:
        return None
    if has_diacritics(text):
        lead, tail = _LEAD.search(text), _TAIL.search(text)
        if tail and tail.group(0).strip().lower() == "sao" and not lead:
            tail = None  # "... sao" alone is often "why"; only with a leading marker
        if not lead and not tail:
            return None
        topic = text[lead.end() if lead else 0: tail.start() if tail and tail.start() > 0 else len(text)]
    else:
        folded = fold(text)
        lead, tail = _LEAD_FOLDED.search(folded), _TAIL_FOLDED.search(folded)
        if not lead and not tail:
            return None
        topic = text[lead.end() if lead else 0: tail.start() if tail else len(text)]
        if tail and not lead and fold(topic).startswith("con "):
            topic = topic[4:]  # "con doan phi thi sao": "còn" is sure once "thì sao" ends it
    topic = topic.strip(TRIM)
    return topic or None


def is_short(question: str) -> bool:
    return 0 < len(question.strip(TRIM).split()) <= ELLIPTICAL_WORDS


def combine(topic: str, previous: str) -> str:
    """The question searched and shown: the previous question with its subject replaced by
    the new one when they line up, else the new subject followed by the previous question."""
    return rewrite(topic, previous) or f"{topic.strip(TRIM)} - {previous.strip()}"


# Where the subject of a question ends: a verb, a linking word or a question word; compared
# as written (folded, "cơ sở" would read "có"), folded only for a question typed without accents.
SUBJECT_END = frozenset({"là", "của", "do", "được", "có", "phải", "đóng", "gồm", "họp", "bầu", "cần", "sẽ", "đã",
                         "đang", "thì", "thế", "như", "bao", "mấy", "khi", "ở", "gì", "nào", "ai", "hiện", "từ",
                         "thành lập", "tổ chức", "làm gì", "ra đời"})
PREPOSITIONS = frozenset({"o", "tai", "voi", "trong", "doi"})
QUESTION_WORDS = re.compile(r"\b(?:ai|gi|nao|bao nhieu|may|bao lau|khi nao|o dau|the nao|sao)\b")


# What a question asks about its subject. A follow-up naming another one swaps it in place
# ("còn quyền hạn?" after "Cán bộ công đoàn có những nhiệm vụ gì?" -> "Cán bộ công đoàn có
# những quyền hạn gì?"), wherever it stands, instead of replacing the subject. Folded.
ASPECTS = frozenset({"quyen", "quyen han", "quyen loi", "nhiem vu", "nghia vu", "trach nhiem", "chuc nang",
                     "tieu chuan", "dieu kien", "nhiem ky", "thu tuc", "ho so", "thoi han", "muc dong",
                     "co cau", "thanh phan", "so luong", "hinh thuc", "doi tuong"})


# Bodies and offices of an organisation, folded. A question's subject is often one of them
# followed by whose it is ("Ủy ban Kiểm tra | Trung ương Đoàn khóa XI"); a follow-up naming
# only another body ("còn ban thường vụ?") asks about the same organisation's.
OFFICES = frozenset({"ban chap hanh", "ban thuong vu", "ban bi thu", "uy ban kiem tra", "ban kiem tra",
                     "bi thu", "pho bi thu", "bi thu thuong truc", "bi thu thu nhat", "chu tich", "pho chu tich",
                     "chu nhiem", "pho chu nhiem", "uy vien", "dai hoi", "hoi nghi", "doan vien", "can bo",
                     "hoi vien", "to truong"})


@lru_cache(maxsize=8)
def _longest(phrases: frozenset[str]) -> int:
    return max((len(p.split()) for p in phrases), default=0)


def _phrase_at(folded: list[str], start: int, phrases: frozenset[str]) -> int:
    """Length in words of the longest of ``phrases`` at ``start`` (0 if none)."""
    most = min(_longest(phrases), len(folded) - start)
    return max((n for n in range(1, most + 1) if " ".join(folded[start:start + n]) in phrases), default=0)


def _swap_aspect(new: list[str], old: list[str], fnew: list[str], fold_old: list[str]) -> str | None:
    """``new`` put in place of the aspect ``old`` asks about (``fnew``/``fold_old``: folded)."""
    if _phrase_at(fnew, 0, ASPECTS) != len(new):
        return None  # the follow-up is not (only) an aspect
    for j in range(len(old)):
        n = _phrase_at(fold_old, j, ASPECTS)
        if n and fold_old[j:j + n] != fnew:
            return " ".join([*old[:j], *new, *old[j + n:]])
    return None


def _words(text: str) -> list[str]:
    return text.strip(TRIM).split()


def _subject_end(words: list[str], start: int = 0) -> int | None:
    """Index of the first word (from ``start``) that ends the subject, or None."""
    accented = has_diacritics(" ".join(words))
    ends = SUBJECT_END if accented else {fold(e) for e in SUBJECT_END}
    norm = [w.lower() if accented else fold(w) for w in words]
    for m in range(start, len(words)):
        if norm[m] in ends or (m + 1 < len(words) and f"{norm[m]} {norm[m + 1]}" in ends):
            return m
    return None


def rewrite(topic: str, previous: str) -> str | None:
    """The previous question asked of the new subject, with the previous question's end mark."""
    text = _rewrite(topic, previous)
    if text is None:
        return None
    text = text.rstrip(TRIM)
    return text + "?" if previous.rstrip().endswith("?") else text


def _rewrite(topic: str, previous: str) -> str | None:
    """The previous question asked of the new subject ("trách nhiệm" after "Quyền của đoàn
    viên công đoàn là gì?" -> "trách nhiệm của đoàn viên công đoàn là gì?"); None when the
    two do not line up."""
    new, old = _words(topic), _words(previous)
    if not new or not old:
        return None
    fnew, fold_old = [fold(w) for w in new], [fold(w) for w in old]
    swapped = _swap_aspect(new, old, fnew, fold_old)
    if swapped is not None:
        return swapped
    if QUESTION_WORDS.search(" ".join(fnew)):
        # The follow-up asks its own question: only the previous subject is carried over.
        end = _subject_end(old)
        return f"{' '.join(new)} ({' '.join(old[:end])})" if end else None
    # The longest run of words both share ("bí thư" in "bí thư thường trực" / "Bí thư thứ nhất
    # Trung ương Đoàn …"), two syllables at least or a preposition ("ở đơn vị …" / "ở doanh nghiệp").
    best = (0, 0, 0)  # length, start in new, start in old
    for i in range(len(new)):
        for j in range(len(old)):
            k = 0
            while i + k < len(new) and j + k < len(old) and fnew[i + k] == fold_old[j + k]:
                k += 1
            if k > best[0]:
                best = (k, i, j)
    length, i, j = best
    if length >= 2 or (length == 1 and fnew[i] in PREPOSITIONS and i == 0):
        if length == 1:  # "ở X" replaces "ở Y" up to where the subject ends
            stop = _subject_end(old, j + 1) or len(old)
            return " ".join([*old[:j], *new, *old[stop:]])
        # Words before the shared run replace the start of the subject ("phó chủ nhiệm" /
        # "Chủ nhiệm …", "bí thư chi đoàn" / "Ban Chấp hành chi đoàn"); words after it replace
        # as many old ones ("bí thư thường trực" / "Bí thư thứ nhất").
        after = len(new) - i - length
        start, stop = (0 if i else j), min(j + length + after, len(old))
        return " ".join([*old[:start], *new, *old[stop:]])
    # Nothing shared: the new subject replaces the previous question's subject; an office
    # replaces the previous office and keeps whose it was ("ban thường vụ" after "Ủy ban
    # Kiểm tra Trung ương Đoàn khóa XI gồm ..." -> "ban thường vụ Trung ương Đoàn khóa XI gồm ...").
    end = _subject_end(old)
    if not end:
        return None
    office = _phrase_at(fold_old[:end], 0, OFFICES)
    if office and office < end and _phrase_at(fnew, 0, OFFICES) == len(new):
        return " ".join([*new, *old[office:]])
    return " ".join([*new, *old[end:]])


class Conversations:
    """The last complete question of each private chat, for a few minutes (bounded memory).

    Kept in the process: a follow-up reaches the replica that answered the first question
    in the common case of one bot process; across replicas it is read as a new question.
    """

    def __init__(self, window_seconds: float = 300.0, max_chats: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window_seconds
        self.max_chats = max_chats
        self.clock = clock
        self._last: OrderedDict[Hashable, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def recent(self, key: Hashable) -> str | None:
        with self._lock:
            item = self._last.get(key)
            if item is None or self.clock() - item[1] > self.window:
                return None
            return item[0]

    def remember(self, key: Hashable, question: str) -> None:
        with self._lock:
            self._last[key] = (question, self.clock())
            self._last.move_to_end(key)
            while len(self._last) > self.max_chats:
                self._last.popitem(last=False)
