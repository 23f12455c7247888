"""Reply layouts are pure functions: answer object in, Telegram HTML out."""

from __future__ import annotations

import re

from bot.answers.answer import Answer, Result
from bot.telegram.layouts import TELEGRAM_LIMIT, answer_html, answer_keyboard, split_html
from tests.fakebot import check_html


def result(n: int, passage: str, highlight: str = "", url: str | None = None) -> Result:
    return Result(doc_id=f"d{n}", title=f"Tài liệu <{n}> & co", date="2024-01-10", kind="charter",
                  source="x.md", url=url, heading="Điều 3", passage=passage, highlight=highlight,
                  score=1.0, path=f"d{n}.md")


def test_answer_escapes_document_text_and_marks_the_highlight() -> None:
    passage = "Mở đầu <b>đậm</b> & hết. Câu trả lời là 16 tuổi. Kết thúc."
    html = answer_html(Answer("q", [result(1, passage, "Câu trả lời là 16 tuổi.", url="https://x.vn/?a=1&b=2")],
                              0.9, False), contact="BCH")
    assert check_html(html) is None
    assert "&lt;b&gt;đậm&lt;/b&gt; &amp; hết." in html
    assert "<b><u>Câu trả lời là 16 tuổi.</u></b>" in html
    assert 'href="https://x.vn/?a=1&amp;b=2"' in html
    assert "Điều 3" in html and "ngày 10/1/2024" in html and "Tài liệu &lt;1&gt; &amp; co" in html


def test_abstention_names_the_contact_and_shows_no_passage() -> None:
    html = answer_html(Answer("q", [], 0.1, True), contact="Bí thư <chi đoàn>")
    assert "Bí thư &lt;chi đoàn&gt;" in html and "blockquote" not in html


def test_split_keeps_every_part_under_the_limit_and_balanced() -> None:
    results = [result(i, ("Đoạn văn dài có <ký tự> & dấu. " * 120).strip(), "") for i in range(5)]
    html = answer_html(Answer("q", results, 0.9, False), contact="BCH", count=5)
    long_html = html * 3
    parts = split_html(long_html)
    assert len(parts) > 1
    for part in parts:
        assert len(part) <= TELEGRAM_LIMIT
        assert check_html(part) is None, part[:200]
    visible = lambda s: re.sub(r"<[^>]+>", "", s)  # noqa: E731
    assert visible("".join(parts)).replace("\n", "") == visible(long_html).replace("\n", "")


def test_split_cuts_a_single_huge_word() -> None:
    parts = split_html("<code>" + "x" * 10000 + "</code>", 4096)
    assert all(len(p) <= 4096 and check_html(p) is None for p in parts)
    assert sum(p.count("x") for p in parts) == 10000


def test_keyboard_has_more_files_and_feedback() -> None:
    results = [{"doc_id": f"d{i}", "path": f"d{i}.md"} for i in range(5)]
    rows = answer_keyboard(7, results).inline_keyboard
    data = [b.callback_data for row in rows for b in row]
    assert data == ["more:7", "file:7:0", "file:7:1", "file:7:2", "fb:7:up", "fb:7:down"]
    assert all(len(d.encode()) <= 64 for d in data)
    more = answer_keyboard(7, results, start=3, count=5, feedback=False).inline_keyboard
    assert [b.callback_data for row in more for b in row] == ["file:7:3", "file:7:4"]


def test_an_older_version_is_labelled_with_the_newer_one() -> None:
    from bot.answers.render import render_text
    from bot.search.index import DocInfo
    from bot.telegram.layouts import docs_html

    old = result(1, "Đoàn phí bằng 1% tiền lương.", "Đoàn phí bằng 1% tiền lương.")
    old.replaced_by = "Hướng dẫn <2025>"
    html = answer_html(Answer("q", [old], 0.9, False), contact="BCH")
    assert check_html(html) is None and "Đã được thay thế bởi:</b> Hướng dẫn &lt;2025&gt;" in html
    assert "Đã được thay thế bởi: Hướng dẫn <2025>" in render_text(Answer("q", [old], 0.9, False), "BCH")
    docs = [DocInfo("a", "Luật Công đoàn 2012", "s", "law", None, None, "h", 1),
            DocInfo("b", "Luật Công đoàn 2024", "s", "law", None, None, "h", 1)]
    listing = docs_html(docs, {"a": "b"})
    assert check_html(listing) is None and "đã được thay thế bởi: Luật Công đoàn 2024" in listing


