from bot.engine import Engine
from bot.search.embed import Embedder
from bot.settings import Settings


def engine_for(settings: Settings, embedder: Embedder) -> Engine:
    engine = Engine(settings, embedder)
    engine.reindex()
    return engine


def engine_with(settings: Settings, embedder: Embedder, name: str, text: str) -> Engine:
    """An engine over the test knowledge base plus one document."""
    (settings.knowledge_dir / name).write_text(text, encoding="utf-8")
    return engine_for(settings, embedder)


def decision(number: str) -> str:
    """A provincial Youth Union decision numbered ``number``, dated 02/3/2024: header, Điều 1-2."""
    return (f"BAN CHẤP HÀNH ĐOÀN TỈNH\nSố: {number}\n"
            f"QUYẾT ĐỊNH của Ban Thường vụ Tỉnh đoàn số {number} ngày 02 tháng 3 năm 2024 "
            "về việc ban hành Quy chế thi đua của Tỉnh đoàn\n"
            "Điều 1. Ban hành kèm theo Quyết định này Quy chế thi đua, khen thưởng của Tỉnh đoàn.\n"
            "Điều 2. Quyết định này có hiệu lực sau 10 ngày kể từ ngày ký.\n")


def top_title(engine: Engine, question: str) -> str:
    return engine.retriever.search(question, k=3)[0].title


def test_accented_unaccented_and_abbreviated_questions(settings: Settings, embedder: Embedder) -> None:
    engine = engine_for(settings, embedder)
    assert top_title(engine, "Mức đóng đoàn phí công đoàn là bao nhiêu?") == "Hướng dẫn đóng đoàn phí công đoàn"
    assert top_title(engine, "muc dong doan phi cong doan la bao nhieu") == "Hướng dẫn đóng đoàn phí công đoàn"
    assert top_title(engine, "CĐCS thu đoàn phí nộp về đâu") == "Hướng dẫn đóng đoàn phí công đoàn"
    assert top_title(engine, "hien mau tinh nguyen co bao nhieu nguoi") == "Tuổi trẻ hiến máu tình nguyện"


def test_article_number_finds_that_article(settings: Settings, embedder: Embedder) -> None:
    engine = engine_for(settings, embedder)
    hits = engine.retriever.search("Điều 12 nói gì", k=3)
    assert hits[0].chunk.article == "12"
    assert hits[0].chunk.heading.startswith("Điều 12")
    assert engine.retriever.search("dieu 2 dieu le doan", k=1)[0].chunk.article == "2"


def test_results_are_grouped_by_document(settings: Settings, embedder: Embedder) -> None:
    engine = engine_for(settings, embedder)
    hits = engine.retriever.search("đoàn viên", k=10)
    ids = [h.doc_id for h in hits]
    assert len(ids) == len(set(ids)) == 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_restored_question_is_reported(settings: Settings, embedder: Embedder) -> None:
    engine = engine_for(settings, embedder)
    query = engine.retriever.parse("ket nap doan may tuoi")
    assert query.restored.startswith("kết nạp đoàn")


def test_a_question_typed_with_diacritics_tells_co_from_co() -> None:
    from bot.search.lexical import LexicalIndex

    index = LexicalIndex.build(["Cờ Đoàn hình chữ nhật, nền đỏ, ở giữa có huy hiệu Đoàn.",
                                "Đoàn có nhiều hoạt động, có nhiều đoàn viên, có nhiều chi đoàn có thành tích."])
    assert int(index.scores("Cờ Đoàn").argmax()) == 0
    assert index.accents and index.idf("~cờ") > index.idf("~có")


