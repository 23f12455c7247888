"""From page layout to paragraphs: what a PDF, a scan or an office export leaves behind.

PDF text arrives as the lines the page was set in ("ĐTV là xây" / "dựng ..."), with page
numbers and running headers between them; a Google Docs export can arrive one word per
line. A passage made of such lines highlights "an" or "để" as its answer. This module
drops page furniture (numbers, headers and footers repeated on most pages, web-page
boilerplate) and joins layout lines back into paragraphs, keeping the breaks a reader
sees: headings, "Điều"/"Chương" lines, list items and sentence ends.

Example::

    >>> clean_pages(["1\\nĐoàn viên có nhiệm vụ học tập và\\nrèn luyện thường xuyên.\\n",
    ...              "2\\nĐiều 2. Quyền của đoàn viên\\n"], wrapped=True)
    'Đoàn viên có nhiệm vụ học tập và rèn luyện thường xuyên.\\nĐiều 2. Quyền của đoàn viên'
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import median

from bot.text import fold, is_capitals, normalize

PAGE_NUMBER = re.compile(
    r"^(?:(?:trang|page)\s*)?[-–—(\[]?\s*\d{1,4}\s*(?:(?:/|of|trên)\s*\d{1,4})?\s*[-–—)\]]?$", re.IGNORECASE
)
BOILERPLATE = re.compile(
    r"^(skip ribbon commands|skip to main content|skip navigation|turn on more accessible mode"
    r"|turn off more accessible mode|chia sẻ|share|in bài viết|print|facebook|twitter|zalo"
    r"|trang chủ|home|tin tức\s*-\s*sự kiện|bản in|gửi email|xem thêm|tags?:?.*|đọc thêm)$",
    re.IGNORECASE,
)
IMAGE_NAME = re.compile(r"\b[\w\-.]+\.(?:jpe?g|png|gif|webp|bmp|tiff?)\b", re.IGNORECASE)
# A line that starts a new block whatever came before it.
STRUCTURAL = re.compile(
    r"^(?:(?:điều|chương|mục|phần|phụ lục|tiết)\s+[\dIVXLC]+\b"
    r"|[-+•*–—▪●○■□➢✓]\s"
    r"|\d{1,3}(?:\.\d{1,3})*[.)/]\s"
    r"|[a-zđ][.)]\s"
    r"|[IVXLC]{1,6}[.)-]\s"
    r"|\(\d{1,3}\)\s"
    r"|căn cứ\b|nơi nhận\b|kính gửi\b)",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.:;!?…]['\"”)]?$")
EDGE_LINES = 2  # lines at the top and bottom of a page where furniture lives


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", fold(line))


def _drop_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Page numbers at a page's edges, and edge lines repeated on most pages."""
    many = len(pages) >= 3
    counts: Counter[str] = Counter()
    if many:
        for lines in pages:
            edge = _edges(lines)
            # A sentence is content even when every page ends with one like it.
            counts.update({_furniture_key(lines[i]) for i in edge if not SENTENCE_END.search(lines[i])})
    repeated = {key for key, n in counts.items() if n >= max(3, len(pages) // 2) and key.strip("# ")} if many else set()
    out = []
    for lines in pages:
        edge = _edges(lines) if len(pages) > 1 else set()
        kept = [line for i, line in enumerate(lines)
                if not (i in edge and (PAGE_NUMBER.match(line) or _furniture_key(line) in repeated))]
        out.append(kept)
    return out


def _edges(lines: list[str]) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line]
    return set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])


def _word_per_line(lines: list[str]) -> bool:
    """A Google Docs-style page: most lines hold one or two words."""
    filled = [line for line in lines if line]
    return len(filled) >= 20 and median(len(line.split()) for line in filled) <= 2


def _join_lines(lines: list[str], typical: float) -> list[str]:
    """Layout lines -> paragraphs; a blank line in ``lines`` is a hard break and stays."""
    words_mode = _word_per_line(lines)
    paragraphs: list[str] = []
    current = ""
    previous = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            paragraphs.append("")  # a hard break stays visible (it ends a title block)
            current, previous = "", ""
            continue
        if current and _continues(previous, line, typical, words_mode):
            glue = "" if re.search(r"\w-$", previous) and line[:1].islower() else " "
            current = f"{current}{glue}{line}"
        else:
            if current:
                paragraphs.append(current)
            current = line
        previous = line
    if current:
        paragraphs.append(current)
    return paragraphs


def _continues(previous: str, line: str, typical: float, words_mode: bool) -> bool:
    """Does ``line`` carry on the paragraph that ``previous`` (a layout line) belongs to?"""
    if STRUCTURAL.match(line):
        return False
    if SENTENCE_END.search(previous):
        return words_mode and not line[:1].isupper()
    if words_mode:
        return True
    if is_capitals(previous, 3) != is_capitals(line, 3):
        return False  # a heading in capitals, then body text (or the reverse)
    if previous.endswith((",", "-", "–", "và", "của", "các", "những", "với", "cho", "theo")):
        return True
    return len(previous) >= 0.6 * typical  # a short line ended its paragraph


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start]:
        start += 1
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end]


def clean_pages(pages: list[str], wrapped: bool) -> str:
    """Clean text of a document's pages; ``wrapped``: lines are layout lines to be joined."""
    page_lines = []
    for page in pages:
        lines = []
        for raw in normalize(page).split("\n"):
            line = " ".join(IMAGE_NAME.sub("", raw).split())
            if BOILERPLATE.match(line):
                continue
            lines.append(line)
        page_lines.append(lines)
    page_lines = _drop_furniture(page_lines)
    if wrapped:
        lengths = sorted(len(line) for lines in page_lines for line in lines if line)
        typical = float(lengths[int(0.9 * (len(lengths) - 1))]) if lengths else 80.0
        # A page break is not a paragraph break: only blank lines and the rules in _continues are.
        flat = [line for lines in page_lines for line in _trim_blank(lines)]
        blocks = _join_lines(flat, typical)
    else:
        blocks = [line for lines in page_lines for line in [*lines, ""]]
    out: list[str] = []
    for block in blocks:
        if block or (out and out[-1]):
            out.append(block)
    return "\n".join(out).strip()
