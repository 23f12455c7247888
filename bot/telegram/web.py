"""The bot's web server in webhook mode: the webhook itself, ``/healthz`` and ``/metrics``
(Prometheus text format).

Telegram sends each update as a POST with the secret token in a header; a request
without the right token gets 403 and is never processed. The same server answers the
load balancer's health checks, so one port serves everything.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.telegram.services import Services
from bot.telegram.telemetry import CONTENT_TYPE

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def make_web_app(app: Application, svc: Services, webhook_path: str) -> web.Application:
    secret = svc.settings.webhook_secret

    async def webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("Webhook request without the right secret token from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, app.bot)
        except Exception:  # any JSON that is not an update is the sender's error, not ours
            return web.Response(status=400, text="bad update")
        if update is None:
            return web.Response(status=400, text="bad update")
        await app.update_queue.put(update)
        return web.Response(text="ok")

    async def healthz(_request: web.Request) -> web.Response:
        index_ok = svc.engine.served_index() is not None
        db_ok = await asyncio.to_thread(svc.store.ping)
        body = {"index": index_ok, "database": db_ok, "status": "ok" if index_ok and db_ok else "fail"}
        return web.Response(status=200 if index_ok and db_ok else 503, text=json.dumps(body),
                            content_type="application/json")

    async def metrics(_request: web.Request) -> web.Response:
        index = svc.engine.served_index()
        if index is not None:
            svc.telemetry.index(index.version, len(index.documents), len(index.chunks))
        return web.Response(body=svc.telemetry.render(), headers={"Content-Type": CONTENT_TYPE})

    web_app = web.Application(client_max_size=2 * 1024 * 1024)
    web_app.router.add_post(webhook_path, webhook)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)
    return web_app
