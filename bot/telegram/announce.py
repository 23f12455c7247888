"""Announcements from the chat side: knowing the groups, composing, previewing, confirming,
scheduling and cancelling. Delivery itself is :mod:`bot.telegram.broadcast`'s job.

Bot admins (``HOIDOAN_ADMIN_IDS``) compose in a private chat. A group's own admins can
opt their group out (``/announcements off``) and tag it (``/tag khoi-co-quan``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import messages
from bot.kinds import AnnouncementStatus, Approval
from bot.storage.store import AnnouncementRow, ChatRow, utcnow
from bot.telegram.admin import admin_only, edit_text
from bot.telegram.broadcast import knowledge_markdown, plain_text, send_content
from bot.telegram.callbacks import Announcement, GroupDecision, encode, expect
from bot.telegram.layouts import split_html
from bot.telegram.services import Services, services

log = logging.getLogger(__name__)

_OPTION = re.compile(r"(?:^|\s)--(tag|pin)(?:[= ]+([\w\-]+))?", re.UNICODE)
_WHEN = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2})?)\s*")


def parse_options(text: str) -> tuple[str, str | None, bool]:
    """("rest of text", tag, pin) from "--tag khoi-co-quan --pin Nội dung"."""
    tag, pin = None, False
    for match in _OPTION.finditer(text):
        if match.group(1) == "pin":
            pin = True
        elif match.group(2):
            tag = match.group(2).lower()
    rest = _OPTION.sub(lambda m: " " if m.group(1) == "tag" or not m.group(2) else f" {m.group(2)}", text)
    return rest.strip(), tag, pin


def parse_when(text: str, zone: str) -> tuple[dt.datetime | None, str]:
    """(UTC naive time, rest) from "2026-12-01 08:00 ..." in the configured time zone."""
    match = _WHEN.match(text)
    if not match:
        return None, text
    try:
        local = dt.datetime.fromisoformat(f"{match.group(1)} {match.group(2)}").replace(tzinfo=ZoneInfo(zone))
    except ValueError:
        return None, text
    return local.astimezone(dt.UTC).replace(tzinfo=None), text[match.end():]


def local_time(utc_naive: dt.datetime, zone: str) -> str:
    return utc_naive.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(zone)).strftime("%H:%M %d/%m/%Y")


def _content(message: Message, own_text: str) -> tuple[str, str, str | None, str | None] | None:
    """(kind, HTML text, file id, file name): the replied-to message's content, or the text given."""
    source = message.reply_to_message
    if source is not None:
        if source.photo:
            return "photo", source.caption_html or "", source.photo[-1].file_id, None
        if source.document:
            return "document", source.caption_html or "", source.document.file_id, source.document.file_name
        if source.text:
            return "text", source.text_html, None, None
    if own_text.strip():
        return "text", escape(own_text.strip()), None, None
    return None


