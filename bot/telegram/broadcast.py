"""The announcement sender: drains the outbox within Telegram's limits.

One loop per process. Each round it starts scheduled announcements that are due,
re-queues rows a dead sender left in "sending", claims a few rows (marked "sending"
before any call), sends them concurrently through a :class:`RateLimiter`, and records
each result right after its call. Finished announcements get a report to the admin who
sent them and are added to the knowledge base.

Errors, as Telegram gives them: 429 -> wait ``retry_after`` (every sender pauses) and
retry; 403 -> the bot was removed or blocked: the row fails and the group goes inactive;
"group migrated" -> the row moves to the new supergroup id; network errors -> retry with
backoff (the row is flagged uncertain after a timeout, since the message may have gone).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import html
import logging
import math
import re
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable

from telegram import Bot, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot import messages
from bot.storage.outbox import Claimed, Outbox, Report
from bot.storage.store import AnnouncementRow, Store
from bot.telegram.telemetry import Telemetry

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def retry_seconds(err: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that this becomes a timedelta in v23
        warnings.simplefilter("ignore")
        value = err.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class RateLimiter:
    """At most ``per_second`` calls in any one-second window, and ``per_chat_per_minute``
    calls to one chat in any sixty seconds (Telegram: about 30/s overall, 20/min per group).

    A call holds its slot from the moment it starts until one window after it *ends*: the
    request reaches Telegram somewhere in between, so counting it over that whole span
    keeps every one-second window of arrivals within the limit, whatever the network delay.

    Example::

        >>> async def send_one(limiter: RateLimiter) -> None:
        ...     async with limiter.slot(chat_id=-100):
        ...         pass  # the Bot API call
        >>> asyncio.run(send_one(RateLimiter(per_second=28)))
    """

    def __init__(self, per_second: int = 28, per_chat_per_minute: int = 20,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self.per_chat = per_chat_per_minute
        self.clock = clock
        self._calls: list[list[float]] = []  # [end time or inf while in flight]
        self._chats: dict[int, collections.deque[float]] = {}
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until it allows again."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def _wait(self, chat_id: int, now: float) -> float:
        self._calls = [c for c in self._calls if now - c[0] < 1.0]  # in flight (inf) stays
        chat = self._chats.setdefault(chat_id, collections.deque())
        while chat and now - chat[0] >= 60.0:
            chat.popleft()
        wait = self._paused_until - now
        if len(self._calls) >= self.per_second:
            finished = sorted(c[0] for c in self._calls if c[0] != math.inf)
            wait = max(wait, finished[0] + 1.0 - now if finished else 0.01)
        if len(chat) >= self.per_chat:
            wait = max(wait, chat[0] + 60.0 - now)
        return wait

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        async with self._lock:  # one waiter at a time keeps the windows exact
            while (wait := self._wait(chat_id, self.clock())) > 0:
                await asyncio.sleep(wait)
            call = [math.inf]
            self._calls.append(call)
            self._chats[chat_id].append(self.clock())
        try:
            yield
        finally:
            call[0] = self.clock()


def plain_text(html_text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", html_text)).strip()


def report_html(report: Report) -> str:
    uncertain = messages.ANNOUNCE_REPORT_UNCERTAIN.format(uncertain=report.uncertain) if report.uncertain else ""
    failures = ""
    if report.failures:
        lines = "\n".join(f"• {html.escape(reason)}: {n}" for reason, n in report.failures.most_common(10))
        failures = messages.ANNOUNCE_REPORT_FAILURES.format(lines=lines)
    return messages.ANNOUNCE_REPORT.format(id=report.announcement_id, sent=report.sent, failed=report.failed,
                                           skipped=report.skipped, uncertain=uncertain, failures=failures)


async def send_content(bot: Bot, chat_id: int, ann: AnnouncementRow) -> Message:
    """Send an announcement as the kind it was written: text, photo or document."""
    if ann.kind == "photo":
        return await bot.send_photo(chat_id, ann.file_id, caption=ann.text or None)
    if ann.kind == "document":
        return await bot.send_document(chat_id, ann.file_id, caption=ann.text or None)
    return await bot.send_message(chat_id, ann.text)


class Broadcaster:
    def __init__(self, bot: Bot, outbox: Outbox, store: Store, limiter: RateLimiter | None = None,
                 concurrency: int = 8, poll_seconds: float = 1.0,
                 on_started: Callable[[AnnouncementRow], Awaitable[None]] | None = None,
                 telemetry: Telemetry | None = None) -> None:
        self.bot = bot
        self.outbox = outbox
        self.store = store
        self.limiter = limiter or RateLimiter()
        self.concurrency = concurrency
        self.poll_seconds = poll_seconds
        self.on_started = on_started
        self.telemetry = telemetry or Telemetry()
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._announcements: dict[int, AnnouncementRow] = {}
        self._task: asyncio.Task | None = None

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run(), name="broadcaster")

    async def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            await self._task

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        log.info("Announcement sender started (instance %s)", self.outbox.instance)
        leadership = contextlib.ExitStack()
        leader = False
        try:
            while not self._stop.is_set():
                try:
                    if not leader:
                        leader = await asyncio.to_thread(self._try_lead, leadership)
                        if leader:
                            # The previous sender may have sent up to the limit in its last
                            # second before it died: let that window pass before sending.
                            await asyncio.sleep(1.05)
                    busy = await self.round() if leader else False
                except Exception:  # a database hiccup must not kill the sender
                    log.exception("Announcement sender round failed")
                    busy = False
                if not busy:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
        finally:
            await asyncio.to_thread(leadership.close)

    def _try_lead(self, leadership: contextlib.ExitStack) -> bool:
        """One sender per database at a time: Telegram's 30 messages/s is per bot, and one
        process reaches it, so replicas take turns rather than split the rate. The lock
        dies with its holder's connection, so another replica takes over within a round."""
        if leadership.enter_context(self.store.exclusive("announcement-sender", wait=False)):
            log.info("This process (%s) now sends announcements", self.outbox.instance)
            return True
        leadership.close()
        return False

    async def round(self) -> bool:
        """One pass; True when rows were sent (so the next pass starts at once)."""
        for ann_id in await asyncio.to_thread(self.outbox.start_due):
            log.info("Scheduled announcement %s is due", ann_id)
            ann = await asyncio.to_thread(self.outbox.get, ann_id)
            if ann is not None and self.on_started:
                await self.on_started(ann)
        recovered = await asyncio.to_thread(self.outbox.recover_abandoned)
        if recovered:
            log.warning("Re-sending %d deliveries left in flight by a stopped sender", recovered)
        claimed = await asyncio.to_thread(self.outbox.claim, self.concurrency)
        if claimed:
            await asyncio.gather(*(self._deliver(c) for c in claimed))
        for ann in await asyncio.to_thread(self.outbox.finish_completed):
            await self._report(ann)
        return bool(claimed)

    # --- one delivery ------------------------------------------------------------------------------
    async def _announcement(self, ann_id: int) -> AnnouncementRow | None:
        if ann_id not in self._announcements:
            ann = await asyncio.to_thread(self.outbox.get, ann_id)
            if ann is None:
                return None
            self._announcements[ann_id] = ann
        return self._announcements[ann_id]

    async def _deliver(self, c: Claimed) -> None:
        ann = await self._announcement(c.announcement_id)
        if ann is None:
            await asyncio.to_thread(self.outbox.mark_failed, c.delivery_id, "announcement deleted")
            return
        try:
            async with self.limiter.slot(c.chat_id):
                sent = await send_content(self.bot, c.chat_id, ann)
        except RetryAfter as err:
            wait = retry_seconds(err)
            self.limiter.pause(wait)
            log.info("429 from Telegram: waiting %.0f s", wait)
            await asyncio.to_thread(self.outbox.retry_later, c.delivery_id, wait, "429 Too Many Requests")
            self.telemetry.send("retry_429")
            return
        except ChatMigrated as err:
            log.info("Group %s migrated to %s", c.chat_id, err.new_chat_id)
            await asyncio.to_thread(self.store.migrate_chat, c.chat_id, err.new_chat_id)
            await asyncio.to_thread(self.outbox.move_chat, c.delivery_id, err.new_chat_id)
            self.telemetry.send("migrated")
            return
        except Forbidden as err:
            await asyncio.to_thread(self.store.set_chat_active, c.chat_id, False, "kicked")
            await asyncio.to_thread(self.outbox.mark_failed, c.delivery_id, f"403 {err.message}")
            self.telemetry.send("forbidden")
            return
        except BadRequest as err:
            if "chat not found" in err.message.lower():
                await asyncio.to_thread(self.store.set_chat_active, c.chat_id, False, "left")
            await asyncio.to_thread(self.outbox.mark_failed, c.delivery_id, f"400 {err.message}")
            self.telemetry.send("failed")
            return
        except (TimedOut, NetworkError) as err:
            # A timed-out call may have reached Telegram: a retry may duplicate, so say so.
            if c.attempts >= MAX_ATTEMPTS:
                await asyncio.to_thread(self.outbox.mark_failed, c.delivery_id, f"network: {err}")
            else:
                await asyncio.to_thread(self.outbox.retry_later, c.delivery_id, min(2.0 ** c.attempts, 60.0),
                                        f"network: {err}")
            self.telemetry.send("network_error")
            return
        except TelegramError as err:
            await asyncio.to_thread(self.outbox.mark_failed, c.delivery_id, str(err))
            self.telemetry.send("failed")
            return
        await asyncio.to_thread(self.outbox.mark_sent, c.delivery_id, sent.message_id)
        self.telemetry.send("sent")
        if ann.pin:
            await self._pin(c.chat_id, sent.message_id)

    async def _pin(self, chat_id: int, message_id: int) -> None:
        chat = await asyncio.to_thread(self.store.get_chat, chat_id)
        if chat is None or not chat.can_pin:
            return
        try:
            async with self.limiter.slot(chat_id):
                await self.bot.pin_chat_message(chat_id, message_id, disable_notification=True)
        except TelegramError as err:
            log.info("Could not pin in %s: %s", chat_id, err)

    async def _report(self, ann: AnnouncementRow) -> None:
        report = await asyncio.to_thread(self.outbox.report, ann.id)
        log.info("Announcement %s done: sent=%d failed=%d skipped=%d uncertain=%d", ann.id, report.sent,
                 report.failed, report.skipped, report.uncertain)
        try:
            await self.bot.send_message(ann.admin_chat_id, report_html(report))
        except TelegramError as err:
            log.warning("Could not send the report of announcement %s: %s", ann.id, err)


def knowledge_markdown(ann: AnnouncementRow, local_date: dt.date) -> tuple[str, str] | None:
    """(file name, Markdown with front matter) for the knowledge base; None without text."""
    text = plain_text(ann.text)
    if not text:
        return None
    first = text.splitlines()[0][:80].strip()
    title = messages.ANNOUNCEMENT_TITLE.format(first_line=first).replace("\n", " ").replace('"', "'")
    name = f"{local_date.isoformat()}-thong-bao-{ann.id}.md"
    body = f'---\ntitle: "{title}"\ndate: {local_date.isoformat()}\nkind: announcement\n---\n{text}\n'
    return name, body


