"""Everything HoiDoan remembers between restarts: question log, feedback, FAQ, known chats.

SQLAlchemy 2 (sync) over SQLite by default or PostgreSQL; the schema is owned by the
Alembic migrations in ``bot/storage/migrations`` and brought up to date by :meth:`Store.migrate`
at start. The Telegram layer calls these methods off the event loop (``asyncio.to_thread``).

Example::

    >>> store = Store("sqlite:///:memory:")
    >>> store.migrate()
    >>> qid = store.log_question(chat_id=1, user_id=1, question="ket nap doan", abstained=True)
    >>> store.get_question(qid).abstained
    True
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

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
    create_engine,
    delete,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.answers.faq import Faq
from bot.answers.ranking import Band
from bot.kinds import AnnouncementStatus, Approval, DeliveryState

log = logging.getLogger(__name__)
T = TypeVar("T")

FEEDBACK_REASONS = ("wrong", "outdated", "irrelevant")


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


# Copies for replicas (bot/storage/replication.py) of what a backup keeps elsewhere: the knowledge
# folder itself, and index versions that are rebuilt from it.
REPLICA_TABLES = frozenset({"knowledge_files", "index_parts"})


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


class Store:
    """One database, shared by the bot's handlers (thread-safe: a session per call)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest migration (safe with several processes)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                # Replicas starting together must not run the same migration twice.
                conn.execute(text("SELECT pg_advisory_xact_lock(724501)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception as err:  # any driver error means "not reachable"
            log.warning("Database not reachable: %s", type(err).__name__)
            return False

    def close(self) -> None:
        self.engine.dispose()

    # --- chats -----------------------------------------------------------------------------
    def seen_chat(self, chat_id: int, chat_type: str, title: str | None = None,
                  username: str | None = None) -> None:
        _retry_on_conflict(self._seen_chat, chat_id, str(chat_type), title, username)

    def _seen_chat(self, chat_id: int, chat_type: str, title: str | None, username: str | None) -> None:
        with self._session.begin() as s:
            row = s.get(ChatRow, chat_id)
            if row is None:
                s.add(ChatRow(id=chat_id, type=chat_type, title=title, username=username))
            else:
                row.type, row.last_seen = chat_type, utcnow()
                row.title = title or row.title
                row.username = username or row.username

    def chats(self) -> list[ChatRow]:
        with self._session() as s:
            return list(s.scalars(select(ChatRow).order_by(ChatRow.id)))

    def get_chat(self, chat_id: int) -> ChatRow | None:
        with self._session() as s:
            return s.get(ChatRow, chat_id)

    def set_membership(self, chat_id: int, chat_type: str, title: str | None, status: str,
                       can_pin: bool = False, approval: str | None = None) -> ChatRow:
        """The bot was added, promoted, restricted or removed (a ``my_chat_member`` update);
        ``approval`` when the change itself decides it (a bot admin added the bot)."""
        return _retry_on_conflict(self._set_membership, chat_id, str(chat_type), title, str(status), can_pin,
                                  approval)

    def _set_membership(self, chat_id: int, chat_type: str, title: str | None, status: str,
                        can_pin: bool, approval: str | None) -> ChatRow:
        with self._session.begin() as s:
            row = s.get(ChatRow, chat_id)
            if row is None:
                row = ChatRow(id=chat_id, type=chat_type, title=title)
                s.add(row)
            row.type, row.title, row.last_seen = chat_type, title or row.title, utcnow()
            row.status, row.can_pin = status, can_pin
            row.active = status in ("member", "administrator", "creator", "restricted")
            if approval is not None:
                row.approval = approval
            s.flush()
            return row

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: the new id inherits its settings; the old one retires."""
        with self._session.begin() as s:
            old = s.get(ChatRow, old_id)
            new = s.get(ChatRow, new_id)
            if new is None:
                new = ChatRow(id=new_id, type="supergroup", title=old.title if old else None)
                s.add(new)
            if old is not None:
                new.announcements, new.tags = old.announcements, old.tags or new.tags
                new.approval = old.approval
                new.status, new.can_pin = old.status, old.can_pin
                old.active, old.migrated_to = False, new_id
            new.type, new.active = "supergroup", True

    def set_chat_active(self, chat_id: int, active: bool, status: str | None = None) -> None:
        with self._session.begin() as s:
            row = s.get(ChatRow, chat_id)
            if row is not None:
                row.active = active
                row.status = status or row.status

    def set_approval(self, chat_id: int, approval: Approval) -> ChatRow | None:
        """A group's standing (a rejected group is left and never a target)."""
        with self._session.begin() as s:
            row = s.get(ChatRow, chat_id)
            if row is not None:
                row.approval = approval
                if approval == Approval.REJECTED:
                    row.active = False
                s.flush()
            return row

    def set_announcements(self, chat_id: int, enabled: bool) -> None:
        with self._session.begin() as s:
            row = s.get(ChatRow, chat_id)
            if row is not None:
                row.announcements = enabled

    def set_tags(self, chat_id: int, tags: Sequence[str]) -> list[str]:
        clean = sorted({t.strip().lower() for t in tags if t.strip()})
        with self._session.begin() as s:
            row = s.get(ChatRow, chat_id)
            if row is not None:
                row.tags = ",".join(clean)
        return clean

    def groups(self, active_only: bool = False) -> list[ChatRow]:
        with self._session() as s:
            query = select(ChatRow).where(ChatRow.type.in_(("group", "supergroup")))
            if active_only:
                query = query.where(ChatRow.active.is_(True))
            return list(s.scalars(query.order_by(ChatRow.title, ChatRow.id)))

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

    # --- index versions and cross-process locks ------------------------------------------------
    def record_index_version(self, version: str, documents: int, passages: int, instance: str | None = None) -> None:
        with self._session.begin() as s:
            if s.scalar(select(IndexVersionRow.id).where(IndexVersionRow.version == version)) is None:
                s.add(IndexVersionRow(version=version, documents=documents, passages=passages, instance=instance))

    def latest_index_version(self) -> str | None:
        with self._session() as s:
            return s.scalar(select(IndexVersionRow.version).order_by(IndexVersionRow.id.desc()).limit(1))

    def index_versions(self) -> list[str]:
        """Recorded versions, oldest first."""
        with self._session() as s:
            return list(s.scalars(select(IndexVersionRow.version).order_by(IndexVersionRow.id)))

    # --- files shared by replicas (bot/storage/replication.py) -------------------------------------------
    def knowledge_seq(self) -> int:
        with self._session() as s:
            return int(s.scalar(select(func.max(KnowledgeFileRow.seq))) or 0)

    def knowledge_listing(self, after: int = 0) -> list[tuple[str, str | None, int]]:
        """(path, sha256 or None if removed, seq) of files changed after ``after``."""
        with self._session() as s:
            rows = s.execute(select(KnowledgeFileRow.path, KnowledgeFileRow.sha256, KnowledgeFileRow.seq)
                             .where(KnowledgeFileRow.seq > after).order_by(KnowledgeFileRow.seq))
            return [(path, sha, int(seq)) for path, sha, seq in rows]

    def knowledge_content(self, path: str) -> bytes | None:
        with self._session() as s:
            return s.scalar(select(KnowledgeFileRow.content).where(KnowledgeFileRow.path == path))

    def put_knowledge(self, changes: Iterable[tuple[str, str | None, bytes | None]]) -> int:
        """Record (path, sha256, content) changes, sha256 None for a removal, under one new
        sequence number, which is returned. Contents are read from ``changes`` one at a time."""
        with self._session.begin() as s:
            seq = int(s.scalar(select(func.max(KnowledgeFileRow.seq))) or 0) + 1
            for path, sha, content in changes:
                row = s.get(KnowledgeFileRow, path) or KnowledgeFileRow(path=path)
                row.sha256, row.content = (sha, content) if sha is not None else (None, None)
                row.size = len(content or b"") if sha is not None else 0
                row.seq, row.updated_at = seq, utcnow()
                s.add(row)
                s.flush()
                s.expunge(row)  # one file's content in memory at a time
            return seq

    def put_index_parts(self, version: str, parts: Iterable[bytes]) -> None:
        with self._session.begin() as s:
            s.execute(delete(IndexPartRow).where(IndexPartRow.version == version))
            for n, data in enumerate(parts):
                s.add(IndexPartRow(version=version, part=n, data=data))
                s.flush()  # one piece in memory at a time
                s.expunge_all()

    def index_part_count(self, version: str) -> int:
        with self._session() as s:
            return int(s.scalar(select(func.count()).select_from(IndexPartRow)
                                .where(IndexPartRow.version == version)) or 0)

    def index_part(self, version: str, part: int) -> bytes | None:
        with self._session() as s:
            return s.scalar(select(IndexPartRow.data).where(IndexPartRow.version == version,
                                                            IndexPartRow.part == part))

    def prune_index_parts(self, keep: Iterable[str]) -> None:
        with self._session.begin() as s:
            s.execute(delete(IndexPartRow).where(IndexPartRow.version.not_in(list(keep))))

    @contextlib.contextmanager
    def exclusive(self, name: str, wait: bool = True) -> Iterator[bool]:
        """A lock shared by every process on this database: yields False if ``wait`` is off
        and another process holds it. PostgreSQL advisory lock; SQLite: a lock file."""
        if self.dialect == "postgresql":
            key = int(hashlib.sha1(name.encode()).hexdigest()[:15], 16)
            with self.engine.connect() as conn:
                if wait:
                    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
                    got = True
                else:
                    got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
                try:
                    yield got
                finally:
                    if got:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
            return
        database = self.engine.url.database
        if not database or database == ":memory:":
            lock = _MEMORY_LOCKS.setdefault(name, threading.Lock())
            got = lock.acquire(blocking=wait)
            try:
                yield got
            finally:
                if got:
                    lock.release()
            return
        path = Path(database).with_name(f"{Path(database).name}.{name}.lock")
        with path.open("a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
                got = True
            except BlockingIOError:
                got = False
            try:
                yield got
            finally:
                if got:
                    fcntl.flock(fh, fcntl.LOCK_UN)

    def session(self) -> Session:
        """A raw session, for the few callers that need their own queries."""
        return self._session()


_MEMORY_LOCKS: dict[str, threading.Lock] = {}


def _retry_on_conflict(fn: Callable[..., T], *args: Any) -> T:
    """Two updates about a new chat can race to insert it; the loser retries as an update."""
    try:
        return fn(*args)
    except IntegrityError:
        return fn(*args)


def make_engine(url: str) -> Engine:
    """An engine with the settings each backend needs for a multi-threaded bot.

    ``hide_parameters``: an error never writes members' questions, names or ids into the logs.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1].split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        memory = not path or path == ":memory:"
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               poolclass=StaticPool if memory else None, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True)
