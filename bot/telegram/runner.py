"""Start the bot: prepare the core and the database, then poll or serve the webhook.

``hoidoan run`` lands here. Preparation happens before Telegram is contacted: the
database schema is migrated and the knowledge folder is indexed incrementally (files
dropped into ``knowledge/`` while the bot was stopped are picked up), so the first
member is answered from a loaded model.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot.engine import Engine
from bot.settings import Settings
from bot.store import Store
from bot.telegram.app import build_application
from bot.telegram.services import Services
from bot.telegram.web import make_web_app

log = logging.getLogger(__name__)


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparsable URL)"


def prepare(settings: Settings) -> Services:
    store = Store(settings.effective_database_url)
    store.migrate()
    log.info("Database ready: %s", safe_url(settings.effective_database_url))
    engine = Engine(settings)
    result = engine.reindex()
    report = result.report
    log.info("Serving index %s: %d documents, %d passages (%d embedded now)",
             report.version, report.documents, report.chunks, report.embedded)
    return Services(settings, engine, store)


def run(settings: Settings, webhook: bool = False) -> int:
    try:
        svc = prepare(settings)
    except SQLAlchemyError as err:
        log.error("Database %s is not usable: %s", safe_url(settings.effective_database_url), err)
        return 1
    app = build_application(svc, with_updater=not webhook)
    try:
        if webhook:
            return asyncio.run(serve_webhook(app, svc))
        log.info("Starting long polling")
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        log.error("Telegram refused the token (HOIDOAN_TELEGRAM_TOKEN); check it with @BotFather")
        return 2
    finally:
        svc.store.close()
    log.info("Stopped")
    return 0


async def serve_webhook(app: Application, svc: Services, stop: asyncio.Event | None = None) -> int:
    """Serve until SIGINT/SIGTERM (or until ``stop`` is set, for tests)."""
    settings = svc.settings
    if not settings.webhook_url or not settings.webhook_secret:
        log.error("Webhook mode needs HOIDOAN_WEBHOOK_URL (the public https URL) and HOIDOAN_WEBHOOK_SECRET")
        return 2
    path = urlsplit(settings.webhook_url).path or "/"
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    try:
        await app.bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret,
                                  allowed_updates=Update.ALL_TYPES)
    except TelegramError as err:
        log.error("setWebhook failed: %s", err)
        await app.stop()
        await app.shutdown()
        return 1
    runner = web_runner = None
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    try:
        from aiohttp import web

        web_runner = web.AppRunner(make_web_app(app, svc, path), access_log=None)
        await web_runner.setup()
        runner = web.TCPSite(web_runner, settings.webhook_listen, settings.webhook_port)
        await runner.start()
        log.info("Webhook server on %s:%d, path %s", settings.webhook_listen, settings.webhook_port, path)
        await stop.wait()
    finally:
        if web_runner is not None:
            await web_runner.cleanup()
        await app.stop()
        if app.post_stop:
            await app.post_stop(app)
        await app.shutdown()
    return 0