def _after_command(message: Message) -> str:
    parts = (message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


async def _compose(update: Update, context: ContextTypes.DEFAULT_TYPE, scheduled: bool) -> None:
    svc = services(context)
    message = update.effective_message
    if update.effective_chat.type != ChatType.PRIVATE:
        await message.reply_text(messages.ANNOUNCE_PRIVATE_ONLY)
        return
    text = _after_command(message)
    when = None
    if scheduled:
        when, text = parse_when(text, svc.settings.timezone)
        if when is None:
            await message.reply_text(messages.SCHEDULE_BAD_TIME.format(zone=escape(svc.settings.timezone)))
            return
        if when <= utcnow():
            await message.reply_text(messages.SCHEDULE_PAST.format(when=local_time(when, svc.settings.timezone)))
            return
    text, tag, pin = parse_options(text)
    content = _content(message, text)
    if content is None:
        await message.reply_text(messages.ANNOUNCE_USAGE)
        return
    kind, body, file_id, file_name = content
    targets, skipped = await asyncio.to_thread(svc.outbox.preview_counts, tag)
    if targets == 0 and not scheduled:
        tag_text = messages.ANNOUNCE_PREVIEW_TAG.format(tag=escape(tag)) if tag else ""
        await message.reply_text(messages.ANNOUNCE_NO_GROUPS.format(tag=tag_text))
        return
    ann = await asyncio.to_thread(svc.outbox.create, update.effective_user.id, message.chat_id, kind, body,
                                  file_id=file_id, file_name=file_name, tag=tag, pin=pin, scheduled_at=when)
    await send_content(context.bot, message.chat_id, ann)  # the preview is the real thing
    preview = messages.ANNOUNCE_PREVIEW.format(
        targets=targets,
        tag=messages.ANNOUNCE_PREVIEW_TAG.format(tag=escape(tag)) if tag else "",
        skipped=messages.ANNOUNCE_PREVIEW_SKIPPED.format(skipped=skipped) if skipped else "",
        pin=messages.ANNOUNCE_PREVIEW_PIN if pin else "",
        when=messages.ANNOUNCE_PREVIEW_WHEN.format(when=local_time(when, svc.settings.timezone)) if when else "")
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(messages.BUTTON_SEND, callback_data=encode(Announcement("send", ann.id))),
        InlineKeyboardButton(messages.BUTTON_CANCEL, callback_data=encode(Announcement("cancel", ann.id)))]])
    await message.reply_text(preview, reply_markup=keyboard)


@admin_only
async def announce(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _compose(update, context, scheduled=False)


@admin_only
async def schedule(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _compose(update, context, scheduled=True)


@admin_only
async def scheduled_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    pending = await asyncio.to_thread(svc.outbox.scheduled)
    if not pending:
        await update.effective_message.reply_text(messages.SCHEDULED_EMPTY)
        return
    lines = [messages.SCHEDULED_TITLE]
    buttons = []
    for ann in pending[:20]:
        preview = escape(plain_text(ann.text)[:60]) or escape(ann.file_name or ann.kind)
        tag = f" [{escape(ann.tag)}]" if ann.tag else ""
        lines.append(messages.SCHEDULED_LINE.format(id=ann.id, when=local_time(ann.scheduled_at, svc.settings.timezone),
                                                    tag=tag, preview=preview))
        buttons.append([InlineKeyboardButton(messages.BUTTON_CANCEL_N.format(id=ann.id),
                                             callback_data=encode(Announcement("cancel", ann.id)))])
    await update.effective_message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons))


@admin_only
async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    query = update.callback_query
    data = await expect(update, Announcement)
    if data is None:
        return
    action, ann_id = data.action, str(data.ann_id)
    if action == "cancel":
        ok = await asyncio.to_thread(svc.outbox.cancel, int(ann_id))
        text = messages.ANNOUNCE_CANCELLED if ok else messages.ANNOUNCE_NOT_CANCELLABLE
        await edit_text(query.message, text.format(id=ann_id))
        return
    ann = await asyncio.to_thread(svc.outbox.confirm, int(ann_id))
    if ann is None:
        await edit_text(query.message, messages.ANNOUNCE_NOT_CANCELLABLE.format(id=ann_id))
        return
    if ann.status == AnnouncementStatus.SCHEDULED:
        await edit_text(query.message, messages.ANNOUNCE_SCHEDULED.format(
            id=ann.id, when=local_time(ann.scheduled_at, svc.settings.timezone)))
        return
    report = await asyncio.to_thread(svc.outbox.report, ann.id)
    await edit_text(query.message, messages.ANNOUNCE_SENDING.format(id=ann.id, targets=report.total - report.skipped))
    if svc.broadcaster is not None:
        svc.broadcaster.wake()
    await add_to_knowledge(svc, ann)


