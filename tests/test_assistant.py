from pathlib import Path

import pytest

from bot.assistant import Asker, Assistant
from bot.engine import Engine
from bot.search.embed import Embedder
from bot.settings import Settings
from bot.storage.store import Store


@pytest.fixture()
def engine(settings: Settings, embedder: Embedder) -> Engine:
    engine = Engine(settings, embedder)
    engine.reindex()
    return engine


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path}/a.db")
    store.migrate()
    return store


def test_faq_first_then_documents_and_every_question_logged(engine: Engine, store: Store) -> None:
    assistant = Assistant(engine, store)
    store.faq_add("Kết nạp Đoàn mấy tuổi?", "Từ đủ 16 đến 30 tuổi.")
    member = Asker(chat_id=10, user_id=7)
    reply = assistant.ask("ket nap doan may tuoi", member)
    assert reply.faq is not None and reply.answer is None
    reply = assistant.ask("Ban Chấp hành chi đoàn gồm mấy đồng chí?", member)
    assert reply.answer is not None and not reply.answer.abstained
    row = store.get_question(reply.question_id or 0)
    assert row is not None and row.results[0]["doc_id"] == reply.answer.results[0].doc_id
    assert assistant.ask("asdfgh", member).answer.abstained  # type: ignore[union-attr]
    assert assistant.ask("Ban Chấp hành chi đoàn gồm mấy đồng chí?", log=False).question_id is None


def test_an_faq_added_through_one_replica_reaches_the_other(engine: Engine, store: Store) -> None:
    now = [0.0]
    one = Assistant(engine, store, faq_refresh_seconds=5, clock=lambda: now[0])
    two = Assistant(engine, store, faq_refresh_seconds=5, clock=lambda: now[0])
    assert two.faqs().match("đoàn phí bao nhiêu") is None  # two has read the (empty) list
    store.faq_add("Đoàn phí bao nhiêu?", "0,5% tiền lương.")
    one.faqs_changed()
    assert one.faqs().match("đoàn phí bao nhiêu") is not None
    now[0] = 5.0  # no message between processes: two reads the list again once it is 5 s old
    assert two.faqs().match("đoàn phí bao nhiêu") is not None


def test_a_short_follow_up_in_a_private_chat_uses_the_previous_subject(engine: Engine) -> None:
    assistant = Assistant(engine)
    member = Asker(chat_id=10, user_id=7)
    first = assistant.ask("Ban Chấp hành chi đoàn gồm mấy đồng chí?", member).answer
    assert first is not None and not first.abstained
    follow = assistant.ask("còn bí thư chi đoàn thì sao?", member).answer
    assert follow is not None and follow.follow_up_of == "Ban Chấp hành chi đoàn gồm mấy đồng chí?"
    assert follow.restored_question == "bí thư chi đoàn gồm mấy đồng chí?"
    assert not follow.abstained and "Bí thư chi đoàn chủ trì" in follow.results[0].passage
    # A complete question after it is read as typed.
    complete = assistant.ask("Đoàn viên công đoàn đóng đoàn phí bao nhiêu?", member).answer
    assert complete is not None and complete.follow_up_of is None
    # Another member, or a group, has no context.
    other = assistant.ask("còn bí thư chi đoàn thì sao?", Asker(chat_id=11, user_id=8)).answer
    group = Asker(chat_id=-100, user_id=7, chat_type="supergroup")
    assistant.ask("Ban Chấp hành chi đoàn gồm mấy đồng chí?", group)
    in_group = assistant.ask("còn bí thư chi đoàn thì sao?", group).answer
    assert other is not None and other.follow_up_of is None
    assert in_group is not None and in_group.follow_up_of is None


def test_a_follow_up_is_logged_with_the_text_searched(engine: Engine, store: Store) -> None:
    assistant = Assistant(engine, store)
    member = Asker(chat_id=10, user_id=7)
    assistant.ask("Ban Chấp hành chi đoàn gồm mấy đồng chí?", member)
    reply = assistant.ask("còn bí thư chi đoàn thì sao?", member)
    row = store.get_question(reply.question_id or 0)
    assert row is not None and row.question == "còn bí thư chi đoàn thì sao?"
    assert row.searched == "bí thư chi đoàn gồm mấy đồng chí?"


def test_understood_line_spells_out_abbreviations(engine: Engine) -> None:
    answer = Assistant(engine).ask("bch chi doan gom may dong chi").answer
    assert answer is not None and answer.restored_question is not None
    assert answer.restored_question.startswith("Ban Chấp hành chi đoàn")
