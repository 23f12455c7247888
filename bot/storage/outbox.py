"""Announcements and their outbox: one stored row per (announcement, group), so that no
group is missed and none gets two copies, across crashes, restarts and replicas.

Life of an announcement: ``draft`` (preview shown) -> ``scheduled`` (waits for its time)
-> ``sending`` (outbox rows exist) -> ``done`` (report sent), or ``cancelled``.
Life of a delivery row: ``pending`` -> ``sending`` (recorded *before* the Bot API call)
-> ``sent`` | ``failed`` | back to ``pending`` with a later ``next_attempt_at``; groups
that opted out get a ``skipped`` row so the report can count them. A row left in
``sending`` by a dead sender (its lease expired) is sent again and flagged ``uncertain``:
Telegram has no idempotency key, so only those few rows may arrive twice.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several replicas share
one outbox without sending a row twice. This module is free of Telegram: the sender in
``bot.telegram.broadcast`` calls it.

Example::

    >>> outbox = Outbox(store)  # doctest: +SKIP
    >>> ann = outbox.create(admin_id, admin_chat, "text", "Họp chi đoàn 8h", tag=None)  # doctest: +SKIP
    >>> outbox.confirm(ann.id)  # doctest: +SKIP
    >>> rows = outbox.claim("replica-1", limit=30)  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.kinds import AnnouncementStatus, DeliveryState
from bot.storage.store import AnnouncementRow, ChatRow, DeliveryRow, Store, utcnow


@dataclass
class Report:
    announcement_id: int
    total: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    pending: int = 0
    uncertain: int = 0  # resent after a crash: may have arrived twice
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def finished(self) -> bool:
        return self.pending == 0


@dataclass
class Claimed:
    delivery_id: int
    announcement_id: int
    chat_id: int
    attempts: int


def targets_for(groups: list[ChatRow], tag: str | None) -> tuple[list[ChatRow], list[ChatRow]]:
    """(groups to send to, groups that opted out) among active groups with the tag."""
    chosen = [g for g in groups if g.active and g.approved and (tag is None or tag in g.tag_list)]
    return [g for g in chosen if g.announcements], [g for g in chosen if not g.announcements]


class Outbox:
    def __init__(self, store: Store, lease_seconds: float = 30.0) -> None:
        self.store = store
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.instance = uuid.uuid4().hex[:12]

    # --- announcements ---------------------------------------------------------------------
    def create(self, created_by: int, admin_chat_id: int, kind: str, text: str, *, file_id: str | None = None,
               file_name: str | None = None, tag: str | None = None, pin: bool = False,
               scheduled_at: dt.datetime | None = None) -> AnnouncementRow:
        row = AnnouncementRow(created_by=created_by, admin_chat_id=admin_chat_id, kind=kind, text=text,
                              file_id=file_id, file_name=file_name, tag=tag, pin=pin,
                              scheduled_at=scheduled_at, status=AnnouncementStatus.DRAFT)
        with self.store.session() as s, s.begin():
            s.add(row)
            s.flush()
            s.expunge(row)
        return row

    def get(self, announcement_id: int) -> AnnouncementRow | None:
        with self.store.session() as s:
            return s.get(AnnouncementRow, announcement_id)

    def preview_counts(self, tag: str | None) -> tuple[int, int]:
        send, skip = targets_for(self.store.groups(active_only=True), tag)
        return len(send), len(skip)

    def confirm(self, announcement_id: int) -> AnnouncementRow | None:
        """The admin pressed "Gửi": schedule it, or queue its rows now. Only a draft moves."""
        with self.store.session() as s, s.begin():
            row = s.get(AnnouncementRow, announcement_id, with_for_update=True)
            if row is None or row.status != AnnouncementStatus.DRAFT:
                return None
            if row.scheduled_at is not None and row.scheduled_at > utcnow():
                row.status = AnnouncementStatus.SCHEDULED
            else:
                self._materialise(s, row)
            s.flush()
            s.expunge(row)
            return row

    def cancel(self, announcement_id: int) -> bool:
        """Cancel a draft or a scheduled announcement (one being sent cannot be recalled)."""
        with self.store.session() as s, s.begin():
            row = s.get(AnnouncementRow, announcement_id, with_for_update=True)
            if row is None or row.status not in (AnnouncementStatus.DRAFT, AnnouncementStatus.SCHEDULED):
                return False
            row.status = AnnouncementStatus.CANCELLED
            return True

    def scheduled(self) -> list[AnnouncementRow]:
        with self.store.session() as s:
            return list(s.scalars(select(AnnouncementRow).where(AnnouncementRow.status == AnnouncementStatus.SCHEDULED)
                                  .order_by(AnnouncementRow.scheduled_at)))

    def start_due(self, now: dt.datetime | None = None) -> list[int]:
        """Queue the rows of scheduled announcements whose time has come; returns their ids."""
        now = now or utcnow()
        started = []
        with self.store.session() as s, s.begin():
            query = (select(AnnouncementRow).where(AnnouncementRow.status == AnnouncementStatus.SCHEDULED,
                                                   AnnouncementRow.scheduled_at <= now))
            if self.store.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            for row in s.scalars(query).all():
                self._materialise(s, row)
                started.append(row.id)
        return started

    def _materialise(self, s: Session, row: AnnouncementRow) -> None:
        groups = list(s.scalars(select(ChatRow).where(ChatRow.type.in_(("group", "supergroup")),
                                                      ChatRow.active.is_(True))))
        send, skip = targets_for(groups, row.tag)
        now = utcnow()
        for group in send:
            s.add(DeliveryRow(announcement_id=row.id, chat_id=group.id, state=DeliveryState.PENDING, attempts=0,
                              next_attempt_at=now, uncertain=False))
        for group in skip:
            s.add(DeliveryRow(announcement_id=row.id, chat_id=group.id, state=DeliveryState.SKIPPED, attempts=0,
                              next_attempt_at=now, uncertain=False, error="opted out"))
        row.status, row.started_at = AnnouncementStatus.SENDING, now

    # --- delivery rows ------------------------------------------------------------------------
    def recover_abandoned(self, now: dt.datetime | None = None) -> int:
        """Rows a dead sender left in "sending": send again, flagged uncertain."""
        now = now or utcnow()
        with self.store.session() as s, s.begin():
            result = s.execute(update(DeliveryRow)
                               .where(DeliveryRow.state == DeliveryState.SENDING,
                                      DeliveryRow.claimed_at < now - self.lease)
                               .values(state=DeliveryState.PENDING, uncertain=True, next_attempt_at=now))
            return int(getattr(result, "rowcount", 0) or 0)  # an UPDATE's CursorResult

    def claim(self, limit: int, now: dt.datetime | None = None) -> list[Claimed]:
        """Take up to ``limit`` due rows and mark them "sending" (committed before any call)."""
        now = now or utcnow()
        with self.store.session() as s, s.begin():
            query = (select(DeliveryRow).where(DeliveryRow.state == DeliveryState.PENDING,
                                               DeliveryRow.next_attempt_at <= now)
                     .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id).limit(limit))
            if self.store.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = s.scalars(query).all()
            for row in rows:
                row.state, row.claimed_at, row.claimed_by = DeliveryState.SENDING, now, self.instance
                row.attempts += 1
            return [Claimed(r.id, r.announcement_id, r.chat_id, r.attempts) for r in rows]

    def mark_sent(self, delivery_id: int, message_id: int | None) -> None:
        self._set(delivery_id, state=DeliveryState.SENT, message_id=message_id, sent_at=utcnow(), error=None)

    def mark_failed(self, delivery_id: int, reason: str) -> None:
        self._set(delivery_id, state=DeliveryState.FAILED, error=reason[:500])

    def retry_later(self, delivery_id: int, seconds: float, reason: str) -> None:
        self._set(delivery_id, state=DeliveryState.PENDING, error=reason[:500],
                  next_attempt_at=utcnow() + dt.timedelta(seconds=seconds))

    def move_chat(self, delivery_id: int, new_chat_id: int) -> None:
        """The group moved to a supergroup: send to the new id (unless it already has a row)."""
        with self.store.session() as s, s.begin():
            row = s.get(DeliveryRow, delivery_id)
            if row is None:
                return
            exists = s.scalar(select(DeliveryRow.id).where(DeliveryRow.announcement_id == row.announcement_id,
                                                           DeliveryRow.chat_id == new_chat_id))
            if exists:
                row.state, row.error = DeliveryState.SKIPPED, f"migrated to {new_chat_id}"
            else:
                row.chat_id, row.state, row.next_attempt_at = new_chat_id, DeliveryState.PENDING, utcnow()

    def _set(self, delivery_id: int, **values: object) -> None:
        with self.store.session() as s, s.begin():
            s.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id).values(**values))

    # --- reports -------------------------------------------------------------------------------
    def report(self, announcement_id: int) -> Report:
        out = Report(announcement_id)
        with self.store.session() as s:
            for state, uncertain, error, count in s.execute(
                    select(DeliveryRow.state, DeliveryRow.uncertain, DeliveryRow.error, func.count())
                    .where(DeliveryRow.announcement_id == announcement_id)
                    .group_by(DeliveryRow.state, DeliveryRow.uncertain, DeliveryRow.error)):
                out.total += count
                if state == DeliveryState.SENT:
                    out.sent += count
                elif state == DeliveryState.FAILED:
                    out.failed += count
                    out.failures[error or "?"] += count
                elif state == DeliveryState.SKIPPED:
                    out.skipped += count
                else:
                    out.pending += count
                if uncertain:
                    out.uncertain += count
        return out

    def finish_completed(self) -> list[AnnouncementRow]:
        """Announcements whose every row is settled: mark them done (once) and return them."""
        done = []
        with self.store.session() as s, s.begin():
            open_rows = select(DeliveryRow.announcement_id).where(
                or_(DeliveryRow.state == DeliveryState.PENDING, DeliveryRow.state == DeliveryState.SENDING))
            query = select(AnnouncementRow).where(AnnouncementRow.status == AnnouncementStatus.SENDING,
                                                  AnnouncementRow.id.not_in(open_rows))
            if self.store.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            for row in s.scalars(query).all():
                row.status, row.finished_at = AnnouncementStatus.DONE, utcnow()
                s.flush()
                s.expunge(row)
                done.append(row)
        return done

    def set_knowledge_file(self, announcement_id: int, path: str) -> None:
        with self.store.session() as s, s.begin():
            row = s.get(AnnouncementRow, announcement_id)
            if row is not None:
                row.knowledge_file = path

    def has_work(self) -> bool:
        with self.store.session() as s:
            return bool(s.scalar(select(func.count()).select_from(DeliveryRow)
                                 .where(DeliveryRow.state.in_((DeliveryState.PENDING, DeliveryState.SENDING)))))