async def add_to_knowledge(svc: Services, ann: AnnouncementRow) -> None:
    """Members can later ask about what was announced ("hạn nộp đoàn phí là khi nào?")."""
    local_date = dt.datetime.now(ZoneInfo(svc.settings.timezone)).date()
    made = knowledge_markdown(ann, local_date)
    if made is None:
        return
    name, body = made
    path = await asyncio.to_thread(svc.engine.add_text, f"thong-bao/{name}", body)
    await asyncio.to_thread(svc.outbox.set_knowledge_file, ann.id, path)
    async with svc.reindexing:
        try:
            await asyncio.to_thread(svc.engine.reindex)
        except Exception:  # the announcement itself is already on its way
            log.exception("Could not index announcement %s", ann.id)


def _group_state(row: ChatRow) -> str:
    state = messages.GROUP_STATE_ACTIVE if row.active else messages.GROUP_STATE_INACTIVE
    if row.approval == Approval.PENDING:
        state += " · " + messages.GROUP_STATE_PENDING
    elif row.approval == Approval.REJECTED:
        state += " · " + messages.GROUP_STATE_REJECTED
    return state


@admin_only
async def groups(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    rows = await asyncio.to_thread(svc.store.groups)
    if not rows:
        await update.effective_message.reply_text(messages.GROUPS_EMPTY)
        return
    lines = [messages.GROUPS_TITLE.format(count=len(rows), active=sum(r.active for r in rows))]
    for row in rows:
        lines.append(messages.GROUPS_LINE.format(
            title=escape(row.title or str(row.id)),
            state=_group_state(row),
            optout="" if row.announcements else messages.GROUP_OPTED_OUT,
            tags=messages.GROUP_TAGS.format(tags=escape(", ".join(row.tag_list))) if row.tag_list else ""))
    for part in split_html("\n".join(lines)):
        await update.effective_message.reply_text(part)


# --- group settings, by the group's own admins -----------------------------------------------------
async def _group_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if chat.type not in {ChatType.GROUP.value, ChatType.SUPERGROUP.value}:
        await message.reply_text(messages.GROUP_ONLY)
        return False
    if services(context).is_admin(user.id):
        return True
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        member = None
    if member is None or member.status not in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR):
        await message.reply_text(messages.GROUP_ADMIN_ONLY, do_quote=True)
        return False
    return True


MAX_TAGS = 10
TAG = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


