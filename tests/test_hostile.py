"""Hostile input: no file and no user can take the bot down or reach what is not theirs.

Zip bombs, entity bombs and fuzzed PDFs go through the sandboxed reader; forged buttons,
floods, emoji walls and odd file names go through the real bot over the fake Bot API.
"""

from __future__ import annotations

import asyncio
import io
import logging
import random
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.documents.ingest import IngestError
from bot.documents.library import safe_filename
from bot.documents.sandbox import SandboxLimits, SandboxReader
from bot.logs import setup_logging
from bot.telegram.callbacks import PATTERNS, encode, parse
from bot.telegram.layouts import split_html, utf16_len
from tests.conftest import ADMIN_ID, MEMBER_ID
from tests.docfixtures import word_like_pdf

DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
    'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>')
DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
             'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
             'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(path: Path, document_xml: str | bytes, extra: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)


@pytest.fixture(scope="module")
def reader():
    with SandboxReader(SandboxLimits(memory_mb=1024, timeout_seconds=60)) as sandbox:
        yield sandbox


def test_docx_zip_bomb_is_refused_before_inflating(tmp_path: Path, reader: SandboxReader) -> None:
    paragraph = f'<w:p><w:r><w:t>{"Đoàn viên đóng đoàn phí. " * 40}</w:t></w:r></w:p>'
    body = f'<w:document xmlns:w="{W_NS}"><w:body>' + paragraph * 20000 + "</w:body></w:document>"
    make_docx(tmp_path / "bom.docx", body)  # ~20 MB of XML in a few hundred KB
    assert (tmp_path / "bom.docx").stat().st_size < 2_000_000
    started = time.monotonic()
    with pytest.raises(IngestError, match="zip bomb"):
        reader.read(tmp_path / "bom.docx", tmp_path)
    assert time.monotonic() - started < 10


def test_nested_zip_inside_a_docx_is_never_opened(tmp_path: Path, reader: SandboxReader) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", b"0" * 50_000_000)
    body = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>Kế hoạch sinh hoạt chi đoàn tháng mười hai' \
           "</w:t></w:r></w:p></w:body></w:document>"
    make_docx(tmp_path / "nested.docx", body, {"word/embeddings/bomb.zip": inner.getvalue()})
    doc = reader.read(tmp_path / "nested.docx", tmp_path)
    assert "sinh hoạt chi đoàn" in doc.text


def test_billion_laughs_is_not_expanded(tmp_path: Path, reader: SandboxReader) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    body = (f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><w:document xmlns:w="{W_NS}"><w:body>'
            "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")
    make_docx(tmp_path / "lol.docx", body)
    try:
        doc = reader.read(tmp_path / "lol.docx", tmp_path)
    except IngestError:
        return  # refused: fine
    assert len(doc.text) < 10_000


def test_fuzzed_pdfs_cost_only_their_own_refusal(tmp_path: Path, reader: SandboxReader, caplog) -> None:
    word_like_pdf(tmp_path / "good.pdf", [["Nghị quyết Đại hội chi đoàn nhiệm kỳ 2024 - 2026.",
                                           "Chi đoàn phấn đấu kết nạp 5 đoàn viên mới trong năm."]])
    original = (tmp_path / "good.pdf").read_bytes()
    rng = random.Random(11)  # fixed: the same 30 mutations every run
    outcomes = {"read": 0, "refused": 0}
    for i in range(30):
        data = bytearray(original)
        for _ in range(rng.randint(1, 40)):
            position = rng.randrange(len(data))
            data[position] = rng.randrange(256)
        if i % 3 == 0:
            data = data[: rng.randrange(len(data))]  # truncated
        path = tmp_path / f"fuzz{i}.pdf"
        path.write_bytes(bytes(data))
        try:
            reader.read(path, tmp_path)
            outcomes["read"] += 1
        except IngestError as err:
            assert str(err)
            outcomes["refused"] += 1
    assert sum(outcomes.values()) == 30
    assert len(caplog.records) < 5  # a broken PDF's parser warnings stay in the worker, not in our logs
    assert "kết nạp 5 đoàn viên" in reader.read(tmp_path / "good.pdf", tmp_path).text  # the reader still works