def test_two_passages_of_one_document_are_grouped_under_its_source() -> None:
    first, second = result(1, "Điều 1. Tuổi từ 16 đến 30."), result(1, "Điều 4. Đoàn viên danh dự.")
    second.heading = "Điều 4"
    html = answer_html(Answer("q", [first, second, result(2, "Khác.")], 0.9, False), contact="BCH")
    assert check_html(html) is None
    assert html.count("Tài liệu &lt;1&gt; &amp; co") == 1 and "<b>2.</b> <i>Điều 4</i>" in html
    assert html.count("Tài liệu &lt;2&gt; &amp; co") == 1


def test_a_not_sure_answer_is_labelled_with_its_passages_and_the_contact() -> None:
    from bot.answers.ranking import Band
    from bot.answers.render import render_text
    from bot.messages import NOT_SURE_HEADER, NOT_SURE_TITLE

    answer = Answer("q", [result(1, "Đoàn viên đóng đoàn phí hằng tháng.", "Đoàn viên đóng đoàn phí hằng tháng.")],
                    0.3, False, band=Band.NOT_SURE)
    html = answer_html(answer, contact="Bí thư <chi đoàn>")
    assert check_html(html) is None
    assert html.startswith(NOT_SURE_TITLE) and "<blockquote expandable>" in html and "Bí thư &lt;chi đoàn&gt;" in html
    assert "Trả lời" not in html  # a "not sure" reply asserts no answer
    # ... but its nearest sentence stands under the label, visible when the quotes are collapsed
    assert html.split("\n")[1] == "💬 <i>Câu gần nhất:</i> “Đoàn viên đóng đoàn phí hằng tháng.”"
    text = render_text(answer, "Bí thư chi đoàn")
    assert text.startswith(NOT_SURE_HEADER) and "đoàn phí" in text and text.rstrip().endswith("Bí thư chi đoàn.")
    assert text.split("\n")[1] == "Câu gần nhất: “Đoàn viên đóng đoàn phí hằng tháng.”"
    confident = answer_html(Answer("q", answer.results, 0.9, False), contact="BCH")
    assert NOT_SURE_TITLE not in confident and "BCH" not in confident


def test_the_answer_comes_first_with_its_source_then_the_passages_in_expandable_quotes() -> None:
    passage = "Ban Chấp hành chi đoàn nhiệm kỳ 2022 - 2024 gồm 03 đồng chí. Đồng chí A làm Bí thư."
    first = result(1, passage, "Ban Chấp hành chi đoàn nhiệm kỳ 2022 - 2024 gồm 03 đồng chí.")
    html = answer_html(Answer("BCH gồm mấy đồng chí?", [first, result(2, "Khác.")], 0.9, False), contact="BCH")
    assert check_html(html) is None
    lines = html.split("\n")
    assert lines[0] == "💬 <b>Trả lời:</b> Ban Chấp hành chi đoàn nhiệm kỳ 2022 - 2024 gồm 03 đồng chí."
    assert lines[1] == "<i>📄 Tài liệu &lt;1&gt; &amp; co · Điều 3 · ngày 10/1/2024</i>"
    assert html.count("<blockquote expandable>") == 2 and "<blockquote>" not in html
    assert html.index("Trả lời") < html.index("Các đoạn liên quan") < html.index("<blockquote expandable>")
    assert len(split_html(html)) == 1  # one message where it fits


def test_the_console_shows_the_same_order() -> None:
    from bot.answers.render import render_text

    first = result(1, "Mở đầu. Câu trả lời là 16 tuổi. Kết thúc.", "Câu trả lời là 16 tuổi.")
    text = render_text(Answer("q", [first], 0.9, False), contact="BCH").splitlines()
    assert text[0] == "Trả lời: Câu trả lời là 16 tuổi."
    assert text[1] == "(Tài liệu <1> & co · Điều 3 · ngày 10/1/2024)"
    assert text[3] == "Các đoạn liên quan:" and "»Câu trả lời là 16 tuổi.«" in text[5]
