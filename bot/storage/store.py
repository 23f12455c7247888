"""Everything HoiDoan remembers between restarts: question log, feedback, FAQ, known chats,
announcements, index versions and the files replicas share.

SQLAlchemy 2 (sync) over SQLite by default or PostgreSQL; the schema is owned by the
Alembic migrations in ``bot/storage/migrations`` and brought up to date by :meth:`Store.migrate`
at start. One store per concern (``groups``, ``questions``, ``faqs``, ``files``; the outbox in
``outbox``), the tables in ``models``, the connection in ``core``; :class:`Store` is all of
them on one database. The Telegram layer calls these methods off the event loop
(``asyncio.to_thread``).

Example::

    >>> store = Store("sqlite:///:memory:")
    >>> store.migrate()
    >>> qid = store.log_question(chat_id=1, user_id=1, question="ket nap doan", abstained=True)
    >>> store.get_question(qid).abstained
    True
"""

from __future__ import annotations

from bot.storage.core import StoreCore, make_engine
from bot.storage.faqs import FaqStore
from bot.storage.files import FileStore
from bot.storage.groups import GroupStore
from bot.storage.models import (
    REPLICA_TABLES,
    AnnouncementRow,
    Base,
    ChatRow,
    DeliveryRow,
    FaqRow,
    FeedbackRow,
    IndexPartRow,
    IndexVersionRow,
    KnowledgeFileRow,
    QuestionRow,
    utcnow,
)
from bot.storage.questions import FEEDBACK_REASONS, QuestionStore, Stats, Unanswered

__all__ = ["FEEDBACK_REASONS", "REPLICA_TABLES", "AnnouncementRow", "Base", "ChatRow", "DeliveryRow", "FaqRow",
           "FeedbackRow", "IndexPartRow", "IndexVersionRow", "KnowledgeFileRow", "QuestionRow", "Stats", "Store",
           "StoreCore", "Unanswered", "make_engine", "utcnow"]


class Store(GroupStore, QuestionStore, FaqStore, FileStore):
    """One database, shared by the bot's handlers (thread-safe: a session per call)."""
