"""Curated questions and answers."""

from __future__ import annotations

from sqlalchemy import select

from bot.answers.faq import Faq
from bot.storage.core import StoreCore
from bot.storage.models import FaqRow


class FaqStore(StoreCore):
    """Curated questions and answers."""

    # --- FAQ -------------------------------------------------------------------------------
    def faq_add(self, question: str, answer: str, created_by: int | None = None) -> int:
        with self._session.begin() as s:
            row = FaqRow(question=question.strip(), answer=answer.strip(), created_by=created_by)
            s.add(row)
            s.flush()
            return int(row.id)

    def faq_list(self) -> list[Faq]:
        with self._session() as s:
            return [Faq(r.id, r.question, r.answer) for r in s.scalars(select(FaqRow).order_by(FaqRow.id))]

    def faq_remove(self, faq_id: int) -> bool:
        with self._session.begin() as s:
            row = s.get(FaqRow, faq_id)
            if row is None:
                return False
            s.delete(row)
            return True
