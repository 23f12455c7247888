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
    'đoàn phí - Kinh phí công đoàn đóng bao nhiêu?'
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

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
    """The question searched and shown: the new subject first, then the previous question."""
    return f"{topic.strip(TRIM)} - {previous.strip()}"


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
