"""Members' flows, end to end: the real bot long-polls the fake Bot API server over HTTP."""

from __future__ import annotations

from tests.conftest import ADMIN_ID, MEMBER_ID
from tests.fakebot import BOT_USERNAME


async def test_private_question_gets_highlighted_answer_with_source(bot, fake_api) -> None:
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, member, "ket nap doan may tuoi")
    reply = await fake_api.reply_to(chat, n)
    assert "Điều lệ Đoàn" in reply["text"]
    assert "<b><u>" in reply["text"] and "16 tuổi" in reply["text"]
    assert "Điều 1" in reply["text"]
    # Answer first: the answering sentence and its one-line source, then the passages folded.
    first, source = reply["text"].split("\n")[:2]
    assert first.startswith("💬 <b>Trả lời:</b>") and "16 tuổi" in first
    assert source.startswith("<i>📄 ") and "Điều lệ Đoàn" in source
    assert reply["params"]["parse_mode"] == "HTML" and "<blockquote expandable>" in reply["text"]
    buttons = fake_api.buttons(reply)
    assert "👍" in buttons and "👎" in buttons
    assert any(data.startswith("file:") for data in buttons.values())


async def test_start_and_help_say_what_the_bot_knows(bot, fake_api) -> None:
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    for command in ("/start", "/help"):
        n = len(fake_api.sent)
        await fake_api.send_text(chat, member, command)
        reply = await fake_api.reply_to(chat, n)
        assert "<b>3</b> tài liệu" in reply["text"]
        assert "mới nhất ngày 1/7/2025" in reply["text"]
        assert f"@{BOT_USERNAME}" in reply["text"] and "/ask" in reply["text"]
        assert "quản trị viên" not in reply["text"]


async def test_admin_sees_admin_help(bot, fake_api) -> None:
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, admin, "/help")
    assert "/reindex" in (await fake_api.reply_to(chat, n))["text"]


async def test_group_answers_only_ask_mentions_and_replies(bot, fake_api) -> None:
    member = fake_api.user(MEMBER_ID)
    other = fake_api.user(MEMBER_ID + 1, "Lan")
    group = fake_api.group(-100123, "Chi đoàn 12A1")
    n = len(fake_api.sent)
    chatter = await fake_api.send_text(group, member, "Mai mấy giờ họp chi đoàn vậy mọi người?")
    await fake_api.send_text(group, other, "8 giờ nhé", reply_to=chatter)

    ask = await fake_api.send_text(group, member, "/ask Ban Chấp hành chi đoàn gồm mấy đồng chí?")
    first = await fake_api.reply_to(group, n)
    assert first["reply_to"] == ask["message_id"]  # quotes the asking message
    assert "3 đến 5" in first["text"]
    assert len([e for e in fake_api.sent[n:] if e["method"] == "sendMessage"]) == 1  # chatter ignored

    n = len(fake_api.sent)
    mention = await fake_api.send_text(group, other, f"@{BOT_USERNAME} đoàn phí công đoàn đóng bao nhiêu?")
    reply = await fake_api.reply_to(group, n)
    assert reply["reply_to"] == mention["message_id"] and "0,5%" in reply["text"]

    n = len(fake_api.sent)
    follow = await fake_api.send_text(group, member, "hien mau co bao nhieu nguoi tham gia",
                                      reply_to=fake_api.message_of(reply))
    reply = await fake_api.reply_to(group, n)
    assert reply["reply_to"] == follow["message_id"] and "120" in reply["text"]

    n = len(fake_api.sent)
    await fake_api.send_text(group, member, "/ask@" + BOT_USERNAME)
    assert "/ask" in (await fake_api.reply_to(group, n))["text"]  # usage, not an empty search


async def test_abstains_with_contact_instead_of_weak_passages(bot, fake_api) -> None:
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    for question in ("Giá vàng hôm nay bao nhiêu?", "asdfgh qwerty"):
        n = len(fake_api.sent)
        await fake_api.send_text(chat, member, question)
        reply = await fake_api.reply_to(chat, n)
        assert "chưa tìm thấy" in reply["text"]
        assert "Văn phòng Đoàn trường (phòng A1)" in reply["text"]
        assert "<blockquote" not in reply["text"] and reply["reply_markup"] is None
    unanswered = bot.store.unanswered()
    assert [u.why for u in unanswered] == ["abstained", "abstained"]


async def test_more_and_file_buttons(bot, fake_api, knowledge) -> None:
    import asyncio

    for i, unit in enumerate(["chi đoàn khối 10", "chi đoàn khối 11", "chi đoàn khối 12"]):
        (knowledge / f"doan-phi-{i}.txt").write_text(
            f"Thông báo thu đoàn phí {unit}\nĐoàn viên {unit} đóng đoàn phí trước ngày 15 hằng tháng "
            f"cho bí thư chi đoàn.\n", encoding="utf-8")
    await asyncio.to_thread(bot.engine.reindex)
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, member, "đoàn viên đóng đoàn phí")
    reply = await fake_api.reply_to(chat, n)
    buttons = fake_api.buttons(reply)
    first_file = next(data for text, data in buttons.items() if data.startswith("file:"))

    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(reply), member, first_file)
    sent = await fake_api.reply_to(chat, n, method="sendDocument")
    row = bot.store.get_question(int(first_file.split(":")[1]))
    original = knowledge / row.results[0]["path"]
    assert sent["data"] == original.read_bytes()

    assert reply["text"].count("<blockquote expandable>") == 3  # three results at first
    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(reply), member, buttons["Xem thêm kết quả"])
    more = await fake_api.reply_to(chat, n)
    assert "Các kết quả khác" in more["text"] and "<b>4." in more["text"]


