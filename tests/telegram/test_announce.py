"""Announcements end to end over HTTP: groups known from membership updates, opt-out and
tags, preview and cancel, delivery with 429/403 answers, photos, schedules, reports, and
the announcement becoming searchable."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from tests.conftest import ADMIN_ID, MEMBER_ID
from tests.fakebot import ApiError

GROUP_ADMIN = 7001


def sends_per_chat(fake_api, methods=("sendMessage",), after: int = 0) -> Counter:
    return Counter(e["chat_id"] for e in fake_api.sent[after:] if e["method"] in methods and e["chat_id"] < 0)


async def add_groups(fake_api, count: int, start: int = 1) -> list[dict]:
    """Groups a bot admin added the bot to (approved at once)."""
    groups = []
    admin = fake_api.user(ADMIN_ID, "Bí thư Đoàn trường")
    for i in range(start, start + count):
        group = fake_api.group(-1000000000 - i, f"Chi đoàn {i}")
        await fake_api.chat_member_update(group, admin, "left", "member")
        groups.append(group)
    return groups


async def wait_until(predicate, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await asyncio.to_thread(predicate):
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


async def compose(fake_api, text: str) -> tuple[dict, dict]:
    """An admin sends a command; returns (preview copy, confirmation message with buttons)."""
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, text)
    confirm = await fake_api.wait_sent(lambda e: e["chat_id"] == ADMIN_ID and "Gửi" in fake_api.buttons(e), n)
    preview = next(e for e in fake_api.sent[n:] if e["chat_id"] == ADMIN_ID)
    return preview, confirm


async def test_groups_are_tracked_and_group_admins_set_opt_out_and_tags(bot, fake_api) -> None:
    groups = await add_groups(fake_api, 3)
    someone = fake_api.user(GROUP_ADMIN, "Bí thư")
    await fake_api.chat_member_update(groups[2], someone, "member", "kicked")
    await wait_until(lambda: len(bot.store.groups()) == 3 and not bot.store.get_chat(groups[2]["id"]).active)

    member = fake_api.user(MEMBER_ID)
    n = len(fake_api.sent)
    await fake_api.send_text(groups[0], member, "/announcements off")
    assert "Chỉ quản trị viên của nhóm" in (await fake_api.reply_to(groups[0], n))["text"]
    assert bot.store.get_chat(groups[0]["id"]).announcements

    fake_api.chat_admins[(groups[0]["id"], GROUP_ADMIN)] = "administrator"
    fake_api.chat_admins[(groups[1]["id"], GROUP_ADMIN)] = "creator"
    n = len(fake_api.sent)
    await fake_api.send_text(groups[0], someone, "/announcements off")
    assert "không nhận thông báo" in (await fake_api.reply_to(groups[0], n))["text"]
    n = len(fake_api.sent)
    await fake_api.send_text(groups[1], someone, "/tag khoi-co-quan, Khoi-Truong-Hoc")
    assert "khoi-co-quan, khoi-truong-hoc" in (await fake_api.reply_to(groups[1], n))["text"]
    assert not bot.store.get_chat(groups[0]["id"]).announcements
    assert bot.store.get_chat(groups[1]["id"]).tag_list == ["khoi-co-quan", "khoi-truong-hoc"]

    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/groups")
    listing = (await fake_api.reply_to(chat, n))["text"]
    assert "3 nhóm</b> (2 đang hoạt động)" in listing
    assert "Chi đoàn 1 — hoạt động, đã tắt thông báo" in listing
    assert "Chi đoàn 2 — hoạt động, nhãn: khoi-co-quan, khoi-truong-hoc" in listing
    assert "Chi đoàn 3 — đã rời/bị chặn" in listing


async def test_non_admins_cannot_announce(bot, fake_api) -> None:
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    for command in ("/announce Họp", "/schedule 2030-01-01 08:00 Họp", "/scheduled", "/groups"):
        n = len(fake_api.sent)
        await fake_api.send_text(chat, member, command)
        assert "chỉ dành cho quản trị viên" in (await fake_api.reply_to(chat, n))["text"]


async def test_preview_then_cancel_sends_nothing(bot, fake_api) -> None:
    await add_groups(fake_api, 2)
    await wait_until(lambda: len(bot.store.groups()) == 2)
    n = len(fake_api.sent)
    preview, confirm = await compose(fake_api, "/announce Họp chi đoàn lúc 8 giờ sáng thứ Hai.")
    assert preview["text"] == "Họp chi đoàn lúc 8 giờ sáng thứ Hai."
    assert "Sẽ gửi tới <b>2</b> nhóm" in confirm["text"]
    await fake_api.press(fake_api.message_of(confirm), fake_api.user(ADMIN_ID), fake_api.buttons(confirm)["Huỷ"])
    await fake_api.wait_sent(lambda e: e["method"] == "editMessageText" and "Đã huỷ" in e["text"], n)
    # Nothing can be sent later: the outbox holds no delivery to make (no fixed wait).
    assert not bot.outbox.has_work()
    assert sends_per_chat(fake_api, after=n) == Counter()


async def test_tagged_announcement_reaches_each_group_once_reports_and_is_searchable(bot, fake_api) -> None:
    groups = await add_groups(fake_api, 5)
    await wait_until(lambda: len(bot.store.groups()) == 5)
    for g in groups[:4]:
        bot.store.set_tags(g["id"], ["khoi-co-quan"])
    bot.store.set_announcements(groups[3]["id"], False)  # tagged but opted out
    n = len(fake_api.sent)
    _, confirm = await compose(fake_api, "/announce --tag khoi-co-quan Hạn nộp đoàn phí quý IV là ngày "
                                         "15/12/2026 tại văn phòng Đoàn trường.")
    assert "Sẽ gửi tới <b>3</b> nhóm có nhãn" in confirm["text"] and "1 nhóm đã tắt" in confirm["text"]
    await fake_api.press(fake_api.message_of(confirm), fake_api.user(ADMIN_ID), fake_api.buttons(confirm)["Gửi"])
    report = await fake_api.wait_sent(lambda e: "Báo cáo thông báo" in e["text"], n)
    assert "Đã gửi: 3 · Thất bại: 0 · Bỏ qua (đã tắt thông báo): 1" in report["text"]
    assert sends_per_chat(fake_api, after=n) == Counter({g["id"]: 1 for g in groups[:3]})

    # Pressing "Gửi" again (a double tap) sends nothing more.
    answered = len(fake_api.callback_answers)
    await fake_api.press(fake_api.message_of(confirm), fake_api.user(ADMIN_ID), f"ann:send:{1}")
    await wait_until(lambda: len(fake_api.callback_answers) > answered)  # the press was handled
    assert not bot.outbox.has_work()  # and queued nothing
    assert sends_per_chat(fake_api, after=n) == Counter({g["id"]: 1 for g in groups[:3]})

    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    await wait_until(lambda: any(d.kind == "announcement" for d in bot.engine.documents()))
    m = len(fake_api.sent)
    await fake_api.send_text(chat, member, "han nop doan phi quy IV la khi nao")
    answer = await fake_api.reply_to(chat, m)
    assert "15/12/2026" in answer["text"] and "Thông báo" in answer["text"]


async def test_three_hundred_groups_with_429_and_403(bot, fake_api) -> None:
    groups = await add_groups(fake_api, 300)
    # What the preview counts: active and approved groups (the approval is written with the membership).
    await wait_until(lambda: sum(g.approved for g in bot.store.groups(active_only=True)) == 300)
    removed = {g["id"] for g in groups[::10]}  # 30 groups removed the bot while it was away
    throttled = {g["id"] for g in groups[3::7]} - removed
    seen_429: set[int] = set()

    def fail(method: str, params: dict) -> ApiError | None:
        chat_id = int(params.get("chat_id", 0))
        if method != "sendMessage" or chat_id > 0:
            return None
        if chat_id in removed:
            return ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        if chat_id in throttled and chat_id not in seen_429:
            seen_429.add(chat_id)
            return ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        return None

    fake_api.fail = fail
    n = len(fake_api.sent)
    _, confirm = await compose(fake_api, "/announce Đại hội Đoàn trường khai mạc lúc 7 giờ 30 ngày 20/12.")
    assert "Sẽ gửi tới <b>300</b> nhóm" in confirm["text"]
    await fake_api.press(fake_api.message_of(confirm), fake_api.user(ADMIN_ID), fake_api.buttons(confirm)["Gửi"])
    report = await fake_api.wait_sent(lambda e: "Báo cáo thông báo" in e["text"], n, timeout=120)

    per_chat = sends_per_chat(fake_api, after=n)
    assert set(per_chat) == {g["id"] for g in groups} - removed
    assert set(per_chat.values()) == {1}  # exactly one copy each
    assert seen_429 == throttled
    assert "Đã gửi: 270 · Thất bại: 30 · Bỏ qua (đã tắt thông báo): 0" in report["text"]
    assert "403 Forbidden: bot was kicked" in report["text"]
    assert {g.id for g in bot.store.groups() if not g.active} == removed
    assert fake_api.max_group_sends_per_second(after=n) <= 30


async def test_photo_announcement_is_sent_as_a_photo_and_pinned_where_allowed(bot, fake_api) -> None:
    groups = await add_groups(fake_api, 2)
    someone = fake_api.user(GROUP_ADMIN)
    await fake_api.chat_member_update(groups[0], someone, "member", "administrator")  # may pin
    await wait_until(lambda: bot.store.get_chat(groups[0]["id"]) is not None
                     and bot.store.get_chat(groups[0]["id"]).can_pin)
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    photo = await fake_api.send_photo(chat, admin, b"\xff\xd8\xff fake jpeg", caption="Lịch hiến máu <b>tháng 12</b>")
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/announce --pin", reply_to=photo)
    confirm = await fake_api.wait_sent(lambda e: "Gửi" in fake_api.buttons(e), n)
    await fake_api.press(fake_api.message_of(confirm), admin, fake_api.buttons(confirm)["Gửi"])
    await fake_api.wait_sent(lambda e: "Báo cáo thông báo" in e["text"], n)
    photos = [e for e in fake_api.sent[n:] if e["method"] == "sendPhoto" and e["chat_id"] < 0]
    assert sorted(e["chat_id"] for e in photos) == sorted(g["id"] for g in groups)
    assert all(e["params"]["photo"] == photo["photo"][-1]["file_id"] for e in photos)
    assert all(e["text"] == "Lịch hiến máu &lt;b&gt;tháng 12&lt;/b&gt;" for e in photos)
    pinned = [(c, m) for (c, m), msg in fake_api.messages.items() if msg.get("pinned")]
    assert [c for c, _ in pinned] == [groups[0]["id"]]


async def test_schedule_lists_cancels_and_sends_at_its_time(bot, fake_api) -> None:
    await add_groups(fake_api, 2)
    await wait_until(lambda: len(bot.store.groups()) == 2)
    zone = ZoneInfo(bot.settings.timezone)
    soon = (dt.datetime.now(zone) + dt.timedelta(seconds=4)).strftime("%Y-%m-%d %H:%M:%S")
    later = (dt.datetime.now(zone) + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    n = len(fake_api.sent)
    _, confirm_soon = await compose(fake_api, f"/schedule {soon} Nhắc: nộp báo cáo trước 17 giờ.")
    _, confirm_later = await compose(fake_api, f"/schedule {later} Nhắc: sinh hoạt chi đoàn tháng 12.")
    admin = fake_api.user(ADMIN_ID)
    for confirm in (confirm_soon, confirm_later):
        m = len(fake_api.sent)
        await fake_api.press(fake_api.message_of(confirm), admin, fake_api.buttons(confirm)["Gửi"])
        await fake_api.wait_sent(lambda e: e["method"] == "editMessageText" and "Đã hẹn gửi" in e["text"], m)

    m = len(fake_api.sent)
    await fake_api.send_text(fake_api.private_chat(admin), admin, "/scheduled")
    listing = await fake_api.reply_to(fake_api.private_chat(admin), m)
    assert "sinh hoạt chi đoàn tháng 12" in listing["text"]
    cancel = [d for t, d in fake_api.buttons(listing).items() if t.startswith("Huỷ")]
    await fake_api.press(fake_api.message_of(listing), admin, cancel[-1])  # the later one

    await fake_api.wait_sent(lambda e: "Báo cáo thông báo" in e["text"], n, timeout=30)
    await wait_until(lambda: not bot.outbox.has_work())
    texts = [e["text"] for e in fake_api.sent[n:] if e["chat_id"] < 0]
    assert sorted(texts) == ["Nhắc: nộp báo cáo trước 17 giờ."] * 2
    assert [a.status for a in bot.outbox.scheduled()] == []


async def test_schedule_rejects_past_and_malformed_times(bot, fake_api) -> None:
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    for command, expected in (("/schedule 2020-01-01 08:00 Cũ", "đã qua"), ("/schedule mai 8h Họp", "không hợp lệ")):
        n = len(fake_api.sent)
        await fake_api.send_text(chat, admin, command)
        assert expected in (await fake_api.reply_to(chat, n))["text"]


async def test_group_migrated_to_supergroup_gets_the_message_at_its_new_id(bot, fake_api) -> None:
    [group] = await add_groups(fake_api, 1)
    await wait_until(lambda: len(bot.store.groups()) == 1)
    new_id = -1009999999999
    fake_api.group(new_id, group["title"])

    def fail(method: str, params: dict) -> ApiError | None:
        if method == "sendMessage" and int(params["chat_id"]) == group["id"]:
            return ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                            {"migrate_to_chat_id": new_id})
        return None

    fake_api.fail = fail
    n = len(fake_api.sent)
    _, confirm = await compose(fake_api, "/announce Chào mừng ngày thành lập Đoàn.")
    await fake_api.press(fake_api.message_of(confirm), fake_api.user(ADMIN_ID), fake_api.buttons(confirm)["Gửi"])
    report = await fake_api.wait_sent(lambda e: "Báo cáo thông báo" in e["text"], n)
    assert sends_per_chat(fake_api, after=n) == Counter({new_id: 1})
    assert "Đã gửi: 1 · Thất bại: 0" in report["text"]
    assert bot.store.get_chat(group["id"]).migrated_to == new_id


async def test_a_strangers_group_gets_nothing_until_approved(bot, fake_api) -> None:
    """Anyone can add the bot to their group: it is a target only once a bot admin approves."""
    ours = await add_groups(fake_api, 1)
    fake_api.private_chat(fake_api.user(ADMIN_ID))  # the admin has talked to the bot before
    stranger = fake_api.user(9999, "Người lạ")
    theirs = fake_api.group(-1000000777, "Nhóm lạ")
    n = len(fake_api.sent)
    await fake_api.chat_member_update(theirs, stranger, "left", "member")
    ask = await fake_api.wait_sent(lambda e: e["chat_id"] == ADMIN_ID and "Nhóm lạ" in e["text"], n)
    assert set(fake_api.buttons(ask)) == {"Duyệt", "Rời nhóm"}
    assert bot.store.get_chat(theirs["id"]).approval == "pending"

    fake_api.chat_admins[(theirs["id"], 9999)] = "creator"
    n = len(fake_api.sent)
    await fake_api.send_text(theirs, stranger, "/tag khoi-co-quan")
    assert "chưa được quản trị viên Hỏi Đoàn duyệt" in (await fake_api.reply_to(theirs, n))["text"]
    assert bot.store.get_chat(theirs["id"]).tag_list == []

    _preview, confirm = await compose(fake_api, "/announce Họp Ban Chấp hành lúc 8 giờ sáng mai")
    assert "<b>1</b> nhóm" in confirm["text"]  # ours only
    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(confirm), fake_api.user(ADMIN_ID), fake_api.buttons(confirm)["Gửi"])
    await wait_until(lambda: sends_per_chat(fake_api, after=n)[ours[0]["id"]] == 1)
    await wait_until(lambda: not bot.outbox.has_work())  # every delivery made: none for their group
    assert sends_per_chat(fake_api, after=n)[theirs["id"]] == 0

    # A member's press is refused; the admin's "Rời nhóm" leaves the group for good.
    await fake_api.press(fake_api.message_of(ask), fake_api.user(MEMBER_ID), fake_api.buttons(ask)["Duyệt"])
    assert bot.store.get_chat(theirs["id"]).approval == "pending"
    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(ask), fake_api.user(ADMIN_ID), fake_api.buttons(ask)["Rời nhóm"])
    await fake_api.wait_sent(lambda e: e["method"] == "leaveChat" and e["chat_id"] == theirs["id"], n)
    row = bot.store.get_chat(theirs["id"])
    assert row.approval == "rejected" and not row.active