def test_a_file_that_needs_too_much_memory_costs_only_its_refusal(tmp_path: Path) -> None:
    """60 MB of varied XML (no zip bomb: it compresses only a few times) needs gigabytes as a tree."""
    rng = random.Random(3)
    words = ["đoàn", "viên", "chi", "hội", "thanh", "niên", "kế", "hoạch", "năm", "tháng", "ngày", "số"]
    paragraphs = "".join(f"<w:p><w:r><w:t>{' '.join(rng.choices(words, k=12))} {i}</w:t></w:r></w:p>"
                         for i in range(400_000))
    make_docx(tmp_path / "big.docx", f'<w:document xmlns:w="{W_NS}"><w:body>{paragraphs}</w:body></w:document>')
    (tmp_path / "ok.txt").write_text("Đoàn viên đóng đoàn phí hằng tháng theo quy định.", encoding="utf-8")
    with SandboxReader(SandboxLimits(memory_mb=400)) as reader:
        with pytest.raises(IngestError, match=r"memory|more than"):
            reader.read(tmp_path / "big.docx", tmp_path)
        assert "đoàn phí" in reader.read(tmp_path / "ok.txt", tmp_path).text  # a fresh worker took over


def test_file_names_are_made_safe() -> None:
    long = safe_filename("ệ" * 150 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode()) <= 210
    assert safe_filename("README.md") != "README.md"
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename(".env") == "env"


# --- button data ---------------------------------------------------------------------------------
@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_any_callback_data_parses_or_is_none(text: str) -> None:
    data = parse(text)
    if data is not None:
        assert parse(encode(data)) == data


def test_forged_callback_data_is_refused() -> None:
    for forged in ("fb:99999999999999999999999:up", "ann:send:", "ann:send", "rm:<b>x", "more:-1", "file:1:x",
                   "up:../../:replace", "grp:abc:ok", "fbr:1:<i>"):
        assert parse(forged) is None, forged
    assert all(PATTERNS)


# --- lengths as Telegram counts them ---------------------------------------------------------------
@given(st.lists(st.sampled_from(["😀", "ệ", "a", " ", "\n", "<b>x</b>", "&amp;", "𝕏"]), max_size=3000))
@settings(max_examples=100, deadline=None)
def test_split_html_parts_fit_in_utf16_units(pieces: list[str]) -> None:
    for part in split_html("".join(pieces), limit=500):
        assert utf16_len(part) <= 500
        assert part.count("<b>") == part.count("</b>")


# --- the bot over HTTP -----------------------------------------------------------------------------
async def test_forged_buttons_from_another_member_change_nothing(bot, fake_api) -> None:
    asker, other = fake_api.user(MEMBER_ID), fake_api.user(MEMBER_ID + 1)
    chat, other_chat = fake_api.private_chat(asker), fake_api.private_chat(other)
    n = len(fake_api.sent)
    await fake_api.send_text(chat, asker, "ket nap doan may tuoi")
    answer = await fake_api.reply_to(chat, n)
    buttons = fake_api.buttons(answer)
    qid = int(buttons["👎"].split(":")[1])
    # The other member forges the asker's buttons in their own chat.
    n = len(fake_api.sent)
    bait = await fake_api.send_text(other_chat, other, "xin chào")
    await fake_api.reply_to(other_chat, n)
    sent_before = len(fake_api.sent)
    for data in (buttons["👎"], f"more:{qid}", f"file:{qid}:0", f"fbr:{qid}:wrong"):
        query_id = await fake_api.press(bait, other, data)
        await _wait_answered(fake_api, query_id)
    assert all(u.question_id != qid for u in bot.store.unanswered(20)), (qid, bot.store.unanswered(20))
    assert all(e["chat_id"] != other_chat["id"] for e in fake_api.sent[sent_before:])
    alerts = [a for a in fake_api.callback_answers if "dành cho người đã đặt câu hỏi" in (a.get("text") or "")]
    assert len(alerts) == 4
    # Malformed data: a polite alert, never an exception.
    for data in ("fb:99999999999999999999999:up", "ann:send", "rm:<b>x", "junk"):
        query_id = await fake_api.press(bait, other, data)
        answered = await _wait_answered(fake_api, query_id)
        assert answered.get("show_alert")


