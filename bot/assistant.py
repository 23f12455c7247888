"""One ask path for every surface: FAQ, follow-up, retrieval, answer, question log.

The console (`hoidoan ask`, `hoidoan chat`), the Telegram handlers and the benchmarks all
call :meth:`Assistant.ask`, so what a secretary tries in the console is what members get.
Nothing here knows about Telegram: a chat is two numbers and a type.

Example::

    >>> assistant = Assistant(Engine(settings), store)  # doctest: +SKIP
    >>> reply = assistant.ask("ket nap doan may tuoi", Asker(chat_id=1, user_id=7))  # doctest: +SKIP
    >>> reply.answer.results[0].highlight  # doctest: +SKIP
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.answers.answer import Answer
from bot.answers.faq import Faq, FaqMatcher
from bot.answers.followup import FUNCTION_WORDS, Conversations, combine, is_short, marked_topic
from bot.text import folded_tokens

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.storage.store import Store


@dataclass(frozen=True)
class Asker:
    """Who asks, and where (no ids in the console)."""

    chat_id: int | None = None
    user_id: int | None = None
    chat_type: str = "private"

    @property
    def private(self) -> bool:
        return self.chat_type == "private"


CONSOLE = Asker()


@dataclass
class Reply:
    """What one question produced: an FAQ, or an answer (possibly "not found")."""

    question: str
    answer: Answer | None
    faq: Faq | None = None
    question_id: int | None = None
    latency_ms: float = 0.0

    @property
    def searched(self) -> str | None:
        """The text searched when it was not the question as typed (a follow-up)."""
        return self.answer.restored_question if self.answer and self.answer.follow_up_of else None


class Assistant:
    """FAQ first, then retrieval; follow-ups in private chats; every question logged."""

    def __init__(self, engine: Engine, store: Store | None = None, *, faq_refresh_seconds: float = 5.0,
                 follow_up_seconds: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.store = store
        self.faq_refresh_seconds = faq_refresh_seconds
        self.clock = clock
        self.conversations = Conversations(follow_up_seconds, clock=clock)
        self._faqs: FaqMatcher | None = None
        self._faqs_loaded = 0.0
        self._faq_lock = threading.Lock()

    # --- FAQs: every replica sees an admin's change within faq_refresh_seconds -----------------
    def faqs(self) -> FaqMatcher:
        if self.store is None:
            return FaqMatcher([])
        with self._faq_lock:
            stale = self.clock() - self._faqs_loaded >= self.faq_refresh_seconds
            if self._faqs is None or stale:
                self._faqs = FaqMatcher(self.store.faq_list())
                self._faqs_loaded = self.clock()
            return self._faqs

    def faqs_changed(self) -> None:
        with self._faq_lock:
            self._faqs = None

    # --- asking ------------------------------------------------------------------------------
    def answer(self, text: str) -> Answer:
        """Retrieval and answer only (the "more results" button repeats a logged question)."""
        return self.engine.ask(text)

    def ask(self, question: str, asker: Asker = CONSOLE, log: bool = True, k: int | None = None) -> Reply:
        started = time.perf_counter()
        question = question.strip()
        faq = self.faqs().match(question) if question else None
        reply = Reply(question, None, faq) if faq is not None else Reply(question, self._answer(question, asker, k))
        reply.latency_ms = (time.perf_counter() - started) * 1000
        if log and self.store is not None and asker.chat_id is not None and question:
            reply.question_id = self._log(reply, asker)
        return reply

    def _answer(self, question: str, asker: Asker, k: int | None = None) -> Answer:
        key = (asker.chat_id, asker.user_id)
        previous = self.conversations.recent(key) if asker.private and asker.chat_id is not None else None
        topic = marked_topic(question) if previous else None
        if previous and topic:
            return self._follow_up(question, combine(topic, previous), previous, k)
        answer = self.engine.ask(question, k)
        if previous and answer.abstained and is_short(question):
            # Nothing found alone: a short question may leave its subject to the previous one.
            retry = self._follow_up(question, combine(question, previous), previous, k)
            if not retry.abstained and _adds_to(question, previous, retry):
                return retry
        if not answer.abstained and asker.chat_id is not None:
            self.conversations.remember(key, question)
        return answer

    def _follow_up(self, question: str, searched: str, previous: str, k: int | None = None) -> Answer:
        return replace(self.engine.ask(searched, k), question=question, restored_question=searched,
                       follow_up_of=previous)

    def _log(self, reply: Reply, asker: Asker) -> int:
        assert self.store is not None and asker.chat_id is not None
        if reply.faq is not None:
            return self.store.log_question(
                chat_id=asker.chat_id, chat_type=asker.chat_type, user_id=asker.user_id or 0,
                question=reply.question, latency_ms=reply.latency_ms, abstained=False, confidence=1.0,
                faq_id=reply.faq.faq_id)
        answer = reply.answer
        assert answer is not None
        return self.store.log_question(
            chat_id=asker.chat_id, chat_type=asker.chat_type, user_id=asker.user_id or 0,
            question=reply.question, latency_ms=reply.latency_ms, abstained=answer.abstained,
            confidence=answer.confidence, restored=answer.restored_question, results=answer.summaries(),
            searched=reply.searched, band=answer.band)


def _adds_to(question: str, previous: str, answer: Answer) -> bool:
    """The follow-up's own words reach the passage found ("asdfgh" after a question finds the
    previous answer again: that is not reading it as a follow-up)."""
    own = set(folded_tokens(question)) - set(folded_tokens(previous)) - FUNCTION_WORDS
    passage = set(folded_tokens(answer.results[0].passage)) if answer.results else set()
    return bool(own & passage)
