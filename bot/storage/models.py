"""The database tables (SQLAlchemy 2 declarative models); the schema itself is owned by the
Alembic migrations in ``migrations/``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.kinds import AnnouncementStatus, Approval, DeliveryState


def utcnow() -> dt.datetime:
    """Naive UTC: stored the same way by SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class ChatRow(Base):
    __tablename__ = "chats"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="member")  # the bot's own status there
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False once removed, blocked or migrated
    announcements: Mapped[bool] = mapped_column(Boolean, default=True)  # the group's admins may opt out
    tags: Mapped[str] = mapped_column(Text, default="")  # comma-separated, e.g. "khoi-co-quan"
    can_pin: Mapped[bool] = mapped_column(Boolean, default=False)
    migrated_to: Mapped[int | None] = mapped_column(BigInteger)
    # Announcement target only once approved: added by a bot admin, or approved by one (issue 11).
    approval: Mapped[str] = mapped_column(String(12), default=Approval.PENDING)  # bot.kinds.Approval

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def approved(self) -> bool:
        return self.approval == Approval.APPROVED

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")


class QuestionRow(Base):
    __tablename__ = "questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    chat_type: Mapped[str] = mapped_column(String(20), default="private")
    user_id: Mapped[int] = mapped_column(BigInteger)
    question: Mapped[str] = mapped_column(Text)
    restored: Mapped[str | None] = mapped_column(Text)
    searched: Mapped[str | None] = mapped_column(Text)  # a follow-up's text as searched
    abstained: Mapped[bool] = mapped_column(Boolean, default=False)
    band: Mapped[str | None] = mapped_column(String(20))  # bot.answers.ranking.Band's value; None before 0007
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    faq_id: Mapped[int | None] = mapped_column(Integer)
    top_doc_id: Mapped[str | None] = mapped_column(String(255))
    top_title: Mapped[str | None] = mapped_column(Text)
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("question_id", "user_id", name="uq_feedback_question_user"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[str] = mapped_column(String(8))  # "up" | "down"
    reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FaqRow(Base):
    __tablename__ = "faq"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AnnouncementRow(Base):
    __tablename__ = "announcements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(BigInteger)
    admin_chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(12))  # text | photo | document
    text: Mapped[str] = mapped_column(Text)  # Telegram HTML (text, or the caption)
    file_id: Mapped[str | None] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    tag: Mapped[str | None] = mapped_column(String(64))
    pin: Mapped[bool] = mapped_column(Boolean, default=False)
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # naive UTC
    status: Mapped[str] = mapped_column(String(12), default=AnnouncementStatus.DRAFT, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    knowledge_file: Mapped[str | None] = mapped_column(String(255))


class DeliveryRow(Base):
    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("announcement_id", "chat_id", name="uq_delivery_announcement_chat"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(10), default=DeliveryState.PENDING)  # bot.kinds.DeliveryState
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)  # was "sending" when a sender died
    error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class IndexVersionRow(Base):
    __tablename__ = "index_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    documents: Mapped[int] = mapped_column(Integer)
    passages: Mapped[int] = mapped_column(Integer)
    instance: Mapped[str | None] = mapped_column(String(64))


class KnowledgeFileRow(Base):
    """A file of the knowledge folder as last published by any replica (bot/storage/replication.py).

    ``content`` None is a removal; ``seq`` grows with every change, so a replica applies
    only what changed since its own copy."""

    __tablename__ = "knowledge_files"
    path: Mapped[str] = mapped_column(String(500), primary_key=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class IndexPartRow(Base):
    """One piece of a published index version's files (a tar archive split in pieces)."""

    __tablename__ = "index_parts"
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


# Copies for replicas (bot/storage/replication.py) of what a backup keeps elsewhere: the knowledge
# folder itself, and index versions that are rebuilt from it.
REPLICA_TABLES = frozenset({"knowledge_files", "index_parts"})