async def _wait_answered(fake_api, query_id: str) -> dict:
    for _ in range(300):
        found = [a for a in fake_api.callback_answers if a.get("callback_query_id") == query_id]
        if found:
            return found[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"callback {query_id} never answered")


async def test_a_flood_from_one_member_costs_only_that_member(bot, fake_api) -> None:
    flooder, other = fake_api.user(MEMBER_ID), fake_api.user(MEMBER_ID + 2)
    flood_chat, other_chat = fake_api.private_chat(flooder), fake_api.private_chat(other)
    n = len(fake_api.sent)
    for i in range(50):
        await fake_api.send_text(flood_chat, flooder, f"đoàn phí công đoàn bao nhiêu {i}")
    await fake_api.send_text(other_chat, other, "Ban Chấp hành chi đoàn gồm mấy đồng chí?")
    reply = await fake_api.reply_to(other_chat, n, timeout=60)
    assert "3 đến 5" in reply["text"]
    await fake_api.wait_sent(lambda e: e["chat_id"] == flood_chat["id"]
                             and sum(1 for x in fake_api.sent[n:] if x["chat_id"] == flood_chat["id"]) >= 50, n,
                             timeout=120)
    to_flooder = [e["text"] for e in fake_api.sent[n:] if e["chat_id"] == flood_chat["id"]]
    refused = [t for t in to_flooder if "hỏi nhanh quá" in t]
    assert len(to_flooder) == 50 and len(refused) == 50 - bot.settings.questions_per_minute


async def test_unanswered_with_a_wall_of_emoji_still_replies(bot, fake_api) -> None:
    member = fake_api.user(MEMBER_ID)
    chat = fake_api.private_chat(member)
    for _ in range(3):
        n = len(fake_api.sent)
        await fake_api.send_text(chat, member, "😀" * 1000)
        await fake_api.reply_to(chat, n)
    admin = fake_api.user(ADMIN_ID)
    admin_chat = fake_api.private_chat(admin)
    n = len(fake_api.sent)
    await fake_api.send_text(admin_chat, admin, "/unanswered")
    reply = await fake_api.reply_to(admin_chat, n)
    assert "😀" in reply["text"]


async def test_questions_never_reach_the_logs_even_at_debug(bot, fake_api, caplog) -> None:
    setup_logging("DEBUG", "text")
    root = logging.getLogger()
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    keep = Keep()
    for flt in root.handlers[0].filters:
        keep.addFilter(flt)
    root.addHandler(keep)
    try:
        member = fake_api.user(MEMBER_ID, "Nguyễn Thị Bí Mật")
        chat = fake_api.private_chat(member)
        n = len(fake_api.sent)
        await fake_api.send_text(chat, member, "đoàn phí đóng bao nhiêu zzqx?")
        await fake_api.reply_to(chat, n)
        # A database error with the question among its parameters.
        from sqlalchemy import text

        with bot.store._session() as session:
            with pytest.raises(Exception):  # noqa: B017 - any driver error will do
                session.execute(text("INSERT INTO no_such_table VALUES (:q)"), {"q": "đoàn phí đóng bao nhiêu zzqx?"})
            logging.getLogger("sqlalchemy.engine").error("failed", exc_info=True)
    finally:
        root.removeHandler(keep)
    joined = "\n".join(records)
    assert "zzqx" not in joined and "Bí Mật" not in joined and str(MEMBER_ID) not in joined


