"""Wiring only: build the python-telegram-bot Application and register handlers in order.

Order matters: PTB runs the first matching handler of each group. Commands come before
the catch-all text handlers, and admin buttons have their own pattern. Group -1 sees
every update first (to remember chats) and never stops the others.

Example::

    >>> app = build_application(settings, Services(settings, engine, store))  # doctest: +SKIP
    >>> app.run_polling()  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import messages
from bot.search.index import IndexNotFound
from bot.telegram import admin, announce, members
from bot.telegram.broadcast import Broadcaster, RateLimiter
from bot.telegram.callbacks import PATTERNS
from bot.telegram.services import KEY, Services

log = logging.getLogger(__name__)

NEW_MESSAGES = filters.UpdateType.MESSAGE  # edits of old messages are not new questions


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats are served concurrently; updates of one chat run in arrival order.

    Order matters within a chat: "bot added" must be stored before "bot removed", and a
    member's second question must not be answered before the first.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def process_update(  # type: ignore[misc]  # the chat's turn must come before the slot
            self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's turn first, and only then for a concurrency slot: a chat with
        fifty queued questions holds one slot, never all of them (issue 11)."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._semaphore:
                await coroutine
            return
        lock, users = self._locks.get(chat.id, (asyncio.Lock(), 0))
        self._locks[chat.id] = (lock, users + 1)
        try:
            async with lock, self._semaphore:
                await coroutine
        finally:
            lock, users = self._locks[chat.id]
            if users <= 1:
                del self._locks[chat.id]
            else:
                self._locks[chat.id] = (lock, users - 1)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine  # not used: process_update above orders and limits itself

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def remember_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep the list of chats the bot has seen (groups for announcements, private chats)."""
    chat = update.effective_chat
    if chat is None:
        return
    seen: set[int] = context.application.bot_data.setdefault("seen_chats", set())
    if chat.id in seen:
        return
    seen.add(chat.id)
    svc: Services = context.application.bot_data[KEY]
    await asyncio.to_thread(svc.store.seen_chat, chat.id, chat.type, chat.title or chat.full_name, chat.username)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: log in English, tell the member in Vietnamese, never crash."""
    err = context.error
    if isinstance(err, Forbidden):
        log.info("Blocked or removed from a chat: %s", err)
        return
    if isinstance(err, BadRequest):  # PTB makes it a NetworkError, but it is our reply that was refused
        log.warning("Telegram refused a request: %s", err)
        if isinstance(update, Update) and update.effective_message is not None:
            with contextlib.suppress(TelegramError):
                await update.effective_message.reply_text(html.escape(messages.REPLY_FAILED))
        return
    if isinstance(err, (RetryAfter, NetworkError)):
        log.warning("Telegram API trouble: %s", err)
        return
    log.error("Error while handling an update", exc_info=err)
    if isinstance(update, Update) and update.effective_message is not None:
        text = messages.NO_INDEX if isinstance(err, IndexNotFound) else messages.THINKING_ERROR
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_text(html.escape(text))


async def set_command_menus(app: Application, svc: Services) -> None:
    """Members see member commands; each admin's private chat also shows admin commands."""
    member = [BotCommand(name, text) for name, text in messages.COMMANDS_MEMBER.items()]
    every = member + [BotCommand(name, text) for name, text in messages.COMMANDS_ADMIN.items()]
    await app.bot.set_my_commands(member, scope=BotCommandScopeDefault())
    for admin_id in svc.settings.admin_ids:
        try:
            await app.bot.set_my_commands(every, scope=BotCommandScopeChat(admin_id))
        except TelegramError as err:  # the admin has not opened a chat with the bot yet
            log.warning("Cannot set admin commands for user %s: %s", admin_id, err)


def build_application(svc: Services, with_updater: bool = True) -> Application:
    settings = svc.settings
    if not settings.telegram_token:
        raise ValueError("HOIDOAN_TELEGRAM_TOKEN is required to build the Telegram application")

    async def post_init(app: Application) -> None:
        await set_command_menus(app, svc)
        svc.broadcaster = Broadcaster(
            app.bot, svc.outbox, svc.store, RateLimiter(settings.broadcast_per_second),
            concurrency=settings.broadcast_concurrency,
            on_started=lambda ann: announce.add_to_knowledge(svc, ann), telemetry=svc.telemetry)
        svc.broadcaster.start()

    async def post_stop(app: Application) -> None:
        if svc.broadcaster is not None:
            await svc.broadcaster.stop()

    builder: ApplicationBuilder = (
        Application.builder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(PerChatUpdateProcessor(settings.concurrent_updates))
        .post_init(post_init)
        .post_stop(post_stop)
    )
    if not with_updater:
        builder = builder.updater(None)
    app = builder.build()
    app.bot_data[KEY] = svc

    # 1. Before anything else, remember which chat this is (never blocks the rest).
    app.add_handler(TypeHandler(Update, remember_chat), group=-1)
    # 2. Member commands.
    app.add_handler(CommandHandler(["start", "help"], members.start, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("ask", members.ask_command, filters=NEW_MESSAGES))
    # 3. Admin commands (each checks the sender itself and refuses politely).
    app.add_handler(CommandHandler("docs", admin.docs, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("remove", admin.remove, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("replace", admin.replace, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("reindex", admin.reindex, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("stats", admin.stats, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("unanswered", admin.unanswered, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("faq", admin.faq, filters=NEW_MESSAGES))
    # 4. Announcements: bot admins compose and list; group admins set their group's options.
    app.add_handler(CommandHandler("announce", announce.announce, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("schedule", announce.schedule, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("scheduled", announce.scheduled_list, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("groups", announce.groups, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("announcements", announce.announcements_switch, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler("tag", announce.tag, filters=NEW_MESSAGES))
    app.add_handler(ChatMemberHandler(announce.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, announce.on_migrate))
    # 5. Buttons: answers' buttons for everyone, removal and announcement confirmation for admins.
    app.add_handler(CallbackQueryHandler(members.on_answer_button, pattern=PATTERNS["answer"]))
    app.add_handler(CallbackQueryHandler(admin.on_remove_button, pattern=PATTERNS["remove"]))
    app.add_handler(CallbackQueryHandler(admin.on_upload_button, pattern=PATTERNS["upload"]))
    app.add_handler(CallbackQueryHandler(announce.on_button, pattern=PATTERNS["announcement"]))
    app.add_handler(CallbackQueryHandler(announce.on_group_decision, pattern=PATTERNS["group"]))
    # Any other button (forged, or from an old version): a polite alert.
    app.add_handler(CallbackQueryHandler(members.on_unknown_button))
    # 6. Files sent in a private chat: admins add documents, others get a polite note.
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.ChatType.PRIVATE & filters.Document.ALL,
                                   admin.on_document))
    # 7. Plain text: every private message is a question; in groups only when addressed.
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
                                   members.private_text))
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND,
                                   members.group_text))
    # 8. One error handler for everything.
    app.add_error_handler(on_error)
    return app
