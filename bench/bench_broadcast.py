"""Broadcast one announcement to 1,000 groups through the fake Bot API server (real HTTP,
the tests' server) and measure it against Telegram's limits.

Prints the wall time next to the floor that the limit sets (1,000 / 30 msg/s), the highest
number of sends the server received in any one-second window, and lost/duplicated groups.

    .venv/bin/python bench/bench_broadcast.py [--groups 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import table
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.settings import Settings
from bot.storage.outbox import Outbox
from bot.storage.store import Store
from bot.telegram.broadcast import Broadcaster, RateLimiter
from tests.fakebot import FakeBotApi

ADMIN = 5001


def max_in_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run(groups: int) -> list[list[object]]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    api = await FakeBotApi().start()
    api.private_chat(api.user(ADMIN))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        store.migrate()
        ids = []
        for i in range(groups):
            chat = api.group(-1000000000 - i, f"Chi đoàn {i}")
            store.set_membership(chat["id"], "supergroup", chat["title"], "member", approval="approved")
            ids.append(chat["id"])
        bot = Bot(api.token, base_url=api.base_url, base_file_url=api.file_url,
                  request=HTTPXRequest(connection_pool_size=64))
        await bot.initialize()
        outbox = Outbox(store)
        ann = outbox.create(ADMIN, ADMIN, "text", "Thông báo thử tải: đại hội chi đoàn nhiệm kỳ mới.")
        broadcaster = Broadcaster(bot, outbox, store, RateLimiter(settings.broadcast_per_second),
                                  concurrency=settings.broadcast_concurrency)
        started = time.monotonic()
        outbox.confirm(ann.id)
        broadcaster.start()
        await api.wait_sent(lambda e: e["chat_id"] == ADMIN and "Báo cáo" in e["text"], 0, timeout=600)
        wall = time.monotonic() - started
        await broadcaster.stop()
        await bot.shutdown()
        store.close()
    await api.stop()
    sends = [e for e in api.sent if e["method"] == "sendMessage" and e["chat_id"] < 0]
    per_chat = Counter(e["chat_id"] for e in sends)
    lost = len(set(ids) - set(per_chat))
    duplicated = sum(1 for n in per_chat.values() if n > 1)
    return [[groups, settings.broadcast_per_second, f"{wall:.1f}", f"{groups / 30:.1f}",
             f"{len(sends) / wall:.1f}", max_in_window([e["at"] for e in sends]), lost, duplicated]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=1000)
    args = parser.parse_args()
    rows = asyncio.run(run(args.groups))
    print(table(["groups", "limit/s set", "wall s", "floor s (n/30)", "mean sends/s",
                 "max sends in any 1 s", "lost", "duplicated"], rows))


if __name__ == "__main__":
    main()
