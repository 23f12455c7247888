"""Admins' flows, end to end over HTTP: uploads, /docs, /remove, /reindex, /stats,
/unanswered, /faq, command menus, and refusals for everyone else."""

from __future__ import annotations

import asyncio
import json

from tests.conftest import ADMIN_ID, MEMBER_ID

NEW_DOC = (
    "Kế hoạch Tháng Thanh niên năm 2026\n"
    "Ngày 02/02/2026\n"
    "Tháng Thanh niên năm 2026 có chủ đề Tuổi trẻ xung kích chuyển đổi số. "
    "Mỗi chi đoàn tổ chức ít nhất một công trình thanh niên về vệ sinh môi trường.\n"
)


async def _upload(fake_api, chat, user, name: str, data: bytes, **kw) -> dict:
    n = len(fake_api.sent)
    await fake_api.send_document(chat, user, name, data, **kw)
    # The bot answers "received" and then edits that message with the result.
    return await fake_api.wait_sent(
        lambda e: e["chat_id"] == chat["id"] and (
            (e["method"] == "editMessageText" and "⏳" not in e["text"] and "Đã nhận" not in e["text"])
            or (e["method"] == "sendMessage" and "Đã nhận" not in e["text"])), n, timeout=60)


async def test_non_admin_is_refused_politely(bot, fake_api, knowledge) -> None:
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    for command in ("/docs", "/reindex", "/stats", "/unanswered", "/remove dieu-le", "/faq list"):
        n = len(fake_api.sent)
        await fake_api.send_text(chat, member, command)
        assert "chỉ dành cho quản trị viên" in (await fake_api.reply_to(chat, n))["text"]
    before = sorted(p.name for p in knowledge.iterdir())
    reply = await _upload(fake_api, chat, member, "tai-lieu.txt", NEW_DOC.encode())
    assert "Chỉ quản trị viên" in reply["text"]
    assert sorted(p.name for p in knowledge.iterdir()) == before
    assert len(bot.engine.documents()) == 3


async def test_admin_upload_indexes_and_replaces_without_duplicates(bot, fake_api, knowledge) -> None:
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    reply = await _upload(fake_api, chat, admin, "thang-thanh-nien.txt", NEW_DOC.encode())
    assert "Đã thêm «Kế hoạch Tháng Thanh niên năm 2026»" in reply["text"]
    assert "ngày 2/2/2026" in reply["text"] and "1 đoạn" in reply["text"]
    assert len(bot.engine.documents()) == 4

    member = fake_api.user(MEMBER_ID)
    mchat = fake_api.private_chat(member)
    n = len(fake_api.sent)
    await fake_api.send_text(mchat, member, "thang thanh nien 2026 chu de gi")
    assert "chuyển đổi số" in (await fake_api.reply_to(mchat, n))["text"]

    # Same file name, new content: replaced.
    changed = NEW_DOC.replace("chuyển đổi số", "bảo vệ môi trường biển")
    reply = await _upload(fake_api, chat, admin, "thang-thanh-nien.txt", changed.encode())
    assert "Đã thêm" in reply["text"]
    # Same title under another name: nothing is deleted on a guess; the admin chooses.
    reply = await _upload(fake_api, chat, admin, "ke-hoach-ttn-2026-ban-sua.txt", changed.encode())
    assert "trùng tiêu đề với: thang-thanh-nien.txt" in reply["text"]
    assert (knowledge / "thang-thanh-nien.txt").exists() and len(bot.engine.documents()) == 4
    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(reply), admin, fake_api.buttons(reply)["Thay thế"])
    done = await fake_api.wait_sent(lambda e: e["method"] == "editMessageText" and "⏳" not in e["text"], n)
    assert "Thay thế bản cũ: thang-thanh-nien.txt" in done["text"]
    assert not (knowledge / "thang-thanh-nien.txt").exists()
    titles = [d.title for d in bot.engine.documents()]
    assert titles.count("Kế hoạch Tháng Thanh niên năm 2026") == 1 and len(titles) == 4
    n = len(fake_api.sent)
    await fake_api.send_text(mchat, member, "Tháng Thanh niên 2026 có chủ đề gì?")
    text = (await fake_api.reply_to(mchat, n))["text"]
    assert "bảo vệ môi trường biển" in text and "chuyển đổi số" not in text


