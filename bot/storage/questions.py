"""The question log and feedback: what members asked, what they were told, and what went unanswered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from bot.answers.ranking import Band
from bot.storage.core import StoreCore
from bot.storage.models import FeedbackRow, QuestionRow, utcnow

FEEDBACK_REASONS = ("wrong", "outdated", "irrelevant")


@dataclass
class Stats:
    """What `/stats` shows, for the last ``days`` days."""

    days: int
    per_day: list[tuple[str, int]] = field(default_factory=list)
    questions: int = 0
    answered: int = 0
    abstained: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0
    top_documents: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Unanswered:
    question_id: int
    created_at: dt.datetime
    question: str
    why: str  # "abstained", "not_sure", "down" or "down:<reason>"


class QuestionStore(StoreCore):
    """The question log and feedback: what members asked, what they were told, and what went unanswered."""

    # --- questions and feedback ------------------------------------------------------------
    def log_question(self, *, chat_id: int, user_id: int, question: str, abstained: bool,
                     chat_type: str = "private", confidence: float = 0.0, latency_ms: float = 0.0,
                     restored: str | None = None, results: Sequence[dict[str, Any]] = (),
                     faq_id: int | None = None, searched: str | None = None, band: Band | None = None) -> int:
        top = results[0] if results else {}
        band = band or (Band.NOT_FOUND if abstained else Band.CONFIDENT)
        row = QuestionRow(chat_id=chat_id, chat_type=chat_type, user_id=user_id, question=question,
                          restored=restored, searched=searched, abstained=abstained, band=band.value,
                          confidence=float(confidence),
                          latency_ms=float(latency_ms), faq_id=faq_id,
                          top_doc_id=top.get("doc_id"), top_title=top.get("title"),
                          results=[dict(r) for r in results])
        with self._session.begin() as s:
            s.add(row)
            s.flush()
            return int(row.id)

    def get_question(self, question_id: int) -> QuestionRow | None:
        with self._session() as s:
            return s.get(QuestionRow, question_id)

    def set_feedback(self, question_id: int, user_id: int, value: str, reason: str | None = None) -> bool:
        """Record (or change) one user's vote on one answer; False if the question is unknown."""
        if value not in ("up", "down"):
            raise ValueError(f"feedback must be up or down, not {value!r}")
        if reason is not None and reason not in FEEDBACK_REASONS:
            raise ValueError(f"unknown feedback reason {reason!r}")
        with self._session.begin() as s:
            if s.get(QuestionRow, question_id) is None:
                return False
            row = s.scalar(select(FeedbackRow).where(FeedbackRow.question_id == question_id,
                                                     FeedbackRow.user_id == user_id))
            if row is None:
                s.add(FeedbackRow(question_id=question_id, user_id=user_id, value=value, reason=reason))
            else:
                row.value, row.reason = value, reason if value == "down" else None
        return True

    def stats(self, days: int = 30, top: int = 5) -> Stats:
        since = utcnow() - dt.timedelta(days=days)
        out = Stats(days=days)
        with self._session() as s:
            day = func.date(QuestionRow.created_at)
            rows = s.execute(select(day, func.count()).where(QuestionRow.created_at >= since)
                             .group_by(day).order_by(day))
            out.per_day = [(str(d), int(n)) for d, n in rows]
            counts = dict(s.execute(select(QuestionRow.abstained, func.count())
                                    .where(QuestionRow.created_at >= since).group_by(QuestionRow.abstained)).all())
            out.abstained = int(counts.get(True, 0))
            out.answered = int(counts.get(False, 0))
            out.questions = out.answered + out.abstained
            votes = dict(s.execute(select(FeedbackRow.value, func.count())
                                   .where(FeedbackRow.created_at >= since).group_by(FeedbackRow.value)).all())
            out.thumbs_up, out.thumbs_down = int(votes.get("up", 0)), int(votes.get("down", 0))
            n = func.count().label("n")
            out.top_documents = [
                (str(title), int(count)) for title, count in s.execute(
                    select(QuestionRow.top_title, n)
                    .where(QuestionRow.created_at >= since, QuestionRow.abstained.is_(False),
                           QuestionRow.top_title.is_not(None))
                    .group_by(QuestionRow.top_title).order_by(n.desc(), QuestionRow.top_title).limit(top))
            ]
        return out

    def unanswered(self, limit: int = 20) -> list[Unanswered]:
        """Newest questions that the bot abstained on, answered only as "not sure", or that a
        member marked 👎."""
        with self._session() as s:
            down = {qid: reason for qid, reason in s.execute(
                select(FeedbackRow.question_id, FeedbackRow.reason).where(FeedbackRow.value == "down"))}
            rows = s.scalars(
                select(QuestionRow)
                .where(QuestionRow.abstained.is_(True) | (QuestionRow.band == Band.NOT_SURE.value)
                       | QuestionRow.id.in_(select(FeedbackRow.question_id).where(FeedbackRow.value == "down")))
                .order_by(QuestionRow.created_at.desc(), QuestionRow.id.desc()).limit(limit))
            out = []
            for row in rows:
                if row.abstained:
                    why = "abstained"
                elif row.band == Band.NOT_SURE.value and row.id not in down:
                    why = "not_sure"
                else:
                    reason = down.get(row.id)
                    why = f"down:{reason}" if reason else "down"
                out.append(Unanswered(row.id, row.created_at, row.question, why))
            return out
