"""Running the bot for real: webhook mode in-process, and `hoidoan run` as a subprocess."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp

from bot.settings import Settings
from tests.conftest import MEMBER_ID, bot_process_env, free_port, start_bot_process


async def test_webhook_mode_checks_the_secret_and_answers(bot_settings: Settings, embedder, fake_api) -> None:
    from bot.engine import Engine
    from bot.storage.store import Store
    from bot.telegram.app import build_application
    from bot.telegram.runner import serve_webhook
    from bot.telegram.services import Services

    port = free_port()
    settings = bot_settings.model_copy(update={
        "webhook_url": f"http://127.0.0.1:{port}/tg/hook", "webhook_secret": "s3cret-Token_1",
        "webhook_listen": "127.0.0.1", "webhook_port": port})
    store = Store(settings.effective_database_url)
    store.migrate()
    engine = Engine(settings, embedder=embedder)
    await asyncio.to_thread(engine.reindex)
    svc = Services(settings, engine, store)
    app = build_application(svc, with_updater=False)
    stop = asyncio.Event()
    server = asyncio.create_task(serve_webhook(app, svc, stop))
    try:
        for _ in range(200):
            if fake_api.webhook:
                break
            await asyncio.sleep(0.05)
        assert fake_api.webhook == {"url": settings.webhook_url, "secret_token": "s3cret-Token_1",
                                    "allowed_updates": fake_api.webhook["allowed_updates"]}
        member = fake_api.user(MEMBER_ID)
        chat = fake_api.private_chat(member)
        n = len(fake_api.sent)
        await fake_api.send_text(chat, member, "Ban Chấp hành chi đoàn gồm mấy đồng chí?")
        assert "3 đến 5" in (await fake_api.reply_to(chat, n))["text"]
        assert fake_api.webhook_deliveries == [200]

        update = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": chat, "from": member,
                                                "text": "ket nap doan may tuoi"}}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(settings.webhook_url, json=update, headers=headers) as response:
                    assert response.status == 403
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
                assert (await response.json()) == {"index": True, "database": True, "status": "ok"}
        await asyncio.sleep(0.5)
        assert not [e for e in fake_api.sent[n + 1:] if e["method"] == "sendMessage"]  # forged update ignored
    finally:
        stop.set()
        assert await asyncio.wait_for(server, 30) == 0
        store.close()


async def test_hoidoan_run_subprocess_answers_and_stops_on_sigterm(bot_settings: Settings, fake_api,
                                                                   tmp_path: Path) -> None:
    env = bot_process_env(bot_settings, fake_api, tmp_path / "run-data")
    proc = await start_bot_process(env, tmp_path / "cwd", fake_api)
    try:
        member = fake_api.user(MEMBER_ID)
        chat = fake_api.private_chat(member)
        n = len(fake_api.sent)
        await fake_api.send_text(chat, member, "hien mau tinh nguyen co bao nhieu nguoi")
        assert "120" in (await fake_api.reply_to(chat, n, timeout=60))["text"]
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = stderr.decode()
    assert proc.returncode == 0, log
    assert fake_api.token not in log and fake_api.token.split(":")[1] not in log
    assert "Stopped" in log
    assert (tmp_path / "run-data" / "hoidoan.db").exists()
