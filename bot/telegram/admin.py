"""What union secretaries do: add documents by sending files, list and remove them,
reindex with a live progress message, read statistics and unanswered questions, and
curate FAQ answers.

Every command here checks the sender against ``HOIDOAN_ADMIN_IDS`` first (:func:`admin_only`).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Coroutine
from html import escape
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import messages
from bot.answers.render import format_date
from bot.documents.ingest import IngestError
from bot.documents.library import Staged
from bot.engine import AddResult, ReindexResult
from bot.settings import Settings
from bot.telegram import charts, layouts
from bot.telegram.callbacks import Remove, Upload, encode, expect, parse
from bot.telegram.services import Services, services

log = logging.getLogger(__name__)

TELEGRAM_DOWNLOAD_LIMIT_MB = 20.0  # the Bot API's getFile limit (a local Bot API server has none)
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def upload_limit_mb(settings: Settings) -> float:
    """api.telegram.org serves files up to 20 MB; a local Bot API server has no such limit."""
    official = "api.telegram.org" in settings.telegram_api_url
    return min(TELEGRAM_DOWNLOAD_LIMIT_MB, settings.max_file_mb) if official else settings.max_file_mb


def admin_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if not services(context).is_admin(user.id if user else None):
            log.info("Refused an admin command from a non-admin user")
            if update.callback_query:
                await update.callback_query.answer(messages.NOT_ADMIN, show_alert=True)
            elif update.effective_message:
                await update.effective_message.reply_text(messages.NOT_ADMIN)
            return
        await handler(update, context)

    return wrapper


async def edit_text(message: Message | None, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Edit a status or confirmation message; an edit that fails ("not modified") is no error."""
    if message is None:
        return
    try:
        await message.edit_text(text, reply_markup=keyboard)
    except TelegramError as err:
        log.debug("Could not edit message: %s", err)


def _status_editor(message: Message, render: Callable[[int, int], str]) -> Callable[[int, int], None]:
    """A progress callback for a worker thread: edits ``message`` with ``render(done, total)``
    at most once a second (and always at the end), skipping texts that did not change."""
    loop = asyncio.get_running_loop()
    state: dict[str, Any] = {"at": 0.0, "text": ""}

    def progress(done: int, total: int) -> None:
        text = render(done, total)
        now = time.monotonic()
        if text == state["text"] or (now - state["at"] < 1.0 and done < total):
            return
        state.update(at=now, text=text)
        asyncio.run_coroutine_threadsafe(edit_text(message, text), loop)

    return progress


def _indexing_progress(message: Message) -> Callable[[int, int], None]:
    return _status_editor(message, lambda done, total: messages.REINDEX_PROGRESS.format(
        done=done, total=total, percent=int(100 * done / max(total, 1))))


def reindex_summary(result: ReindexResult) -> str:
    r = result.report
    text = messages.REINDEX_DONE.format(seconds=r.seconds, documents=r.documents, chunks=r.chunks,
                                        embedded=r.embedded, added=len(r.added), changed=len(r.changed),
                                        removed=len(r.removed))
    if result.problems:
        lines = "\n".join(f"• {escape(p.path)}: {escape(messages.read_reason(p.code))}"
                          for p in result.problems[:20])
        text += "\n" + messages.REINDEX_PROBLEMS.format(count=len(result.problems), lines=lines)
    if result.warnings:
        lines = "\n".join(f"• {escape(p.path)}: {escape(messages.read_reason(p.code))}"
                          for p in result.warnings[:20])
        text += "\n" + messages.REINDEX_WARNINGS.format(count=len(result.warnings), lines=lines)
    return text


