from pathlib import Path

import pytest

from bot.documents.ingest import (
    IngestError,
    clean_text,
    doc_id_for,
    find_date,
    iter_knowledge_files,
    load_document,
)

ROOT = Path(__file__).resolve().parents[2]


def test_sample_article_loses_web_boilerplate() -> None:
    doc = load_document(ROOT / "knowledge" / "dai-hoi-chi-doan-so-tttt-ha-nam-2022.txt", ROOT / "knowledge")
    assert "Skip Ribbon Commands" not in doc.text
    assert "Skip to main content" not in doc.text
    assert ".jpg" not in doc.text
    assert doc.title.startswith("Đại hội Đoàn Thanh niên cộng sản Hồ Chí Minh")
    assert doc.date == "2022-04-28"
    assert doc.kind == "article"


def test_markdown_front_matter(knowledge: Path) -> None:
    doc = load_document(knowledge / "dieu-le-doan.md", knowledge)
    assert doc.title == "Điều lệ Đoàn (trích, bản thử nghiệm)"
    assert doc.date == "2022-12-15"
    assert doc.kind == "charter"
    assert not doc.text.startswith("---")


def test_html_text_title_and_date(knowledge: Path) -> None:
    doc = load_document(knowledge / "tin-hien-mau.html", knowledge)
    assert doc.title == "Tuổi trẻ hiến máu tình nguyện"
    assert "120 đoàn viên" in doc.text
    assert "IMG_1234" not in doc.text
    assert doc.date == "2024-01-10"


def test_pdf_is_read(tmp_path: Path) -> None:
    import matplotlib
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", fname=str(Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"))
    pdf.set_font("dejavu", size=12)
    pdf.multi_cell(0, 8, "Nghị quyết Đại hội chi đoàn\nChi đoàn phấn đấu kết nạp 5 đoàn viên mới trong năm 2025.")
    pdf.output(str(tmp_path / "nq.pdf"))
    doc = load_document(tmp_path / "nq.pdf", tmp_path)
    assert "kết nạp 5 đoàn viên mới" in doc.text
    assert doc.kind == "resolution"


def test_docx_is_read(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Quy chế làm việc của Ban Chấp hành", 1)
    document.add_paragraph("Ban Chấp hành họp thường kỳ mỗi quý một lần.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Bí thư"
    table.rows[0].cells[1].text = "Nguyễn Văn A"
    document.save(str(tmp_path / "quy-che.docx"))
    doc = load_document(tmp_path / "quy-che.docx", tmp_path)
    assert "mỗi quý một lần" in doc.text
    assert "Bí thư | Nguyễn Văn A" in doc.text
    assert doc.kind == "regulation"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("broken.docx", b"PK\x03\x04 not a zip", "DOCX"),
        ("empty.txt", b"   ", "no readable text"),
        ("data.xlsx", b"whatever", "unsupported"),
    ],
)
def test_bad_files_raise_with_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(IngestError, match=reason):
        load_document(tmp_path / name, tmp_path)


def test_windows_1258_and_utf16_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("Đoàn viên mới năm nay rất đông".encode("utf-16"))
    assert "Đoàn viên mới" in load_document(tmp_path / "a.txt", tmp_path).text


def test_ids_are_stable_and_ascii() -> None:
    assert doc_id_for("Điều lệ Đoàn.pdf") == doc_id_for("Điều lệ Đoàn.pdf")
    assert doc_id_for("Điều lệ Đoàn.pdf").isascii()
    assert doc_id_for("a/x.txt") != doc_id_for("b/x.txt")


def test_dates_in_text() -> None:
    assert find_date("Hà Nội, ngày 5 tháng 3 năm 2024") == "2024-03-05"
    assert find_date("Chiều ngày 28/4/2022 đã diễn ra") == "2022-04-28"
    assert find_date("không có ngày") is None


def test_clean_text_drops_image_names_only() -> None:
    assert clean_text("Ảnh IMG_9666.jpg đẹp\nSkip to main content\nNội dung") == "Ảnh đẹp\nNội dung"


def test_hidden_and_readme_files_are_not_indexed(tmp_path: Path) -> None:
    for name in ["a.txt", ".hidden.txt", "_draft.md", "README.md", "abbreviations.tsv"]:
        (tmp_path / name).write_text("x" * 30)
    assert [p.name for p in iter_knowledge_files(tmp_path)] == ["a.txt"]
