"""Real office files, made by the tests: Word-like PDFs, letterhead DOCX, legacy fonts,
scans, RTF; each read back into the text, title and date a person would see."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.documents.encodings import decode_bytes, to_unicode
from bot.documents.failures import Failure
from bot.documents.ingest import IngestError, load_document
from bot.documents.ocr import OcrEngine
from bot.documents.readers import ReadOptions, sniff
from tests.docfixtures import image_only_pdf, legacy, letterhead_docx, text_image, word_like_pdf

BODY = [
    "Căn cứ Nghị quyết số 05-NQ/TWĐ ngày 10/3/2019 của Ban Chấp hành Trung ương Đoàn;",
    "Tháng Thanh niên năm 2022 có chủ đề Tuổi trẻ xung kích chuyển đổi số.",
    "Mỗi chi đoàn tổ chức ít nhất một công trình thanh niên về vệ sinh môi trường.",
]
OCR = pytest.mark.skipif(not OcrEngine().available(), reason="Tesseract with Vietnamese data is not installed")


def test_word_like_pdf_joins_lines_and_drops_page_numbers(tmp_path: Path) -> None:
    pages = [
        ["ĐOÀN TNCS HỒ CHÍ MINH", "", "HƯỚNG DẪN", "Công tác phát triển đoàn viên năm 2025", "",
         "Đoàn viên mới được kết nạp phải là thanh niên Việt Nam tích cực học tập, lao động và",
         "bảo vệ Tổ quốc, tuổi từ đủ 16 đến 30, tán thành Điều lệ Đoàn và tự nguyện hoạt động",
         "trong một tổ chức cơ sở của Đoàn."],
        ["Chi đoàn tổ chức lễ kết nạp trang trọng, có Đoàn cấp trên trực tiếp dự và trao quyết",
         "định kết nạp cho đoàn viên mới ngay tại buổi lễ."],
    ]
    word_like_pdf(tmp_path / "hd.pdf", pages, header="Đoàn trường Đại học A")
    doc = load_document(tmp_path / "hd.pdf", tmp_path)
    assert "tích cực học tập, lao động và bảo vệ Tổ quốc, tuổi từ đủ 16 đến 30" in doc.text
    assert "trao quyết định kết nạp cho đoàn viên mới" in doc.text  # joined across the line break
    assert "\n1\n" not in f"\n{doc.text}\n" and "\n2\n" not in f"\n{doc.text}\n"
    assert doc.title == "Hướng dẫn công tác phát triển đoàn viên năm 2025"
    assert doc.kind == "guide" and doc.pages == 2 and doc.date is None  # it states no date


def test_a_title_starting_with_ngay_or_so_is_a_title_not_a_date_line(tmp_path: Path) -> None:
    """"Ngày hội ...", "Sổ tay ..." begin titles; only "ngày 5 tháng 1", "số 12" cite an issue."""
    (tmp_path / "kh.txt").write_text("Kế hoạch Ngày hội Thanh niên sáng tạo 2027\nNgày 05/01/2027\n"
                                     "Ngày hội diễn ra tại Nhà văn hóa Thanh niên.\n", encoding="utf-8")
    (tmp_path / "hd.txt").write_text("HƯỚNG DẪN\nSổ tay đoàn viên năm 2026\n\nMỗi đoàn viên có một sổ tay.\n",
                                     encoding="utf-8")
    (tmp_path / "nd.txt").write_text("NGHỊ ĐỊNH\nngày 11 tháng 5 năm 1998 về việc ban hành Quy chế dân chủ ở xã\n\n"
                                     "Điều 1. Ban hành kèm theo Nghị định này Quy chế.\n", encoding="utf-8")
    assert load_document(tmp_path / "kh.txt", tmp_path).title == "Kế hoạch ngày hội Thanh niên sáng tạo 2027"
    assert load_document(tmp_path / "hd.txt", tmp_path).title == "Hướng dẫn sổ tay đoàn viên năm 2026"
    assert load_document(tmp_path / "nd.txt", tmp_path).title == "Nghị định ban hành Quy chế dân chủ ở xã"


def test_repeated_running_header_is_dropped(tmp_path: Path) -> None:
    pages = [[f"Đoạn văn số {i} của tài liệu hướng dẫn công tác Đoàn năm nay."] for i in range(4)]
    word_like_pdf(tmp_path / "h.pdf", pages, header="Tài liệu sinh hoạt chi đoàn - lưu hành nội bộ")
    doc = load_document(tmp_path / "h.pdf", tmp_path)
    assert doc.text.count("lưu hành nội bộ") <= 1


def test_docx_letterhead_table_stays_first_and_gives_number_and_date(tmp_path: Path) -> None:
    letterhead_docx(tmp_path / "kh.docx", BODY)
    doc = load_document(tmp_path / "kh.docx", tmp_path)
    assert doc.title == "Kế hoạch tổ chức Tháng Thanh niên năm 2022"
    assert doc.date == "2022-04-28"  # the date line, not the cited 10/3/2019
    assert doc.number == "12-KH/ĐTN" and doc.kind == "plan"
    assert doc.text.index("Số: 12-KH/ĐTN") < doc.text.index("KẾ HOẠCH") < doc.text.index("công trình thanh niên")
    assert "BCH ĐOÀN TRƯỜNG ĐẠI HỌC A | ĐOÀN TNCS HỒ CHÍ MINH" in doc.text


def test_docx_text_box_and_header_are_read(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.sections[0].header.is_linked_to_previous = False
    document.sections[0].header.paragraphs[0].text = "BAN CHẤP HÀNH ĐOÀN KHỐI"
    paragraph = document.add_paragraph("Nội dung chính của thông báo về đợt sinh hoạt chủ điểm.")
    box = parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
        '<w:p><w:r><w:t>Hạn nộp báo cáo: 15/5</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing>'
        '</mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Hạn nộp báo cáo: 15/5</w:t></w:r></w:p>'
        '</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    paragraph._p.append(box)
    document.save(str(tmp_path / "tb.docx"))
    doc = load_document(tmp_path / "tb.docx", tmp_path)
    assert doc.text.startswith("BAN CHẤP HÀNH ĐOÀN KHỐI")
    assert doc.text.count("Hạn nộp báo cáo: 15/5") == 1  # the text box once, not its fallback copy too


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_font_text_file_is_converted(tmp_path: Path, encoding: str) -> None:
    # TCVN3 has no capital accented letters (a separate ".VnTimeH" font drew them): mixed case here.
    text = "\n".join(["Kế hoạch", "Tổ chức Tháng Thanh niên năm 2022", *BODY])
    (tmp_path / "kh.txt").write_bytes(legacy(text, encoding).encode("cp1252"))
    doc = load_document(tmp_path / "kh.txt", tmp_path)
    assert doc.encoding == encoding
    assert "Tuổi trẻ xung kích chuyển đổi số" in doc.text
    assert doc.title == "Kế hoạch tổ chức Tháng Thanh niên năm 2022"
    assert doc.valid_share > 0.95 and not doc.garbled


@pytest.mark.parametrize(("font", "encoding"), [(".VnTime", "tcvn3"), ("VNI-Times", "vni")])
def test_legacy_font_docx_is_converted_by_its_font(tmp_path: Path, font: str, encoding: str) -> None:
    letterhead_docx(tmp_path / "kh.docx", BODY, font=font, encode=encoding)
    doc = load_document(tmp_path / "kh.docx", tmp_path)
    assert doc.encoding == encoding
    assert "Mỗi chi đoàn tổ chức ít nhất một công trình thanh niên" in doc.text
    assert doc.date == "2022-04-28" and doc.number == "12-KH/ĐTN"


def test_unconverted_garble_is_flagged(tmp_path: Path) -> None:
    # A PDF font that maps its glyphs to nothing meaningful: no table can convert it.
    garbled = "Cφng hωa xλ hφi chψ nghξa ViΣt Nam. Ðφan viΣn ðψng ðφan phζ hΘng thχng. " * 8
    (tmp_path / "x.txt").write_text(garbled, encoding="utf-8")
    doc = load_document(tmp_path / "x.txt", tmp_path)
    assert doc.garbled and doc.valid_share < 0.8


def test_windows_1258_text_and_no_bom_is_never_utf16(tmp_path: Path) -> None:
    import unicodedata

    text = "Đoàn viên đóng đoàn phí hằng tháng theo quy định của Điều lệ."
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    cp1258 = ""  # Windows-1258 writes the vowel (with its hat) and then the tone as a combining mark
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        cp1258 += unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        cp1258 += "".join(c for c in parts if c in tones)
    (tmp_path / "a.txt").write_bytes(cp1258.encode("cp1258"))
    assert load_document(tmp_path / "a.txt", tmp_path).text == text
    assert decode_bytes("ab".encode("utf-16-le"))[0] == "a\x00b\x00"  # no BOM: not guessed as UTF-16
    assert to_unicode("Señor García vive en España.")[1] is None  # not Vietnamese: left alone


def test_rtf_with_tcvn3_escapes(tmp_path: Path) -> None:
    encoded = legacy("Đoàn viên đóng đoàn phí hằng tháng theo quy định của Điều lệ Đoàn.", "tcvn3")
    escaped = "".join(f"\\'{ord(c):02x}" if ord(c) > 127 else c for c in encoded)
    rtf = r"{\rtf1\ansi{\fonttbl{\f0 .VnTime;}}\f0 QUY CH\'ca\par " + escaped + r"\par}"
    (tmp_path / "qc.rtf").write_text(rtf, encoding="ascii")
    doc = load_document(tmp_path / "qc.rtf", tmp_path)
    assert "Đoàn viên đóng đoàn phí hằng tháng" in doc.text and doc.encoding == "tcvn3"


def test_tabbed_columns_are_cells_but_a_tab_beside_a_colon_is_a_space() -> None:
    from bot.documents.readers import mark_cells

    assert mark_cells("ỦY BAN NHÂN DÂN        \tCỘNG HÒA XÃ HỘI") == "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI"
    assert mark_cells("+ Kết hôn \t:\tNghỉ 03 ngày") == "+ Kết hôn : Nghỉ 03 ngày"


def test_a_doc_that_is_really_rtf_is_read_as_rtf(tmp_path: Path) -> None:
    (tmp_path / "cu.doc").write_text(r"{\rtf1\ansi Chi \'f0o\'e0n t\'f4 ch\'fac sinh ho\'e1t th\'e1ng.\par}",
                                     encoding="ascii")
    assert sniff(tmp_path / "cu.doc") == "rtf"
    assert "sinh ho" in load_document(tmp_path / "cu.doc", tmp_path).text


def test_doc_without_converter_is_reported_with_advice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cu.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(IngestError, match=r"save it as \.docx") as refused:
        load_document(tmp_path / "cu.doc", tmp_path)
    assert refused.value.code is Failure.NO_DOC_CONVERTER  # the admin is told to install antiword or send .docx


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")
def test_broken_doc_is_refused_with_advice(tmp_path: Path) -> None:
    (tmp_path / "hong.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(IngestError, match=r"\.docx"):
        load_document(tmp_path / "hong.doc", tmp_path)


LINES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
         "THÔNG BÁO", "Về việc tổ chức Đại hội Chi đoàn", "Hà Nội, ngày 15 tháng 3 năm 2024",
         "Chi đoàn tổ chức Đại hội vào sáng thứ Bảy tại hội trường lớn."]


@OCR
def test_scanned_pdf_is_read_by_ocr(tmp_path: Path) -> None:
    image_only_pdf(tmp_path / "scan.pdf", LINES)
    pages: list[tuple[int, int]] = []
    doc = load_document(tmp_path / "scan.pdf", tmp_path, progress=lambda d, t: pages.append((d, t)))
    assert doc.ocr_pages == 1 and pages == [(1, 1)]
    assert "tổ chức Đại hội" in doc.text and "hội trường lớn" in doc.text
    assert doc.date == "2024-03-15" and doc.kind == "announcement"


@OCR
def test_photo_of_a_page_is_read(tmp_path: Path) -> None:
    (tmp_path / "anh.png").write_bytes(text_image(LINES))
    assert "hội trường lớn" in load_document(tmp_path / "anh.png", tmp_path).text


def test_scan_without_ocr_engine_is_reported_not_dropped(tmp_path: Path) -> None:
    image_only_pdf(tmp_path / "scan.pdf", LINES)
    options = ReadOptions(ocr=OcrEngine(binary="no-such-tesseract"))
    with pytest.raises(IngestError, match="OCR engine not installed"):
        load_document(tmp_path / "scan.pdf", tmp_path, options)


@OCR
def test_ocr_page_budget_is_a_note(tmp_path: Path) -> None:
    image_only_pdf(tmp_path / "scan.pdf", LINES)
    options = ReadOptions(max_ocr_pages=0)
    with pytest.raises(IngestError, match="OCR stopped after 0 of 1"):
        load_document(tmp_path / "scan.pdf", tmp_path, options)


def test_a_doc_antiword_refuses_is_read_from_its_piece_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Word's "fast save" leaves files antiword calls "not a Word Document"; their text is
    still in the piece table (here a TCVN3 letterhead, as offices typed them)."""
    from bot.documents.readers import legacy
    from tests.docfixtures import word97_doc

    word97_doc(tmp_path / "qd.doc", ["UBND XÃ TÂN HOÀ", "Số: 05/QĐ-UBND", "Tân Hoà, ngày 3 tháng 2 năm 2004",
                                     "Quyết định", "Về việc thành lập Ban chỉ đạo Tháng Thanh niên",
                                     "Căn cứ Luật Tổ chức chính quyền địa phương;", "Điều 1. Thành lập Ban chỉ đạo."],
               encode="tcvn3")
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)  # as if antiword had refused it
    doc = load_document(tmp_path / "qd.doc", tmp_path)
    assert doc.encoding == "tcvn3" and "Điều 1. Thành lập Ban chỉ đạo." in doc.text
    assert doc.title == "Quyết định thành lập Ban chỉ đạo Tháng Thanh niên" and doc.date == "2004-02-03"
    (tmp_path / "bad.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)  # an OLE signature, nothing inside
    with pytest.raises(IngestError) as refused:
        load_document(tmp_path / "bad.doc", tmp_path)
    assert refused.value.code in (Failure.NO_DOC_CONVERTER, Failure.DOC_UNREADABLE)