def upload_summary(added: AddResult) -> str:
    """What was read and indexed, as the admin should check it (title, kind, date, pages, OCR)."""
    doc, info = added.document, added.info
    details = messages.UPLOAD_DETAILS.format(
        kind=messages.KIND_NAMES.get(doc.kind, doc.kind),
        number=messages.UPLOAD_NUMBER.format(number=escape(doc.number)) if doc.number else "",
        date=format_date(doc.date) or messages.DATE_UNKNOWN_SHORT)
    extra = []
    if doc.pages:
        extra.append(messages.UPLOAD_PAGES.format(pages=doc.pages))
    if doc.ocr_pages:
        extra.append(messages.UPLOAD_OCR.format(pages=doc.ocr_pages))
    if doc.encoding:
        extra.append(messages.UPLOAD_ENCODING.format(encoding=messages.ENCODING_NAMES.get(doc.encoding, doc.encoding)))
    if extra:
        details += " · " + " · ".join(extra)
    text = messages.UPLOAD_DONE.format(title=escape(doc.title), details=details, passages=info.chunks if info else 0)
    if added.replaced:
        text += "\n" + messages.UPLOAD_REPLACED.format(files=escape(", ".join(added.replaced)))
    if doc.garbled:
        text += "\n" + messages.UPLOAD_GARBLED.format(share=doc.valid_share)
    for note in doc.notes:
        text += "\n" + messages.UPLOAD_NOTE.format(note=escape(messages.read_reason(note.code)))
    return text


# --- documents --------------------------------------------------------------------------------
STAGED_KEY = "staged_uploads"  # bot_data: token -> (Staged, admin user id)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin sends a file in a private chat: read it in staging, ask about same-title files,
    store it, index it, say what was read."""
    svc = services(context)
    message = update.effective_message
    user = update.effective_user
    document = message.document
    if not svc.is_admin(user.id if user else None):
        await message.reply_text(messages.UPLOAD_NOT_ADMIN.format(contact=escape(svc.settings.contact_text)))
        return
    name = document.file_name or "tai-lieu"
    ext = Path(name).suffix.lower().lstrip(".")
    if ext not in svc.settings.upload_types:
        await message.reply_text(messages.UPLOAD_BAD_TYPE.format(
            ext=escape(ext or name), types=", ".join(t.upper() for t in svc.settings.upload_types)))
        return
    limit = upload_limit_mb(svc.settings)
    size_mb = (document.file_size or 0) / 1e6
    if size_mb > limit:
        log.info("Refused upload %s: %.1f MB over %.0f MB", name, size_mb, limit)
        await message.reply_text(messages.UPLOAD_TOO_BIG.format(name=escape(name), size=size_mb, limit=limit))
        return
    status = await message.reply_text(messages.UPLOAD_RECEIVED.format(name=escape(name)))
    svc.settings.data_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="upload-", dir=svc.settings.data_dir))
    try:
        try:
            tg_file = await document.get_file()
            local = await tg_file.download_to_drive(workdir / "upload.bin")
        except TelegramError as err:
            log.warning("Download of an upload failed: %s", err)
            await edit_text(status, messages.UPLOAD_FAILED)
            return
        real_mb = Path(local).stat().st_size / 1e6  # a local Bot API server may not say the size first
        if real_mb > limit:
            log.info("Refused upload: %.1f MB over %.0f MB", real_mb, limit)
            await edit_text(status, messages.UPLOAD_TOO_BIG.format(name=escape(name), size=real_mb, limit=limit))
            return
        try:
            ocr = _status_editor(status, lambda done, total: messages.UPLOAD_OCR_PROGRESS.format(
                name=escape(name), done=done, total=total))
            staged = await asyncio.to_thread(svc.engine.stage_upload, Path(local), name, ocr)
        except IngestError as err:
            log.info("Refused upload %s: %s", name, err)
            await edit_text(status, messages.UPLOAD_REFUSED.format(
                name=escape(name), reason=escape(messages.read_reason(err.code))))
            return
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if staged.same_title:
        context.bot_data.setdefault(STAGED_KEY, {})[staged.token] = (staged, user.id)
        keyboard = InlineKeyboardMarkup([[
            InlineKeyboardButton(messages.BUTTON_REPLACE, callback_data=encode(Upload(staged.token, True))),
            InlineKeyboardButton(messages.BUTTON_KEEP_BOTH, callback_data=encode(Upload(staged.token, False))),
        ]])
        await edit_text(status, messages.UPLOAD_SAME_TITLE.format(
            title=escape(staged.document.title), files=escape(", ".join(staged.same_title))), keyboard)
        return
    await _finish_upload(svc, staged, [], status)


async def _finish_upload(svc: Services, staged: Staged, replace: list[str], status: Message | None) -> None:
    await edit_text(status, messages.UPLOAD_INDEXING.format(title=escape(staged.document.title)))
    async with svc.reindexing:
        try:
            added = await asyncio.to_thread(svc.engine.add_staged, staged, replace,
                                            _indexing_progress(status) if status else None)
        except IngestError as err:
            log.info("Upload %s not indexed: %s", staged.name, err)
            await edit_text(status, messages.UPLOAD_REFUSED.format(
                name=escape(staged.name), reason=escape(messages.read_reason(err.code))))
            return
        finally:
            svc.engine.library().discard(staged)
    await edit_text(status, upload_summary(added))


@admin_only
async def on_upload_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Thay thế" / "Giữ cả hai" on an upload whose title matches other documents."""
    query = update.callback_query
    data = parse(query.data)
    pending = context.bot_data.get(STAGED_KEY, {})
    entry = pending.get(data.token) if isinstance(data, Upload) else None
    if entry is None or entry[1] != update.effective_user.id:
        await query.answer(messages.UPLOAD_EXPIRED, show_alert=True)
        return
    await query.answer()
    staged, _ = pending.pop(data.token)
    replace = staged.same_title if data.replace else []
    await _finish_upload(services(context), staged, replace, query.message)


