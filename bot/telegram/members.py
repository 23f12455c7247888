"""What members do: /start, /help, ask (private text, /ask, @mention, reply), and the
buttons under an answer (more results, original file, 👍/👎 with a reason).

Retrieval and database calls run in worker threads (``asyncio.to_thread``) so the event
loop keeps serving other members while one question is being embedded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from html import escape

from telegram import Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import messages
from bot.assistant import Asker
from bot.search.index import IndexNotFound
from bot.telegram import layouts
from bot.telegram.callbacks import File, More, Vote, VoteReason, parse
from bot.telegram.services import services

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000


# --- who is talking to the bot ------------------------------------------------------------------
def addressed_to_bot(message: Message, bot_id: int, bot_username: str) -> bool:
    """In a group: does this message @mention the bot or reply to one of its messages?"""
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        return True
    mention = f"@{bot_username}".lower()
    for entity, value in message.parse_entities(["mention", "text_mention"]).items():
        if value.lower() == mention or (entity.user is not None and entity.user.id == bot_id):
            return True
    return False


def strip_mention(text: str, bot_username: str) -> str:
    return re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE).strip(" ,:")


def command_argument(text: str) -> str:
    """The text after "/ask" (or "/ask@bot"), keeping the member's line breaks."""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


# --- handlers -------------------------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    docs = await asyncio.to_thread(svc.engine.documents)
    newest = max((d.date for d in docs if d.date), default=None)
    user = update.effective_user
    text = layouts.welcome_html(len(docs), newest, context.bot.username, svc.is_admin(user.id if user else None))
    await update.effective_message.reply_text(text)


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    question = command_argument(message.text or "")
    if not question and message.reply_to_message and message.reply_to_message.text:
        question = message.reply_to_message.text  # "/ask" as a reply to someone's question
    if not question:
        await message.reply_text(messages.ASK_USAGE, do_quote=_in_group(update))
        return
    await answer_question(update, context, question)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer_question(update, context, update.effective_message.text or "")


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if not addressed_to_bot(message, context.bot.id, context.bot.username):
        return  # ordinary group chatter
    await answer_question(update, context, strip_mention(message.text or "", context.bot.username))


def _in_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """A member's question: the rate limit, the core assistant's reply, buttons."""
    svc = services(context)
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    quote = _in_group(update)
    question = question.strip()[:MAX_QUESTION_CHARS]
    if not question:
        await message.reply_text(messages.EMPTY_QUESTION, do_quote=quote)
        return
    wait = svc.question_limiter.wait_seconds(user.id)
    if wait > 0:  # a flood costs its sender a refusal, not the others their answers
        await message.reply_text(messages.TOO_FAST.format(seconds=max(1, round(wait))), do_quote=quote)
        return
    with contextlib.suppress(TelegramError):  # "typing…" is only a courtesy
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
    asker = Asker(chat_id=chat.id, user_id=user.id, chat_type=str(chat.type))
    try:
        reply = await asyncio.to_thread(svc.assistant.ask, question, asker)
    except IndexNotFound:
        await message.reply_text(messages.NO_INDEX, do_quote=quote)
        return
    qid = reply.question_id or 0
    if reply.faq is not None:
        svc.telemetry.question("faq", reply.latency_ms / 1000)
        await _reply_parts(message, layouts.faq_html(reply.faq), layouts.answer_keyboard(qid, []), quote)
        return
    answer = reply.answer
    assert answer is not None
    svc.telemetry.question("abstained" if answer.abstained else "answered", reply.latency_ms / 1000)
    # One line per question, without its text (admins see texts in /unanswered, logs do not).
    log.info("question id=%s chat_type=%s band=%s confidence=%.2f latency_ms=%.0f",
             qid, chat.type, answer.band.value, answer.confidence, reply.latency_ms,
             extra={"event": "question", "question_id": qid, "chat_type": str(chat.type),
                    "abstained": answer.abstained, "band": answer.band.value,
                    "latency_ms": round(reply.latency_ms, 1)})
    keyboard = None if answer.abstained else layouts.answer_keyboard(qid, answer.summaries())
    await _reply_parts(message, layouts.answer_html(answer, svc.settings.contact_text), keyboard, quote)