async def _approved_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Tags and opt-out only mean something for a group that receives announcements."""
    row = await asyncio.to_thread(services(context).store.get_chat, update.effective_chat.id)
    if row is None or not row.approved:
        await update.effective_message.reply_text(messages.GROUP_NOT_APPROVED)
        return False
    return True


async def announcements_switch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    arg = " ".join(context.args or []).strip().lower()
    if arg not in ("on", "off", "bat", "bật", "tat", "tắt"):
        await update.effective_message.reply_text(messages.GROUP_ANNOUNCEMENTS_USAGE)
        return
    if not await _group_admin(update, context) or not await _approved_group(update, context):
        return
    enabled = arg in ("on", "bat", "bật")
    chat = update.effective_chat
    store = services(context).store
    await asyncio.to_thread(store.seen_chat, chat.id, chat.type, chat.title)
    await asyncio.to_thread(store.set_announcements, chat.id, enabled)
    await update.effective_message.reply_text(
        messages.GROUP_ANNOUNCEMENTS_ON if enabled else messages.GROUP_ANNOUNCEMENTS_OFF)


async def tag(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    store = services(context).store
    given = [t for t in re.split(r"[,\s]+", " ".join(context.args or [])) if t]
    if not given:
        if chat.type == ChatType.PRIVATE:
            await update.effective_message.reply_text(messages.GROUP_ONLY)
            return
        row = await asyncio.to_thread(store.get_chat, chat.id)
        current = row.tag_list if row else []
        text = messages.GROUP_TAGS_SET.format(tags=escape(", ".join(current))) if current else messages.GROUP_TAGS_NONE
        await update.effective_message.reply_text(text)
        return
    if not await _group_admin(update, context) or not await _approved_group(update, context):
        return
    if len(given) > MAX_TAGS or any(not TAG.fullmatch(t.lower()) for t in given):
        await update.effective_message.reply_text(messages.GROUP_TAGS_INVALID.format(max=MAX_TAGS))
        return
    tags = await asyncio.to_thread(store.set_tags, chat.id, given)
    await update.effective_message.reply_text(messages.GROUP_TAGS_SET.format(tags=escape(", ".join(tags))))


# --- membership updates ------------------------------------------------------------------------------
async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot was added to, promoted in, restricted in or removed from a chat."""
    svc = services(context)
    change = update.my_chat_member
    if change is None:  # registered for MY_CHAT_MEMBER updates only
        return
    chat, member = change.chat, change.new_chat_member
    can_pin = bool(getattr(member, "can_pin_messages", False)) or member.status == ChatMemberStatus.OWNER
    if chat.type == ChatType.GROUP and member.status == ChatMemberStatus.ADMINISTRATOR:
        can_pin = True  # in basic groups every admin may pin
    by_admin = svc.is_admin(change.from_user.id if change.from_user else None)
    joined = member.status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)
    was_in = change.old_chat_member.status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR,
                                               ChatMemberStatus.RESTRICTED, ChatMemberStatus.OWNER)
    approval = Approval.APPROVED if joined and by_admin else None
    row = await asyncio.to_thread(svc.store.set_membership, chat.id, chat.type, chat.title or chat.full_name,
                                  member.status, can_pin, approval)
    log.info("Bot is now %s in %s chat %s", member.status, chat.type, chat.id)
    if row.is_group and joined and not was_in and not row.approved:
        await _ask_admins_to_approve(context, row, change.from_user.full_name if change.from_user else "?")


async def _ask_admins_to_approve(context: ContextTypes.DEFAULT_TYPE, row: ChatRow, added_by: str) -> None:
    """Someone who is not a bot admin added the bot to a group: it is no target until approved."""
    if row.approval == Approval.REJECTED:
        await asyncio.to_thread(services(context).store.set_approval, row.id, Approval.PENDING)
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(messages.BUTTON_APPROVE, callback_data=encode(GroupDecision(row.id, True))),
        InlineKeyboardButton(messages.BUTTON_LEAVE, callback_data=encode(GroupDecision(row.id, False))),
    ]])
    text = messages.GROUP_PENDING.format(title=escape(row.title or str(row.id)), by=escape(added_by))
    for admin_id in services(context).settings.admin_ids:
        try:
            await context.bot.send_message(admin_id, text, reply_markup=keyboard)
        except TelegramError as err:  # the admin never opened a chat with the bot
            log.warning("Cannot ask admin %s to approve a group: %s", admin_id, err)


@admin_only
async def on_group_decision(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Duyệt" makes the group a target; "Rời nhóm" leaves it."""
    svc = services(context)
    query = update.callback_query
    data = await expect(update, GroupDecision)
    if data is None:
        return
    row = await asyncio.to_thread(svc.store.set_approval, data.chat_id,
                                    Approval.APPROVED if data.approve else Approval.REJECTED)
    if row is None:
        await edit_text(query.message, messages.GROUP_UNKNOWN)
        return
    title = escape(row.title or str(row.id))
    if data.approve:
        await edit_text(query.message, messages.GROUP_APPROVED.format(title=title))
        return
    try:
        await context.bot.leave_chat(data.chat_id)
    except TelegramError as err:
        log.info("Leaving group %s: %s", data.chat_id, err)
    await edit_text(query.message, messages.GROUP_LEFT.format(title=title))


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message.migrate_to_chat_id:
        await asyncio.to_thread(services(context).store.migrate_chat, message.chat_id, message.migrate_to_chat_id)
        log.info("Group %s migrated to supergroup %s", message.chat_id, message.migrate_to_chat_id)