async def test_feedback_is_stored_with_reason(bot, fake_api) -> None:
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, member, "Bí thư chi đoàn làm gì?")
    reply = await fake_api.reply_to(chat, n)
    down = fake_api.buttons(reply)["👎"]
    qid = int(down.split(":")[1])

    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(reply), member, down)
    edited = await fake_api.wait_sent(lambda e: e["method"] == "editMessageReplyMarkup", n)
    reasons = fake_api.buttons(edited)
    assert set(reasons) >= {"Sai", "Đã cũ", "Không liên quan"}

    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(reply), member, reasons["Đã cũ"])
    edited = await fake_api.wait_sent(lambda e: e["method"] == "editMessageReplyMarkup", n)
    assert "👍" not in fake_api.buttons(edited)  # voted: buttons gone in a private chat
    item = next(u for u in bot.store.unanswered() if u.question_id == qid)
    assert item.why == "down:outdated" and item.question == "Bí thư chi đoàn làm gì?"
    row = bot.store.get_question(qid)
    assert row.results and row.results[0]["doc_id"]  # stored with the shown results

    n = len(fake_api.sent)
    await fake_api.press(fake_api.message_of(reply), member, f"fb:{qid}:up")  # changes the vote
    await fake_api.wait_sent(lambda e: e["method"] == "editMessageReplyMarkup", n)
    figures = bot.store.stats()
    assert (figures.thumbs_up, figures.thumbs_down) == (1, 0)


async def test_html_looking_text_is_escaped(bot, fake_api, knowledge) -> None:
    (knowledge / "ky-tu.txt").write_text(
        "Quy định về <b>thẻ</b> & ký hiệu\n"
        "Đoàn viên dùng thẻ đoàn viên <điện tử> & bản giấy; mã thẻ có dạng **A_B** và [link](x).\n",
        encoding="utf-8")
    await __import__("asyncio").to_thread(bot.engine.reindex)
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, member, "<b>thẻ đoàn viên</b> điện tử & bản giấy?")
    reply = await fake_api.reply_to(chat, n)  # the fake server rejects HTML Telegram would reject
    assert "&lt;điện tử&gt; &amp; bản giấy" in reply["text"]
    assert "&lt;b&gt;thẻ&lt;/b&gt;" in reply["text"]


async def test_members_are_served_concurrently_off_the_event_loop(bot, fake_api, monkeypatch) -> None:
    import threading

    threads: set[str] = set()
    real_ask = bot.engine.ask

    def ask(question: str, k: int | None = None):
        threads.add(threading.current_thread().name)
        return real_ask(question, k)

    monkeypatch.setattr(bot.engine, "ask", ask)
    members = [fake_api.user(MEMBER_ID + i, f"Bạn {i}") for i in range(8)]
    chats = [fake_api.private_chat(m) for m in members]
    n = len(fake_api.sent)
    for m, c in zip(members, chats, strict=True):
        await fake_api.send_text(c, m, "kết nạp đoàn viên mấy tuổi")
    for c in chats:
        assert "16 tuổi" in (await fake_api.reply_to(c, n))["text"]
    assert threading.main_thread().name not in threads


async def test_empty_and_edited_messages(bot, fake_api) -> None:
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, member, "/ask")
    assert "/ask" in (await fake_api.reply_to(chat, n))["text"]
    n = len(fake_api.sent)
    await fake_api.send_text(chat, member, "   ?? ")
    reply = await fake_api.reply_to(chat, n)
    assert "chưa tìm thấy" in reply["text"] or "chưa nhập" in reply["text"]


async def test_a_not_sure_answer_shows_its_label_passages_and_contact(bot, fake_api, monkeypatch) -> None:
    from dataclasses import replace

    from bot.answers import answer as answer_module
    from bot.answers.ranking import shipped_confidence
    from bot.messages import NOT_SURE_TITLE

    # Every answer below certainty is "not sure": the band's layout, through the real bot.
    sure = replace(shipped_confidence(), confident=1.0, not_sure=0.0)
    monkeypatch.setattr(answer_module, "shipped_confidence", lambda: sure)
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, member, "ket nap doan may tuoi")
    reply = await fake_api.reply_to(chat, n)
    assert reply["text"].startswith(NOT_SURE_TITLE)
    assert "<blockquote expandable>" in reply["text"] and "16 tuổi" in reply["text"]
    assert "Trả lời:" not in reply["text"]
    assert "Văn phòng Đoàn trường (phòng A1)" in reply["text"]
    assert "👍" in fake_api.buttons(reply)
    assert [u.why for u in bot.store.unanswered()] == ["not_sure"]