async def _reply_parts(message: Message, html: str, keyboard: object, quote: bool) -> Message:
    """Send an answer in parts of at most 4,096 UTF-16 units; a refused part is said, not lost."""
    parts = layouts.split_html(html)
    sent = message
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        try:
            sent = await message.reply_text(part, do_quote=quote and i == 0,
                                            reply_markup=keyboard if last else None)
        except BadRequest as err:
            log.warning("Telegram refused a reply: %s", err)
            await message.reply_text(messages.REPLY_FAILED, do_quote=quote)
            break
    return sent


# --- buttons under answers ---------------------------------------------------------------------
async def on_answer_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """More results, the original file, 👍/👎 and its reason: only for the question's own chat,
    and votes only from the member who asked (a forged button changes nothing)."""
    svc = services(context)
    query = update.callback_query
    data = parse(query.data)
    if not isinstance(data, More | File | Vote | VoteReason):
        await query.answer(messages.BUTTON_INVALID, show_alert=True)
        return
    row = await asyncio.to_thread(svc.store.get_question, data.qid)
    if row is None:
        await query.answer(messages.QUESTION_GONE, show_alert=True)
        return
    chat_id = query.message.chat.id if query.message is not None else None
    asker = query.from_user.id == row.user_id
    # The answer is visible in the chat it was given in; anywhere else the button is forged.
    if chat_id != row.chat_id or (isinstance(data, Vote | VoteReason) and not asker):
        log.info("Refused a button on question %s from another user or chat", row.id)
        await query.answer(messages.BUTTON_NOT_YOURS, show_alert=True)
        return
    private = query.message.chat.type == ChatType.PRIVATE
    if isinstance(data, More):
        await query.answer()
        answer = await asyncio.to_thread(svc.assistant.answer, row.searched or row.question)
        summaries = answer.summaries()
        start = layouts.SHOWN_FIRST
        html = layouts.answer_html(answer, svc.settings.contact_text, start=start, count=svc.settings.top_k)
        keyboard = layouts.answer_keyboard(row.id, summaries, start=start, count=svc.settings.top_k, feedback=False)
        await _reply_parts(query.message, html, keyboard, quote=not private)
    elif isinstance(data, File):
        await _send_file(update, context, row.results, data.n)
    elif isinstance(data, Vote):
        await asyncio.to_thread(svc.store.set_feedback, row.id, query.from_user.id, data.vote)
        svc.telemetry.feedback(data.vote)
        await query.answer(messages.FEEDBACK_THANKS)
        if data.vote == "down":
            await _edit_keyboard(query.message, layouts.feedback_reason_keyboard(row.id))
        else:
            await _edit_keyboard(query.message, layouts.answer_keyboard(row.id, row.results, feedback=False))
    else:
        reason = data.reason if data.reason in messages.FEEDBACK_REASONS else None
        await asyncio.to_thread(svc.store.set_feedback, row.id, query.from_user.id, "down", reason)
        await query.answer(messages.FEEDBACK_THANKS)
        await _edit_keyboard(query.message, layouts.answer_keyboard(row.id, row.results, feedback=False))


async def on_unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button no handler knows (forged, or from an older version of the bot)."""
    await update.callback_query.answer(messages.BUTTON_INVALID, show_alert=True)


async def _edit_keyboard(message: Message | None, keyboard: object) -> None:
    if message is None:
        return
    try:
        await message.edit_reply_markup(reply_markup=keyboard)
    except TelegramError as err:  # "message is not modified", or too old to edit
        log.debug("Could not edit keyboard: %s", err)


async def _send_file(update: Update, context: ContextTypes.DEFAULT_TYPE, results: list[dict], n: int) -> None:
    svc = services(context)
    query = update.callback_query
    if not 0 <= n < len(results):
        await query.answer(messages.FILE_GONE, show_alert=True)
        return
    path = await asyncio.to_thread(svc.engine.document_file, results[n]["doc_id"])
    if path is None:
        await query.answer(messages.FILE_GONE, show_alert=True)
        return
    await query.answer()
    await context.bot.send_chat_action(query.message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    with path.open("rb") as fh:
        await context.bot.send_document(query.message.chat.id, document=fh, filename=path.name,
                                        caption=escape(layouts.clip_utf16(results[n].get("title") or path.name, 900)))