def test_who_signed_looks_at_the_last_passage(settings: Settings, embedder: Embedder) -> None:
    engine = engine_with(settings, embedder, "qd.txt",
                         "QUYẾT ĐỊNH số 45-QĐ/ĐTN về việc tổ chức hội trại\n"
                         "Điều 1. Tổ chức hội trại cho đoàn viên vào tháng 3.\n"
                         "Điều 2. Quyết định này có hiệu lực từ ngày ký.\n\n"
                         "TM. BAN CHẤP HÀNH\nBÍ THƯ\nNguyễn Văn An")
    query = engine.retriever.parse("Quyết định 45-QĐ/ĐTN do ai ký?")
    assert query.signer
    hit = engine.retriever.search(query, k=1, per_doc=3)[0]
    assert "Nguyễn Văn An" in hit.chunk.text


def test_a_definition_question_finds_the_definition(settings: Settings, embedder: Embedder) -> None:
    engine = engine_with(settings, embedder, "luat.txt",
                         "LUẬT MẪU VỀ CÔNG ĐOÀN\n"
                         "Điều 3. Thành lập công đoàn cơ sở\n"
                         "Người lao động thành lập công đoàn cơ sở theo hướng dẫn của công đoàn cấp trên. "
                         "Ban chấp hành công đoàn cơ sở do đại hội bầu.\n"
                         "Điều 4. Giải thích từ ngữ\n"
                         "1. Quyền công đoàn là quyền thành lập, gia nhập và hoạt động công đoàn.\n"
                         "2. Công đoàn cơ sở là tổ chức cơ sở của công đoàn, tập hợp đoàn viên trong một đơn vị.\n")
    query = engine.retriever.parse("CĐCS là gì?")
    assert "cong doan co so" in query.defines
    assert engine.retriever.parse("Thế nào là công đoàn cơ sở?").defines == ("cong doan co so",)
    assert engine.retriever.parse("Đoàn phí là bao nhiêu?").defines == ()
    hit = engine.retriever.search(query, k=1, per_doc=3)[0]
    assert hit.chunk.article == "4"


def test_an_abbreviation_counts_as_the_words_it_stands_for() -> None:
    from bot.search.query import with_aliases

    aliases = [({"cdcs"}, {"cong", "doan", "co", "so"})]
    assert "cdcs" in with_aliases({"cong", "doan", "co", "so", "la"}, aliases)
    assert {"cong", "doan", "co", "so"} <= with_aliases({"cdcs", "thu"}, aliases)
    assert with_aliases({"cong", "doan"}, aliases) == {"cong", "doan"}


def test_a_cited_number_finds_the_document_and_the_question_finds_the_passage(
        settings: Settings, embedder: Embedder) -> None:
    engine = engine_with(settings, embedder, "qd146.txt", decision("146/2024/QĐ-ĐTN") +
                         "Điều 3. Các ban, đơn vị trực thuộc Tỉnh đoàn chịu trách nhiệm thi hành Quyết định này.\n")
    query = engine.retriever.parse("QĐ 146/2024/QĐ-ĐTN có hiệu lực từ khi nào?")
    assert query.numbers == ("146/2024/qd-dtn",)
    # the header repeats the number; the article that answers comes first all the same
    hits = engine.retriever.search(query, k=2, per_doc=3)
    assert hits[0].chunk.article == "2" and hits[1].chunk.article == ""


def test_a_number_and_year_cite_a_document_as_its_full_number_does(settings: Settings, embedder: Embedder) -> None:
    engine = engine_with(settings, embedder, "qd146.txt", decision("146/QĐ-ĐTN"))
    doc_id = next(d.doc_id for d in engine.documents() if d.source == "qd146.txt")
    # "Quyết định 146/2024": the number with the year of the document's date, as members cite it
    query = engine.retriever.parse("Quyết định 146/2024 có hiệu lực từ khi nào?")
    assert query.numbers == ("146/2024",)
    assert engine.retriever.named_documents(query) == {doc_id}
    assert engine.retriever.search(query, k=2, per_doc=3)[0].chunk.article == "2"
    # the same number and year without a document type is a date, not a citation
    assert engine.retriever.parse("Từ 1/2024 đoàn phí bao nhiêu?").numbers == ()
