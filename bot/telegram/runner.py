"""Start the bot: prepare the core and the database, then poll or serve the webhook.

``hoidoan run`` lands here. Preparation happens before Telegram is contacted: the
database schema is migrated and the knowledge folder is indexed incrementally (files
dropped into ``knowledge/`` while the bot was stopped are picked up), so the first
member is answered from a loaded model.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import Application

from bot.settings import Settings
from bot.shared import catch_up, replication_for, shared_engine
from bot.storage.store import Store
from bot.telegram.app import build_application
from bot.telegram.services import Services
from bot.telegram.web import make_web_app

log = logging.getLogger(__name__)


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparsable URL)"


def prepare(settings: Settings, store: Store) -> Services:
    store.migrate()
    log.info("Database ready: %s", safe_url(settings.effective_database_url))
    # Builds are serialised across replicas by a database lock, and every published
    # version is recorded so that the other replicas switch to it (see watch_index).
    replication = replication_for(settings, store)
    engine = shared_engine(settings, store, replication)
    engine.library().recover()  # files an interrupted upload or removal left aside go back first
    report = engine.reindex().report  # recorded and shared by the engine's after_build (bot/shared.py)
    log.info("Serving index %s: %d documents, %d passages (%d embedded now)",
             report.version, report.documents, report.chunks, report.embedded)
    return Services(settings, engine, store, replication=replication)


async def watch_index(svc: Services, every: float) -> None:
    """Switch to the newest published index version (another replica may have built it),
    fetching its files and the changed documents when they live in the database."""
    while True:
        await asyncio.sleep(every)
        try:
            if await asyncio.to_thread(catch_up, svc.engine, svc.store, svc.replication):
                log.info("Now serving index %s (published by another process)", svc.engine.served_index().version)
        except Exception:  # keep watching; the old index keeps serving
            log.exception("Index watch failed")


def run(settings: Settings, webhook: bool = False) -> int:
    try:
        store = Store(settings.effective_database_url)
    except SQLAlchemyError as err:
        log.error("HOIDOAN_DATABASE_URL is not a usable database URL (%s): %s",
                  safe_url(settings.effective_database_url), err)
        return 2
    try:
        with contextlib.ExitStack() as held:
            if not webhook and not held.enter_context(store.exclusive("poller", wait=False)):
                # Checked before loading anything: a second poller fails fast.
                log.error("Another HoiDoan process is already long-polling with this database. Only one "
                          "process may poll a bot token; run replicas with `hoidoan run --webhook`.")
                return 3
            svc = prepare(settings, store)
            app = build_application(svc, with_updater=not webhook)
            return asyncio.run(serve_webhook(app, svc) if webhook else serve_polling(app, svc))
    except SQLAlchemyError as err:
        log.error("Database %s is not usable: %s", safe_url(settings.effective_database_url), err)
        return 1
    except InvalidToken:
        log.error("Telegram refused the token (HOIDOAN_TELEGRAM_TOKEN); check it with @BotFather")
        return 2
    finally:
        store.close()
        log.info("Stopped")


def _stop_event(stop: asyncio.Event | None) -> asyncio.Event:
    if stop is not None:
        return stop
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _start(app: Application, svc: Services) -> asyncio.Task:
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    return asyncio.create_task(watch_index(svc, svc.settings.index_poll_seconds), name="index-watch")


async def _finish(app: Application, watcher: asyncio.Task) -> None:
    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    await app.stop()
    if app.post_stop:
        await app.post_stop(app)
    await app.shutdown()


async def serve_polling(app: Application, svc: Services, stop: asyncio.Event | None = None) -> int:
    """Long polling. Telegram allows one poller per token: a poller elsewhere (409 Conflict)
    stops this one with exit code 3 and a clear message."""
    stop = _stop_event(stop)
    conflict = False

    def on_error(err: TelegramError) -> None:
        nonlocal conflict
        if isinstance(err, Conflict):
            log.error("Telegram says another process is polling this token (%s). Stopping: only one "
                      "poller may run; use webhook mode for several replicas.", err.message)
            conflict = True
            stop.set()
        else:
            log.warning("Polling error: %s", err)

    watcher = await _start(app, svc)
    try:
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, error_callback=on_error)
        log.info("Long polling started")
        await stop.wait()
    finally:
        await _finish(app, watcher)
    return 3 if conflict else 0


async def serve_webhook(app: Application, svc: Services, stop: asyncio.Event | None = None) -> int:
    """Serve the webhook, /healthz and /metrics until SIGINT/SIGTERM (or ``stop``, for tests)."""
    settings = svc.settings
    if not settings.webhook_url or not settings.webhook_secret:
        log.error("Webhook mode needs HOIDOAN_WEBHOOK_URL (the public https URL) and HOIDOAN_WEBHOOK_SECRET")
        return 2
    path = urlsplit(settings.webhook_url).path or "/"
    stop = _stop_event(stop)
    watcher = await _start(app, svc)
    web_runner = None
    try:
        await app.bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret,
                                  allowed_updates=Update.ALL_TYPES)
        from aiohttp import web

        web_runner = web.AppRunner(make_web_app(app, svc, path), access_log=None)
        await web_runner.setup()
        await web.TCPSite(web_runner, settings.webhook_listen, settings.webhook_port).start()
        log.info("Webhook server on %s:%d, path %s", settings.webhook_listen, settings.webhook_port, path)
        await stop.wait()
    except TelegramError as err:
        log.error("setWebhook failed: %s", err)
        return 1
    finally:
        if web_runner is not None:
            await web_runner.cleanup()
        await _finish(app, watcher)
    return 0