async def test_same_title_uploads_are_both_kept_when_asked(bot, fake_api, knowledge) -> None:
    """Real union files share titles ("KẾ HOẠCH"): "Giữ cả hai" keeps both, and a stranger's
    press on the admin's button does nothing."""
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    await _upload(fake_api, chat, admin, "ke-hoach-a.txt", NEW_DOC.encode())
    other = NEW_DOC.replace("vệ sinh môi trường", "an toàn giao thông")
    reply = await _upload(fake_api, chat, admin, "ke-hoach-b.txt", other.encode())
    assert "trùng tiêu đề với: ke-hoach-a.txt" in reply["text"]
    member = fake_api.user(MEMBER_ID)
    await fake_api.press(fake_api.message_of(reply), member, fake_api.buttons(reply)["Thay thế"])
    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(reply), admin, fake_api.buttons(reply)["Giữ cả hai"])
    done = await fake_api.wait_sent(lambda e: e["method"] == "editMessageText" and "⏳" not in e["text"], n)
    assert "Đã thêm" in done["text"] and "Thay thế" not in done["text"]
    assert (knowledge / "ke-hoach-a.txt").exists() and (knowledge / "ke-hoach-b.txt").exists()
    titles = [d.title for d in bot.engine.documents()]
    assert titles.count("Kế hoạch Tháng Thanh niên năm 2026") == 2


async def test_oversized_corrupt_and_wrong_type_uploads_lose_nothing(bot, fake_api, knowledge) -> None:
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    before = sorted(p.name for p in knowledge.iterdir())
    reply = await _upload(fake_api, chat, admin, "lon.pdf", b"%PDF-1.4 small", declared_size=25 * 1024 * 1024)
    assert "vượt giới hạn 20 MB" in reply["text"]
    reply = await _upload(fake_api, chat, admin, "hong.pdf", b"%PDF-1.4\n1 0 obj garbage\n%%EOF")
    assert "Không thêm được tệp hong.pdf" in reply["text"] and "Tài liệu cũ vẫn giữ nguyên" in reply["text"]
    reply = await _upload(fake_api, chat, admin, "virus.exe", b"MZ\x90\x00")
    assert "Không nhận loại tệp «exe»" in reply["text"]
    reply = await _upload(fake_api, chat, admin, "dieu-le-doan.md", b"\x00\x01")  # a broken copy of a known name
    assert "Không thêm được" in reply["text"]
    assert sorted(p.name for p in knowledge.iterdir()) == before
    assert len(bot.engine.documents()) == 3
    member = fake_api.user(MEMBER_ID)
    mchat = fake_api.private_chat(member)
    n = len(fake_api.sent)
    await fake_api.send_text(mchat, member, "ket nap doan may tuoi")
    assert "16 tuổi" in (await fake_api.reply_to(mchat, n))["text"]


async def test_docs_and_remove_with_confirmation(bot, fake_api, knowledge) -> None:
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/docs")
    listing = (await fake_api.reply_to(chat, n))["text"]
    assert "3 tài liệu" in listing and "Tuổi trẻ hiến máu tình nguyện" in listing

    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/remove hiến máu")
    confirm = await fake_api.reply_to(chat, n)
    assert "Xoá tài liệu «Tuổi trẻ hiến máu tình nguyện»" in confirm["text"]
    buttons = fake_api.buttons(confirm)

    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(confirm), admin, buttons["Huỷ"])
    assert "Đã huỷ" in (await fake_api.wait_sent(lambda e: e["method"] == "editMessageText", n))["text"]
    assert (knowledge / "tin-hien-mau.html").exists()

    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(confirm), admin, buttons["Xoá"])
    done = await fake_api.wait_sent(lambda e: e["method"] == "editMessageText", n)
    assert "Đã xoá «Tuổi trẻ hiến máu tình nguyện». Còn 2 tài liệu." in done["text"]
    assert not (knowledge / "tin-hien-mau.html").exists()
    assert all("hiến máu" not in d.title for d in bot.engine.documents())

    member = fake_api.user(MEMBER_ID)
    mchat = fake_api.private_chat(member)
    n = len(fake_api.sent)
    await fake_api.send_text(mchat, member, "ngày hội hiến máu có bao nhiêu người tham gia")
    assert "120 đoàn viên" not in (await fake_api.reply_to(mchat, n))["text"]

    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/remove khong-co-tai-lieu-nay")
    assert "Không tìm thấy" in (await fake_api.reply_to(chat, n))["text"]


