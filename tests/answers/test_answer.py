from bot.engine import Engine
from bot.search.embed import Embedder
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


def _law_and_decision(settings: Settings) -> None:
    (settings.knowledge_dir / "luat-thanh-nien.md").write_text(
        "LUẬT\nTHANH NIÊN\nSố: 57/2020/QH14 | Hà Nội, ngày 16 tháng 6 năm 2020\n"
        "Điều 1. Luật này quy định về quyền, nghĩa vụ của thanh niên từ đủ 16 tuổi đến 30 tuổi.\n"
        "Điều 2. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2021.\n", encoding="utf-8")
    (settings.knowledge_dir / "qd-khen-thuong.md").write_text(
        "ĐOÀN TNCS HỒ CHÍ MINH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Số: 45-QĐ/ĐTN | Hà Nội, ngày 3 tháng 3 năm 2024\nQUYẾT ĐỊNH\nVề việc khen thưởng chi đoàn xuất sắc\n"
        "Điều 1. Tặng Giấy khen cho 5 chi đoàn xuất sắc năm 2023.\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n", encoding="utf-8")


def test_a_cited_document_number_finds_that_document(settings: Settings, embedder: Embedder) -> None:
    _law_and_decision(settings)
    engine = Engine(settings, embedder)
    engine.reindex()
    answer = engine.ask("QĐ 45-QĐ/ĐTN có hiệu lực khi nào?")
    assert not answer.abstained
    assert answer.results[0].title == "Quyết định khen thưởng chi đoàn xuất sắc"


def test_a_law_that_is_not_in_the_knowledge_base_is_not_answered_by_another(settings: Settings,
                                                                             embedder: Embedder) -> None:
    _law_and_decision(settings)
    engine = Engine(settings, embedder)
    engine.reindex()
    assert not engine.ask("Luật Thanh niên có hiệu lực từ ngày nào?").abstained
    assert not engine.ask("luat thanh nien co hieu luc tu ngay nao").abstained
    missing = engine.ask("Luật Giáo dục nghề nghiệp có hiệu lực từ ngày nào?")
    assert missing.abstained and missing.results == []


def test_shown_passages_of_one_document_are_kept_together() -> None:
    from bot.answers.answer import _grouped

    class H:
        def __init__(self, doc_id: str, n: int) -> None:
            self.doc_id, self.n = doc_id, n

    hits = [H("a", 1), H("b", 1), H("a", 2)]
    assert [(h.doc_id, h.n) for h in _grouped(hits)] == [("a", 1), ("a", 2), ("b", 1)]  # type: ignore[arg-type]