@admin_only
async def docs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    engine = services(context).engine
    found = await asyncio.to_thread(engine.documents)
    replaced = await asyncio.to_thread(engine.replacements)
    for part in layouts.split_html(layouts.docs_html(found, replaced)):
        await update.effective_message.reply_text(part)


@admin_only
async def replace(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/replace OLD NEW: OLD is an older version of NEW (answers prefer NEW); /replace OLD -: it is not."""
    engine = services(context).engine
    message = update.effective_message
    args = context.args or []
    if len(args) != 2:
        await message.reply_text(messages.REPLACE_USAGE)
        return
    old, new = args[0], None if args[1] == "-" else args[1]
    if not await asyncio.to_thread(engine.set_replacement, old, new):
        await message.reply_text(messages.REPLACE_UNKNOWN)
        return
    titles = {d.doc_id: d.title for d in await asyncio.to_thread(engine.documents)}
    text = (messages.REPLACE_SET.format(old=escape(titles[old]), new=escape(titles[new])) if new
            else messages.REPLACE_UNSET.format(old=escape(titles[old])))
    await message.reply_text(text)


def _remove_key(doc_id: str) -> str:
    return hashlib.sha1(doc_id.encode()).hexdigest()[:16]


@admin_only
async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    message = update.effective_message
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(messages.REMOVE_USAGE)
        return
    found = await asyncio.to_thread(svc.engine.find_documents, query)
    if not found:
        await message.reply_text(messages.REMOVE_NOT_FOUND.format(query=escape(query)))
        return
    if len(found) > 1:
        lines = "\n".join(f"• {escape(d.title)}: <code>{escape(d.doc_id)}</code>" for d in found[:20])
        await message.reply_text(messages.REMOVE_MANY.format(count=len(found), query=escape(query), lines=lines))
        return
    doc = found[0]
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(messages.BUTTON_CONFIRM_REMOVE, callback_data=encode(Remove(_remove_key(doc.doc_id)))),
        InlineKeyboardButton(messages.BUTTON_CANCEL, callback_data=encode(Remove("cancel"))),
    ]])
    await message.reply_text(messages.REMOVE_CONFIRM.format(title=escape(doc.title), path=escape(doc.path or "")),
                             reply_markup=keyboard)


@admin_only
async def on_remove_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    query = update.callback_query
    data = await expect(update, Remove)
    if data is None:
        return
    key = data.key
    if key == "cancel":
        await edit_text(query.message, messages.REMOVE_CANCELLED)
        return
    docs_now = await asyncio.to_thread(svc.engine.documents)
    doc = next((d for d in docs_now if _remove_key(d.doc_id) == key), None)
    if doc is None:
        await edit_text(query.message, messages.REMOVE_NOT_FOUND.format(query=escape(key)))
        return
    async with svc.reindexing:
        result = await asyncio.to_thread(svc.engine.remove_document, doc.doc_id)
    if result is None:
        await edit_text(query.message, messages.REMOVE_NOT_FOUND.format(query=escape(doc.title)))
        return
    await edit_text(query.message, messages.REMOVE_DONE.format(title=escape(doc.title),
                                                           documents=result.report.documents))


@admin_only
async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    message = update.effective_message
    if svc.reindexing.locked():
        await message.reply_text(messages.REINDEX_RUNNING)
        return
    async with svc.reindexing:
        status = await message.reply_text(messages.REINDEX_START)
        try:
            result = await asyncio.to_thread(svc.engine.reindex, False, _indexing_progress(status),
                                             _status_editor(status, lambda done, total: messages.REINDEX_OCR.format(
                                                 done=done, total=total)))
        except Exception as err:  # the old index keeps serving; tell the admin why
            log.exception("Reindex failed")
            await edit_text(status, messages.REINDEX_FAILED.format(reason=escape(f"{type(err).__name__}: {err}")))
            return
    await edit_text(status, reindex_summary(result))


# --- statistics -------------------------------------------------------------------------------
@admin_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    figures = await asyncio.to_thread(svc.store.stats, 30)
    png = await asyncio.to_thread(charts.questions_per_day_png, figures.per_day, figures.days)
    await update.effective_message.reply_photo(png, caption=layouts.stats_caption(figures))


@admin_only
async def unanswered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    items = await asyncio.to_thread(services(context).store.unanswered, 20)
    for part in layouts.split_html(layouts.unanswered_html(items)):
        await update.effective_message.reply_text(part)


# --- FAQ --------------------------------------------------------------------------------------
def parse_faq_add(text: str) -> tuple[str, str] | None:
    """"Question | answer", or the question on the first line and the answer below it."""
    text = text.strip()
    if "|" in text:
        question, _, answer = text.partition("|")
    else:
        question, _, answer = text.partition("\n")
    question, answer = question.strip(), answer.strip()
    return (question, answer) if question and answer else None


@admin_only
async def faq(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    message = update.effective_message
    body = (message.text or "").split(maxsplit=1)
    rest = body[1] if len(body) > 1 else ""
    action, _, arg = rest.strip().partition(" ")
    if "\n" in action:  # "/faq add\nquestion\nanswer"
        action, _, more = action.partition("\n")
        arg = more + " " + arg
    action = action.lower()
    if action == "add" and (pair := parse_faq_add(arg)):
        faq_id = await asyncio.to_thread(svc.store.faq_add, pair[0], pair[1], update.effective_user.id)
        svc.faqs_changed()
        await message.reply_text(messages.FAQ_ADDED.format(faq_id=faq_id))
    elif action == "list":
        items = await asyncio.to_thread(svc.store.faq_list)
        for part in layouts.split_html(layouts.faq_list_html(items)):
            await message.reply_text(part)
    elif action in ("remove", "rm", "del") and arg.strip().isdigit():
        faq_id = int(arg.strip())
        removed = await asyncio.to_thread(svc.store.faq_remove, faq_id)
        svc.faqs_changed()
        text = messages.FAQ_REMOVED if removed else messages.FAQ_NOT_FOUND
        await message.reply_text(text.format(faq_id=faq_id))
    else:
        await message.reply_text(messages.FAQ_USAGE)
