"""The chats the bot is in: membership, approval, opt-out and tags."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.kinds import Approval
from bot.storage.core import StoreCore, retry_on_conflict
from bot.storage.models import ChatRow, utcnow


class GroupStore(StoreCore):
    """The chats the bot is in: membership, approval, opt-out and tags."""

    # --- chats -----------------------------------------------------------------------------
    def seen_chat(self, chat_id: int, chat_type: str, title: str | None = None,
                  username: str | None = None) -> None:
        retry_on_conflict(self._seen_chat, chat_id, str(chat_type), title, username)

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
        return retry_on_conflict(self._set_membership, chat_id, str(chat_type), title, str(status), can_pin,
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