async def test_reindex_edits_progress_and_members_are_answered_meanwhile(bot, fake_api, knowledge) -> None:
    for i in range(30):
        (knowledge / f"bien-ban-{i:02d}.txt").write_text(
            f"Biên bản sinh hoạt chi đoàn số {i}\n"
            + " ".join(f"Nội dung {j} của buổi sinh hoạt chi đoàn số {i} về học tập và rèn luyện."
                       for j in range(25)) + "\n", encoding="utf-8")
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    member = fake_api.user(MEMBER_ID)
    mchat = fake_api.private_chat(member)
    served_before = bot.engine.retriever.index.version

    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/reindex")
    await fake_api.wait_sent(lambda e: e["chat_id"] == chat["id"] and "Đang lập chỉ mục" in e["text"], n)
    await fake_api.send_text(mchat, member, "ket nap doan may tuoi")
    answer = await fake_api.reply_to(mchat, n, timeout=60)
    done = await fake_api.wait_sent(lambda e: e["method"] == "editMessageText" and "Lập chỉ mục xong" in e["text"],
                                    n, timeout=120)
    assert "16 tuổi" in answer["text"]
    assert fake_api.sent.index(answer) < fake_api.sent.index(done)  # answered during the build
    assert "33 tài liệu" in done["text"] and "Thêm: 30" in done["text"]
    assert bot.engine.retriever.index.version != served_before  # new index served, no restart

    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/reindex")
    done = await fake_api.wait_sent(lambda e: e["method"] == "editMessageText" and "Lập chỉ mục xong" in e["text"],
                                    n, timeout=60)
    assert "(0 đoạn mới tính)" in done["text"]


async def test_stats_and_unanswered(bot, fake_api) -> None:
    member = fake_api.user(MEMBER_ID)
    mchat = fake_api.private_chat(member)
    for question in ("ket nap doan may tuoi", "Giá xăng hôm nay?"):
        n = len(fake_api.sent)
        await fake_api.send_text(mchat, member, question)
        await fake_api.reply_to(mchat, n)
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/stats")
    photo = await fake_api.reply_to(chat, n, method="sendPhoto")
    assert photo["data"].startswith(b"\x89PNG")
    assert "Câu hỏi: 2 · Trả lời được: 1 · Không tìm thấy: 1" in photo["text"]
    assert "Điều lệ Đoàn" in photo["text"]

    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/unanswered")
    text = (await fake_api.reply_to(chat, n))["text"]
    assert "Giá xăng hôm nay?" in text and "ket nap doan" not in text


async def test_faq_answer_comes_first_and_can_be_removed(bot, fake_api) -> None:
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/faq add Thẻ đoàn viên bị mất thì làm lại ở đâu? | "
                                          "Liên hệ văn phòng Đoàn trường, mang theo ảnh 3x4.")
    assert "Đã thêm hỏi đáp số 1" in (await fake_api.reply_to(chat, n))["text"]

    member = fake_api.user(MEMBER_ID)
    mchat = fake_api.private_chat(member)
    n = len(fake_api.sent)
    await fake_api.send_text(mchat, member, "mat the doan vien lam lai o dau")
    reply = await fake_api.reply_to(mchat, n)
    assert "Hỏi đáp thường gặp" in reply["text"] and "ảnh 3x4" in reply["text"]

    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/faq list")
    assert "Thẻ đoàn viên bị mất" in (await fake_api.reply_to(chat, n))["text"]
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/faq remove 1")
    assert "Đã xoá hỏi đáp số 1" in (await fake_api.reply_to(chat, n))["text"]
    n = len(fake_api.sent)
    await fake_api.send_text(mchat, member, "mat the doan vien lam lai o dau")
    assert "Hỏi đáp thường gặp" not in (await fake_api.reply_to(mchat, n))["text"]


async def test_command_menus_show_admin_commands_only_to_admins(bot, fake_api) -> None:
    default = [c["command"] for c in fake_api.commands[json.dumps({"type": "default"})]]
    admin_scope = json.dumps({"chat_id": ADMIN_ID, "type": "chat"}, sort_keys=True)
    admin = [c["command"] for c in fake_api.commands[admin_scope]]
    assert "ask" in default and "reindex" not in default and "docs" not in default
    assert {"ask", "docs", "remove", "reindex", "stats", "unanswered", "faq"} <= set(admin)
    await asyncio.sleep(0)


async def test_replace_links_an_older_version_and_docs_shows_it(bot, fake_api, knowledge) -> None:
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    ids = {d.title: d.doc_id for d in bot.engine.documents()}
    old, new = ids["Tuổi trẻ hiến máu tình nguyện"], ids["Điều lệ Đoàn (trích, bản thử nghiệm)"]
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, f"/replace {old} {new}")
    assert "được thay thế bởi" in (await fake_api.reply_to(chat, n))["text"]
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/docs")
    assert "đã được thay thế bởi: Điều lệ Đoàn" in (await fake_api.reply_to(chat, n))["text"]
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, f"/replace {old} -")
    assert "không bị thay thế" in (await fake_api.reply_to(chat, n))["text"]
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/replace chi-mot-ma")
    assert "Cú pháp" in (await fake_api.reply_to(chat, n))["text"]