async def test_webhook_refuses_json_that_is_not_an_update(bot_settings, embedder, fake_api) -> None:
    import aiohttp
    from aiohttp.test_utils import TestClient, TestServer

    from bot.engine import Engine
    from bot.storage.store import Store
    from bot.telegram.app import build_application
    from bot.telegram.services import Services
    from bot.telegram.web import SECRET_HEADER, make_web_app

    settings_ = bot_settings.model_copy(update={"webhook_secret": "s3cret-Token"})
    store = Store(settings_.effective_database_url)
    store.migrate()
    svc = Services(settings_, Engine(settings_, embedder=embedder), store)
    app = build_application(svc, with_updater=False)
    await app.initialize()
    client = TestClient(TestServer(make_web_app(app, svc, "/tg")))
    await client.start_server()
    try:
        for body in ("null", "[1, 2]", '{"update_id": 5, "message": "x"}', '"text"', "{not json"):
            response = await client.post("/tg", data=body, headers={SECRET_HEADER: "s3cret-Token"})
            assert response.status == 400, body
        response = await client.post("/tg", data="{}", headers={SECRET_HEADER: "wrong"})
        assert response.status == 403 and "wrong" not in await response.text()
    finally:
        await client.close()
        await app.shutdown()
        store.close()
    assert aiohttp  # the client library the bot itself serves with


async def test_odd_uploads_are_refused_or_renamed_never_lost(bot, fake_api, knowledge) -> None:
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)

    async def upload(name: str, data: bytes) -> str:
        n = len(fake_api.sent)
        await fake_api.send_document(chat, admin, name, data)
        entry = await fake_api.wait_sent(lambda e: e["chat_id"] == chat["id"] and e["method"] == "editMessageText"
                                         and "⏳" not in e["text"] and "Đã nhận" not in e["text"], n, timeout=60)
        return entry["text"]

    readme = "Hướng dẫn sinh hoạt chi đoàn\nChi đoàn sinh hoạt định kỳ mỗi tháng một lần vào tuần đầu tiên."
    assert "Đã thêm" in await upload("README.md", readme.encode())
    assert (knowledge / "README.md").exists() is False or (knowledge / "README.md").read_text() != readme
    text = await upload("ệ" * 150 + ".txt", "Thông báo\nHọp chi đoàn vào sáng thứ Hai tuần tới tại phòng A1.".encode())
    assert "Đã thêm" in text
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
    text = await upload("empty.docx", empty.getvalue())
    assert "Không thêm được" in text and "staging" not in text and "/" not in text.split(":", 1)[-1]
    assert len(bot.engine.documents()) == 5


def test_a_wrong_secret_setting_is_named_but_never_echoed() -> None:
    from bot.settings import SettingsError, load_settings

    with pytest.raises(SettingsError) as err:
        load_settings(webhook_secret="my secret!value", _env_file=None)
    assert "HOIDOAN_WEBHOOK_SECRET" in str(err.value) and "my secret!value" not in str(err.value)


async def test_tags_are_bounded(bot, fake_api) -> None:
    admin = fake_api.user(ADMIN_ID)
    group = fake_api.group(-1000000123, "Chi đoàn A")
    await fake_api.chat_member_update(group, admin, "left", "member")
    n = len(fake_api.sent)
    await fake_api.send_text(group, admin, "/tag " + " ".join(f"t{i}" for i in range(400)))
    assert "tối đa 10 nhãn" in (await fake_api.reply_to(group, n))["text"]
    n = len(fake_api.sent)
    await fake_api.send_text(group, admin, "/tag <b>x</b>")
    assert "tối đa 10 nhãn" in (await fake_api.reply_to(group, n))["text"]
    assert bot.store.get_chat(group["id"]).tag_list == []


async def test_a_file_without_a_declared_size_is_measured_after_download(bot, fake_api, knowledge) -> None:
    """A local Bot API server may not say a file's size: the bot measures what it downloaded."""
    bot.settings.max_file_mb = 0.5  # the fake server stands for a local server: the 20 MB cap is lifted
    admin = fake_api.user(ADMIN_ID)
    chat = fake_api.private_chat(admin)
    before = sorted(p.name for p in knowledge.iterdir())
    n = len(fake_api.sent)
    await fake_api.send_document(chat, admin, "lon.txt", ("Đoàn viên " * 120_000).encode(), declared_size=0)
    reply = await fake_api.wait_sent(lambda e: e["chat_id"] == chat["id"] and "vượt giới hạn" in e["text"], n)
    assert "0.5 MB" in reply["text"]
    assert sorted(p.name for p in knowledge.iterdir()) == before
