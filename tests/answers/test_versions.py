from pathlib import Path

from bot.answers.versions import read_overrides, replacements, subject, write_override
from bot.engine import Engine
from bot.search.embed import Embedder
from bot.search.index import DocInfo
from bot.settings import Settings


def doc(doc_id: str, title: str, kind: str = "law", date: str | None = None) -> DocInfo:
    return DocInfo(doc_id, title, "s", kind, date, None, "h", 1)


def test_editions_of_one_document_are_linked_to_the_newest() -> None:
    docs = [doc("xii", "Điều lệ Công đoàn Việt Nam khóa XII (ban hành theo QĐ 174/QĐ-TLĐ năm 2020)", "charter"),
            doc("xiii", "Điều lệ Công đoàn Việt Nam khóa XIII", "charter"),
            doc("l2012", "Luật Công đoàn số 12/2012/QH13"), doc("l2024", "Luật Công đoàn 2024"),
            doc("tn", "Luật Thanh niên 2020"),
            doc("kh23", "Kế hoạch tổ chức Tháng Thanh niên năm 2023", "plan", "2023-02-01"),
            doc("kh24", "Kế hoạch tổ chức Tháng Thanh niên năm 2024", "plan", "2024-02-10")]
    assert replacements(docs) == {"xii": "xiii", "l2012": "l2024", "kh23": "kh24"}
    assert subject("Luật Công đoàn số 12/2012/QH13 (toàn văn)") == "luat cong doan"


def test_no_guess_when_editions_cannot_be_ordered_or_the_title_is_only_a_type() -> None:
    assert replacements([doc("a", "Quy chế chi tiêu nội bộ của cơ quan", "regulation"),
                         doc("b", "Quy chế chi tiêu nội bộ của cơ quan", "regulation")]) == {}
    assert replacements([doc("a", "Quyết định", "decision", "2020-01-01"),
                         doc("b", "Quyết định", "decision", "2021-01-01")]) == {}


def test_admins_set_and_undo_links(tmp_path: Path) -> None:
    docs = [doc("l2012", "Luật Công đoàn 2012"), doc("l2024", "Luật Công đoàn 2024"),
            doc("x", "Hướng dẫn đóng đoàn phí")]
    write_override(tmp_path, "l2012", None)  # "not replaced"
    write_override(tmp_path, "x", "l2024")
    assert read_overrides(tmp_path) == {"l2012": "-", "x": "l2024"}
    assert replacements(docs, read_overrides(tmp_path)) == {"x": "l2024"}


def test_answers_prefer_the_newer_version_and_label_the_older(settings: Settings, embedder: Embedder) -> None:
    (settings.knowledge_dir / "dp-2020.txt").write_text(
        "Hướng dẫn đóng đoàn phí công đoàn năm 2020\nNgày 01/01/2020\n"
        "Đoàn viên công đoàn đóng đoàn phí hằng tháng bằng 1% tiền lương.", encoding="utf-8")
    (settings.knowledge_dir / "cong-doan-phi.txt").unlink()  # the fixture's own dues text
    (settings.knowledge_dir / "dp-2025.txt").write_text(
        "Hướng dẫn đóng đoàn phí công đoàn năm 2025\nNgày 01/07/2025\n"
        "Đoàn viên công đoàn đóng đoàn phí hằng tháng bằng 0,5% tiền lương.", encoding="utf-8")
    engine = Engine(settings, embedder)
    engine.reindex()
    ids = {d.title: d.doc_id for d in engine.documents()}
    old, new = ids["Hướng dẫn đóng đoàn phí công đoàn năm 2020"], ids["Hướng dẫn đóng đoàn phí công đoàn năm 2025"]
    assert engine.replacements() == {old: new}
    answer = engine.ask("Đoàn viên công đoàn đóng đoàn phí hằng tháng bao nhiêu?")
    assert answer.results[0].doc_id == new and answer.results[0].replaced_by is None
    older = next(r for r in answer.results if r.doc_id == old)
    assert older.replaced_by == "Hướng dẫn đóng đoàn phí công đoàn năm 2025"
    # An admin says they are not versions of one another: the link goes, nothing is deleted.
    assert engine.set_replacement(old, None)
    assert engine.replacements() == {}
    assert not engine.set_replacement(old, "no-such-document")
    assert len(engine.documents()) == 4
