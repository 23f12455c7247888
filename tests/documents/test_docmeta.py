"""The date and title a person reads off a letterhead, for each form real office files use.

Every fixture is made here (a DOCX with a letterhead table, or the text a reader gives);
none is a copy of a real file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.documents.docmeta import read_metadata
from bot.documents.ingest import load_document
from tests.docfixtures import office_docx

BODY = ["Căn cứ Điều lệ Đoàn TNCS Hồ Chí Minh và Hướng dẫn số 12-HD/TWĐTN ngày 10/3/2019;",
        "Mỗi chi đoàn tổ chức ít nhất một hoạt động tình nguyện trong tháng."]
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def test_place_and_date_in_the_right_cell_of_a_letterhead_table(tmp_path: Path) -> None:
    office_docx(tmp_path / "kh.docx",
                [("ĐOÀN TNCS HỒ CHÍ MINH", "ĐOÀN TNCS HỒ CHÍ MINH"), ("BCH ĐOÀN XÃ PHÚC THỊNH", ""),
                 ("Số: 03-KH/ĐTN", "Phúc Thịnh, ngày 05 tháng 01 năm 2025")],
                ["KẾ HOẠCH", "Tổ chức các hoạt động chào mừng ngày thành lập Đảng", *BODY])
    doc = load_document(tmp_path / "kh.docx", tmp_path)
    assert doc.date == "2025-01-05"
    assert doc.title == "Kế hoạch tổ chức các hoạt động chào mừng ngày thành lập Đảng"
    assert doc.number == "03-KH/ĐTN"


@pytest.mark.parametrize("head", [
    "Số: 15-TB/HSV\nTP. Hồ Chí Minh, ngày 19 tháng 5 năm 2020",  # the date line under the number line
    "Số: 15-TB/HSV          TP. Hồ Chí Minh, ngày 19 tháng 5 năm 2020",  # on the same line (a PDF's spacing)
    "Số: 15-TB/HSV | TP. Hồ Chí Minh, ngày 19 tháng 5 năm 2020",  # in the table row's second cell
    "|Số: 15-TB/HSV||TP. Hồ Chí Minh, ngày 19 tháng 5 năm 2020|",  # an RTF row
    "----------- TP. Hồ Chí Minh, ngày 19 tháng 5 năm 2020",  # after the letterhead's rule
])
def test_the_date_line_wherever_it_sits_and_a_month_without_its_zero(head: str) -> None:
    text = (f"HỘI SINH VIÊN VIỆT NAM | {MOTTO[0]}\nBCH TRƯỜNG ĐẠI HỌC B | {MOTTO[1]}\n{head}\n"
            "THÔNG BÁO\nVề việc tổ chức Hội nghị sinh viên năm học 2019 - 2020\n"
            "Căn cứ Quyết định số 20/QĐ-HSV ngày 02/01/2020 của Ban Thư ký;\n")
    meta = read_metadata(text)
    assert meta.date == "2020-05-19"
    assert meta.title == "Thông báo tổ chức Hội nghị sinh viên năm học 2019 - 2020"


def test_a_blank_template_date_is_unknown_never_a_guess(tmp_path: Path) -> None:
    office_docx(tmp_path / "mau.docx",
                [("ĐOÀN TNCS HỒ CHÍ MINH", MOTTO[0]), ("BCH CHI ĐOÀN ......", MOTTO[1]),
                 ("Số: ....-BC/CĐ", "......., ngày … tháng … năm 2026")],
                ["BÁO CÁO", "Kết quả thực hiện Nghị quyết Đại hội chi đoàn", *BODY])
    doc = load_document(tmp_path / "mau.docx", tmp_path)
    assert doc.date is None  # not the 10/3/2019 that the body cites
    assert doc.title == "Báo cáo kết quả thực hiện Nghị quyết Đại hội chi đoàn"
    dotted = read_metadata("CHI ĐOÀN A\n....., ngày | tháng | năm\nBIÊN BẢN\nSinh hoạt chi đoàn\n"
                           "Căn cứ Kế hoạch ngày 03/02/2026 của Đoàn trường;\n")
    assert dotted.date is None


def test_a_date_ocr_put_marks_wrong_on_is_still_read() -> None:
    meta = read_metadata("ĐẢNG BỘ XÃ TÂN HÒA\nCHI BỘ THÔN B\nTân Hòa, ngày 16 thảng 12 năm 2011\nBÁO CÁO\n"
                         "Kết quả kiểm điểm tập thể chi bộ năm 2011\n")
    assert meta.date == "2011-12-16"
    filled = read_metadata("ỦY BAN NHÂN DÂN TỈNH C\nQUY ĐỊNH\nVề tổ chức Đội kiểm tra liên ngành\n"
                           "(Ban hành kèm theo Quyết định số …05…./2006/QĐ-UBND,\n"
                           "ngày …25..tháng 01 năm 2006 của UBND tỉnh C)\nChương I\n")
    assert filled.date == "2006-01-25"  # an attached regulation: the date of the decision it is issued with
    assert filled.title == "Quy định về tổ chức Đội kiểm tra liên ngành"


def test_the_date_on_the_last_page_above_the_signature(tmp_path: Path) -> None:
    office_docx(tmp_path / "bc.docx", [("CÔNG ĐOÀN CƠ SỞ TRƯỜNG THCS D", MOTTO[0]), ("", MOTTO[1])],
                ["BÁO CÁO", "Tổng kết hoạt động Công đoàn năm học 2023 - 2024", *BODY],
                tail=["Nơi nhận:", "- LĐLĐ huyện;", "- Lưu VT.", "Hưng Yên, ngày 30 tháng 5 năm 2024",
                      "TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "Nguyễn Văn E"])
    doc = load_document(tmp_path / "bc.docx", tmp_path)
    assert doc.date == "2024-05-30"
    assert doc.title == "Báo cáo tổng kết hoạt động Công đoàn năm học 2023 - 2024"


def test_a_tcvn3_letterhead_is_read_after_conversion(tmp_path: Path) -> None:
    office_docx(tmp_path / "qd.docx",
                [("BCH ĐOÀN TRƯỜNG THPT F", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                 ("Số: 07-QĐ/ĐTN", "Phù Cừ, ngày 9 tháng 3 năm 2019")],
                ["QUYẾT ĐỊNH", "Về việc công nhận kết quả kết nạp đoàn viên mới", *BODY],
                font=".VnTime", encode="tcvn3")
    doc = load_document(tmp_path / "qd.docx", tmp_path)
    assert doc.date == "2019-03-09"
    assert doc.title == "Quyết định công nhận kết quả kết nạp đoàn viên mới"


def test_type_line_joined_with_its_summary_lines_and_a_quoted_name_kept_whole() -> None:
    meta = read_metadata("ĐOÀN TNCS HỒ CHÍ MINH\nBCH ĐOÀN PHƯỜNG G\nG, ngày 02 tháng 6 năm 2024\nKẾ HOẠCH\n"
                         "Tổ chức chương trình “Tiếp sức mùa thi\nnăm 2024” trên địa bàn phường\n\n"
                         "I. MỤC ĐÍCH, YÊU CẦU\n")
    assert meta.title == "Kế hoạch tổ chức chương trình “Tiếp sức mùa thi năm 2024” trên địa bàn phường"
    self_review = read_metadata("ĐẢNG BỘ KHỐI H\nCHI BỘ I\nBẢN TỰ KIỂM ĐIỂM\nCá nhân năm 2023\n\n"
                                "Họ và tên: Trần Văn K\n")
    assert self_review.title == "Bản tự kiểm điểm cá nhân năm 2023" and self_review.kind == "report"
    adopted = read_metadata("Bản Quy định\nChính sách khuyến khích đầu tư trên địa bàn tỉnh\n"
                            "(Ban hành kèm theo Quyết định số 522/2002/QĐ.UB\nngày 07/ 3/2002 của UBND tỉnh)\n")
    assert adopted.title == "Quy định chính sách khuyến khích đầu tư trên địa bàn tỉnh"


def test_a_gazette_copy_names_issuer_number_and_date_before_its_summary() -> None:
    """Công báo copies: "Nghị định của Chính phủ số ... ngày ... về ...", over blank lines."""
    meta = read_metadata("Nghị định của Chính phủ\n\nsố 116/2003/NĐ-CP ngày 10/10/2003\n\n"
                         "về việc tuyển dụng cán bộ, công chức\n\ntrong các đơn vị sự nghiệp.\n\nChính phủ\n\n"
                         "Căn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001;\n")
    assert meta.date == "2003-10-10"
    assert meta.title == "Nghị định tuyển dụng cán bộ, công chức trong các đơn vị sự nghiệp"
    joint = read_metadata("Thông tư\nliên tịch của Bộ Tài chính - Bộ Công nghiệp -\n"
                          "Tổng cục Hải quan số 176/1998/TTLT-BTC-BCN-TCHQ\nngày 25 tháng 12 năm1998 Hướng dẫn "
                          "thực hiện chính sách thuế theo tỷ lệ nội địa hóa\n"
                          "Căn cứ ý kiến của Thủ tướng ngày 24/9/1997;\n")
    assert joint.date == "1998-12-25"
    assert joint.title == "Thông tư liên tịch hướng dẫn thực hiện chính sách thuế theo tỷ lệ nội địa hóa"


def test_a_date_the_body_cites_is_not_the_documents_date() -> None:
    meta = read_metadata("Luật\nHợp tác xã\nCăn cứ vào Hiến pháp năm 1992 đã được sửa đổi theo Nghị quyết số "
                         "51/2001/QH10 ngày 25 tháng 12 năm 2001;\nLuật này quy định về hợp tác xã.\n\n"
                         "Luật này đã được Quốc hội thông qua ngày 26 tháng 11 năm 2003.\n")
    assert meta.date == "2003-11-26"


@pytest.mark.parametrize("letterhead", [
    # A narrow cell or a PDF's layout breaks the place-and-date line and the number line.
    "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\n\nSố:\n71/2025/QĐ-UBND\nHà Nam, ngày\n18 tháng 11 năm 2025",
    "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\nSố: 71/2025/QĐ-UBND\nHà Nam, ngày 18\ntháng 11 năm 2025",
    "ỦY BAN NHÂN DÂN\nTỈNH HÀ NAM\nSố: 71/2025/QĐ-UBND\nHà Nam,\nngày\n18 tháng 11 năm 2025",
])
def test_a_broken_date_line_is_read_whole(letterhead: str) -> None:
    meta = read_metadata(f"{letterhead}\nQUYẾT\nĐỊNH\nBAN HÀNH QUY CHẾ LÀM VIỆC\n" + "\n".join(BODY))
    assert meta.date == "2025-11-18"
    assert meta.number == "71/2025/QĐ-UBND"
    assert meta.title == "Quyết định ban hành quy chế làm việc"


def test_a_type_line_broken_in_two_and_a_number_line_that_names_the_type() -> None:
    meta = read_metadata("QUỐC HỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nLuật số: 60/2024/QH15\n\nLUẬT\n\n"
                         "THANH NIÊN\n\nCăn cứ Hiến pháp;\nQuốc hội ban hành Luật Thanh niên.\n"
                         "Luật này được Quốc hội thông qua ngày 16 tháng 6 năm 2020.")
    assert meta.title == "Luật Thanh niên"
    assert meta.date == "2020-06-16"
    meta = read_metadata("BAN CHẤP HÀNH TRUNG ƯƠNG\nSố: 09/2025/TT\nHà Nội, ngày 2 tháng 12 năm 2025\nTHÔNG\nTƯ\n"
                         "HƯỚNG DẪN CÔNG TÁC TÌNH NGUYỆN\n" + "\n".join(BODY))
    assert meta.title == "Thông tư hướng dẫn công tác tình nguyện"


def test_a_paper_under_an_event_line_is_titled_by_its_quoted_name_and_dated_by_its_first_day() -> None:
    meta = read_metadata("Hội nghị khoa học tuổi trẻ lần thứ hai\nĐổi mới công tác Đoàn trong trường học\n"
                         "“Thanh niên với chuyển đổi số:\nnhững việc làm ngay”\nNguyễn Văn An\n"
                         "Hà Nội, ngày 20, 21 tháng 03 năm 2024\n"
                         "Trong những năm qua, công tác Đoàn trong trường học đã có nhiều đổi mới về nội dung và phương"
                         " thức hoạt động, gắn với nhu cầu chính đáng của đoàn viên, thanh niên ở mọi cấp học.")
    assert meta.title == "Thanh niên với chuyển đổi số: những việc làm ngay"
    assert meta.date == "2024-03-20"


def test_a_form_under_its_code_is_dated_by_the_decision_it_is_issued_with() -> None:
    meta = read_metadata("M02-DV\nPhiếu đánh giá chất lượng đoàn viên\n"
                         "(Kèm theo Hướng dẫn số 12-HD/TWĐTN ngày 18/7/2023\ncủa Ban Bí thư Trung ương Đoàn)\n"
                         "1. Họ và tên: ............\n2. Chi đoàn: ............")
    assert meta.title == "Phiếu đánh giá chất lượng đoàn viên"
    assert meta.date == "2023-07-18"


def test_an_underlined_issuer_above_a_template_is_not_its_title() -> None:
    meta = read_metadata("|Ban chỉ đạo Chương trình | |\n|Tháng Thanh niên | |\n|------------ | |\n"
                         "các hoạt động tình nguyện\ncủa chi đoàn giai đoạn 2025-2027\nĐơn vị thực hiện: ..........\n")
    assert meta.title == "Các hoạt động tình nguyện của chi đoàn giai đoạn 2025-2027"
    assert meta.date is None


def test_a_markdown_file_is_read_without_its_markup(tmp_path: Path) -> None:
    (tmp_path / "qd.md").write_text(
        "|\n**ĐOÀN TNCS HỒ CHÍ MINH**\n**BCH ĐOÀN XÃ AN BÌNH**\n|\n**CỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM**\n|\n"
        "Số:\n12-QĐ/ĐTN\n|\n*An Bình, ngày 05\ntháng 01 năm 2025*\n|\n\n**QUYẾT ĐỊNH**\n**V****ề việc c****ông nhận"
        " đoàn viên mới**\n\n*Căn cứ Điều lệ Đoàn TNCS Hồ Chí Minh;*\n", encoding="utf-8")
    doc = load_document(tmp_path / "qd.md", tmp_path)
    assert doc.date == "2025-01-05"
    assert doc.title == "Quyết định công nhận đoàn viên mới"
    assert "*" not in doc.text


def test_an_all_caps_summary_keeps_the_names_and_numbers_the_document_writes_with_capitals() -> None:
    meta = read_metadata("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI\nSố: 63/2025/QĐ-UBND\nĐồng Nai, ngày 18 tháng 11 năm 2025\n"
                         "QUYẾT ĐỊNH\nPHÂN CẤP CHO SỞ TƯ PHÁP TỈNH ĐỒNG NAI THỰC HIỆN NGHỊ QUYẾT SỐ 214/NQ-CP\n"
                         "Căn cứ Luật Tổ chức chính quyền địa phương;\n"
                         "Theo đề nghị của Giám đốc Sở Tư pháp tỉnh Đồng Nai,\nĐiều 1. Giao cán bộ của sở thực hiện.")
    assert meta.title == "Quyết định phân cấp cho Sở Tư pháp tỉnh Đồng Nai thực hiện Nghị quyết số 214/NQ-CP"
