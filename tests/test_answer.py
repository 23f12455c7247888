from bot.answer import best_sentences
from bot.embed import Embedder
from bot.engine import Engine
from bot.retrieve import Query
from bot.settings import Settings


def test_answers_with_highlight_and_source(settings: Settings, embedder: Embedder) -> None:
    engine = Engine(settings, embedder)
    engine.reindex()
    answer = engine.ask("Ban Chấp hành chi đoàn gồm mấy đồng chí?")
    assert not answer.abstained
    top = answer.results[0]
    assert top.title == "Điều lệ Đoàn (trích, bản thử nghiệm)"
    assert top.heading.startswith("Điều 12")
    assert "gồm từ 3 đến 5 đồng chí" in top.highlight
    assert top.highlight in top.passage
    assert top.date == "2022-12-15"


def test_abstains_on_out_of_scope_questions(settings: Settings, embedder: Embedder) -> None:
    engine = Engine(settings, embedder)
    engine.reindex()
    for question in ["Giá vàng hôm nay?", "asdfgh", "Thời tiết Đà Lạt ngày mai thế nào?"]:
        answer = engine.ask(question)
        assert answer.abstained, (question, answer.confidence)
        assert answer.results == []


def test_empty_question_abstains_without_search(settings: Settings, embedder: Embedder) -> None:
    engine = Engine(settings, embedder)
    engine.reindex()
    assert engine.ask("   ").abstained
    assert engine.ask("???").abstained


def test_best_sentences_prefers_the_answering_sentence() -> None:
    passage = "Chi đoàn họp mỗi tháng.\nĐại hội bầu Ban Chấp hành gồm 03 đồng chí.\nBuổi lễ kết thúc."
    query = Query("Đại hội bầu Ban Chấp hành mấy đồng chí", "Đại hội bầu Ban Chấp hành mấy đồng chí", (), None)
    assert best_sentences(passage, query) == "Đại hội bầu Ban Chấp hành gồm 03 đồng chí."
