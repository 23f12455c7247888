"""Announcements survive the process: a SIGKILL mid-broadcast and a restart before a
scheduled time. The bot runs as a real subprocess (`python -m bot run`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.settings import Settings
from bot.storage.outbox import Outbox
from bot.storage.store import DeliveryRow, Store
from tests.conftest import ADMIN_ID, bot_process_env, start_bot_process


def add_groups(fake_api, store: Store, count: int) -> list[int]:
    ids = []
    for i in range(1, count + 1):
        group = fake_api.group(-1000000000 - i, f"Chi đoàn {i}")
        store.set_membership(group["id"], "supergroup", group["title"], "member", approval="approved")
        ids.append(group["id"])
    return ids


def copies(fake_api, after: int) -> Counter:
    return Counter(e["chat_id"] for e in fake_api.sent[after:] if e["method"] == "sendMessage" and e["chat_id"] < 0)


async def confirm_announcement(fake_api, command: str) -> None:
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, command)
    confirm = await fake_api.wait_sent(lambda e: "Gửi" in fake_api.buttons(e), n, timeout=60)
    await fake_api.press(fake_api.message_of(confirm), admin, fake_api.buttons(confirm)["Gửi"])


async def stop(proc, sig: int = signal.SIGTERM) -> int:
    proc.send_signal(sig)
    await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode


async def test_sigkill_mid_broadcast_then_restart_misses_no_group(bot_settings: Settings, fake_api,
                                                                  tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = bot_process_env(bot_settings, fake_api, data, outbox_lease_seconds="2")
    store = Store(f"sqlite:///{data / 'hoidoan.db'}")
    store.migrate()
    groups = add_groups(fake_api, store, 300)
    proc = await start_bot_process(env, tmp_path / "cwd", fake_api)
    n = len(fake_api.sent)
    try:
        await confirm_announcement(fake_api, "/announce Toàn thể đoàn viên dự lễ chào cờ lúc 7 giờ thứ Hai.")
        while sum(copies(fake_api, n).values()) < 80:
            assert proc.returncode is None
            await asyncio.sleep(0.02)
        proc.kill()  # SIGKILL: no cleanup at all
        await proc.wait()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    with store.session() as s:
        in_flight = s.scalar(select(func.count()).select_from(DeliveryRow).where(DeliveryRow.state == "sending"))
        sent_before = s.scalar(select(func.count()).select_from(DeliveryRow).where(DeliveryRow.state == "sent"))
    assert 0 < sent_before < 300

    proc = await start_bot_process(env, tmp_path / "cwd", fake_api)
    try:
        report = await fake_api.wait_sent(lambda e: "Báo cáo thông báo" in e["text"], n, timeout=120)
    finally:
        assert await stop(proc) == 0
    per_chat = copies(fake_api, n)
    assert set(per_chat) == set(groups)  # no group missed
    twice = [chat for chat, count in per_chat.items() if count > 1]
    assert len(twice) <= in_flight  # only what was in flight at the kill may have arrived twice
    assert max(per_chat.values()) <= 2
    assert "Đã gửi: 300 · Thất bại: 0" in report["text"]
    if in_flight:
        assert f"Có thể nhận 2 lần (gửi lại sau sự cố): {in_flight}" in report["text"]
    store.close()


async def test_scheduled_announcement_survives_a_restart_and_is_sent_once(bot_settings: Settings, fake_api,
                                                                         tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = bot_process_env(bot_settings, fake_api, data)
    store = Store(f"sqlite:///{data / 'hoidoan.db'}")
    store.migrate()
    groups = add_groups(fake_api, store, 3)
    proc = await start_bot_process(env, tmp_path / "cwd", fake_api)
    zone = ZoneInfo(bot_settings.timezone)
    due = dt.datetime.now(zone).replace(microsecond=0) + dt.timedelta(seconds=45)
    n = len(fake_api.sent)
    try:
        await confirm_announcement(fake_api, f"/schedule {due:%Y-%m-%d %H:%M:%S} Hạn chót nộp sổ đoàn viên là "
                                             "thứ Sáu tuần này.")
        await fake_api.wait_sent(lambda e: "Đã hẹn gửi" in e["text"], n, timeout=30)
    finally:
        assert await stop(proc) == 0
    assert copies(fake_api, n) == Counter()

    proc = await start_bot_process(env, tmp_path / "cwd", fake_api)
    try:
        await fake_api.wait_sent(lambda e: "Báo cáo thông báo" in e["text"], n, timeout=120)
        # The report comes once every delivery is made; the outbox says nothing more can go out.
        assert not Outbox(store).has_work()
    finally:
        assert await stop(proc) == 0
    assert copies(fake_api, n) == Counter({g: 1 for g in groups})
    first = min(e["wall"] for e in fake_api.sent[n:] if e["chat_id"] < 0)
    assert first >= due.timestamp() - 0.5  # not before its time
    store.close()
