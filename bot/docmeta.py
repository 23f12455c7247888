"""A document's title, date, number, issuer and kind, read the way its reader reads them.

Vietnamese administrative documents (Nghị định 30/2020/NĐ-CP, and union practice) open
with a letterhead: the issuing body on the left, the national motto on the right, then
"Số: 12-KH/ĐTN" and "Hà Nội, ngày 28 tháng 4 năm 2022", then the document type in
capitals ("KẾ HOẠCH") over its summary ("Tổ chức Tháng Thanh niên năm 2024"). The title a
secretary would say is type + summary; the date is the place-and-date line, never a date
the text cites ("Căn cứ Nghị định ... ngày ...") and never the file's save time. When a
document states no date, its date is unknown.

Example::

    >>> meta = read_metadata("ĐOÀN TNCS HỒ CHÍ MINH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\\n"
    ...     "Số: 12-KH/ĐTN | Hà Nội, ngày 28 tháng 4 năm 2022\\nKẾ HOẠCH\\n"
    ...     "Tổ chức Tháng Thanh niên năm 2022\\nCăn cứ Nghị quyết ngày 1/1/2020 ...")
    >>> meta.title, meta.date, meta.number, meta.kind
    ('Kế hoạch tổ chức Tháng Thanh niên năm 2022', '2022-04-28', '12-KH/ĐTN', 'plan')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.text import fold, is_capitals

# Document types, longest first ("thông tư liên tịch" before "thông tư"), with the kind each means.
DOC_TYPES: list[tuple[str, str]] = [
    ("thông tư liên tịch", "law"), ("nghị quyết liên tịch", "resolution"), ("bộ luật", "law"),
    ("luật", "law"), ("pháp lệnh", "law"), ("nghị định", "law"), ("thông tư", "law"),
    ("nghị quyết", "resolution"), ("quyết định", "decision"), ("chỉ thị", "directive"),
    ("kế hoạch", "plan"), ("chương trình", "plan"), ("đề án", "plan"), ("hướng dẫn", "guide"),
    ("báo cáo", "report"), ("tờ trình", "report"), ("thông báo", "announcement"), ("thông tri", "announcement"),
    ("công văn", "letter"), ("điều lệ", "charter"), ("quy chế", "regulation"), ("quy định", "regulation"),
    ("biên bản", "minutes"), ("hợp đồng", "contract"), ("lời kêu gọi", "announcement"),
]
_FOLDED_TYPES = [(fold(name), name, kind) for name, kind in DOC_TYPES]
# Names whose capitals survive when an all-caps summary is written in sentence case.
PROPER_NAMES = ["Việt Nam", "Hồ Chí Minh", "Đoàn Thanh niên Cộng sản", "Đoàn TNCS", "Công đoàn Việt Nam",
                "Đảng Cộng sản", "Hội Liên hiệp Thanh niên", "Hội Sinh viên", "Quốc hội", "Chính phủ", "Đội Thiếu niên",
                "Tiền phong", "Thanh niên", "Tổ quốc", "Nhà nước", "Đảng", "Đoàn"]
CAPITALISED_TYPES = {"luật", "bộ luật", "pháp lệnh", "điều lệ"}  # "Luật An ninh mạng", "Điều lệ Đoàn ..."

MOTTO = re.compile(r"^(cong hoa xa hoi chu nghia viet nam|doc lap\W+tu do\W+hanh phuc)\W*$")
SEPARATOR = re.compile(r"^[\W_]*$")
DATE_WORDS = (r"ngày\s+(\d{1,2})\s*(?:tháng|/|-|\.)\s*(\d{1,2})\s*(?:năm|/|-|\.)\s*(\d{4})")
PLACE_DATE = re.compile(r"^(?P<place>[A-ZĐÀ-Ỹa-zđà-ỹ][^\d,|:]{1,40}?)\s*,\s*" + DATE_WORDS, re.IGNORECASE)
ANY_DATE = re.compile(DATE_WORDS + "|" + r"ngày\s+(\d{1,2})/(\d{1,2})/(\d{4})", re.IGNORECASE)
TODAY_DATE = re.compile(r"^hôm nay\s*,?\s*" + DATE_WORDS, re.IGNORECASE)
PASSED_DATE = re.compile(r"thông qua ngày\s+(?:(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
                         r"|(\d{1,2})/(\d{1,2})/(\d{4}))",
                         re.IGNORECASE)
NUMBER = re.compile(r"\bsố\s*:?\s*(\d[\w.]*(?:\s*[/-]\s*[\w.Đđ&]+)+)", re.IGNORECASE)
ABOUT = re.compile(r"^(?:v/v|về việc|vv)\s*:?\s*", re.IGNORECASE)
SUMMARY_PREFIX = re.compile(
    r"^(?:của\s+[^\d]{2,60}?\s+)?(?:số\s*:?\s*\S+\s*)?(?:" + DATE_WORDS + r")?\s*", re.IGNORECASE)
NUMBERING = re.compile(r"^(?:\d{1,2}[.)]|[IVX]{1,4}[.)])\s+")
HEAD_LINES = 45
TAIL_LINES = 40
MAX_TITLE = 240  # a legal summary ("trích yếu") often runs to 200 characters


@dataclass
class DocMeta:
    title: str | None = None
    date: str | None = None  # ISO; None: the document states no date
    number: str | None = None  # "12-KH/ĐTN"
    issuer: str | None = None
    kind: str | None = None


def _cells(text: str, limit: int | None, from_end: bool = False) -> list[str]:
    """The first (or last) ``limit`` lines, table rows split into their cells (" | ").

    A blank line stays as "" (it ends a title block); runs of blank lines are one "".
    """
    lines = [line.strip() for line in text.split("\n")]
    filled = [i for i, line in enumerate(lines) if line]
    if limit and filled:
        keep = min(limit, len(filled))
        lines = lines[filled[-keep]:] if from_end else lines[:filled[keep - 1] + 1]
    out: list[str] = []
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        out.extend(cell.strip() for cell in line.split(" | ") if cell.strip())
    return out


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _first_date(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    groups = [g for g in match.groups() if g and g.isdigit()]
    return _iso(*groups[:3]) if len(groups) >= 3 else None


def _type_of(line: str, position: int) -> tuple[str, str, str] | None:
    """(type name, kind, rest of the line) when ``line`` is a document-type line."""
    if not line or line.endswith(":") or len(line) > 300:
        return None  # "QUYẾT ĐỊNH:" opens the operative part, not the title
    bare = NUMBERING.sub("", line)
    folded = fold(bare)
    for ftype, name, kind in _FOLDED_TYPES:
        if folded == ftype or folded.startswith(ftype + " "):
            words = len(name.split())
            rest = " ".join(bare.split()[words:])
            head = " ".join(bare.split()[:words])
            if is_capitals(head) or not rest or position < 3 or fold(rest).startswith("cua "):
                return name, kind, rest
    return None


def _sentence_case(summary: str, capitalise: bool) -> str:
    if is_capitals(summary):
        summary = summary.lower()
        for name in PROPER_NAMES:
            summary = re.sub(rf"\b{re.escape(name.lower())}\b", name, summary)
    if summary:
        words = summary.split()
        # "Tổ chức Tháng Thanh niên" -> "tổ chức Tháng Thanh niên"; but "Tháng Thanh niên ..."
        # starts a name (its next word is capitalised too) and keeps its capital.
        starts_name = (len(words) > 1 and words[1][:1].isupper()) or any(summary.startswith(n) for n in PROPER_NAMES)
        first = summary[0].upper() if capitalise else summary[0] if starts_name else summary[0].lower()
        summary = first + summary[1:]
    return summary


def _cites_issue(folded: str) -> bool:
    """A line saying who issued the document, its number or its date ("của Chính phủ",
    "số 29/1998", "ngày 25 tháng 6"), not a title that starts with such a word ("Ngày hội
    Thanh niên", "Sổ tay đoàn viên")."""
    return folded.startswith("cua ") or re.match(r"(so|ngay)\s*:?\s*\d", folded) is not None


def _summary(cells: list[str], start: int, first: str) -> str:
    """The summary lines under a type line, until the body starts.

    Lines that only say who issued it, its number or its date ("của Chính phủ số
    29/1998/NĐ-CP", "ngày 25 tháng 6 năm 2004 về việc ...") keep only what follows
    "về việc".
    """
    parts: list[str] = []
    style_upper: bool | None = None
    if first and _cites_issue(fold(first)):  # "Nghị định của Chính phủ"
        about = re.search(r"\b(về việc|v/v)\s*:?\s*", first, re.IGNORECASE)
        first = first[about.end():] if about else ""
    if first and not is_capitals(first):
        # "Hướng dẫn đóng đoàn phí" on its own line is the whole title, unless the next
        # lines carry on its sentence in lower case.
        follow = []
        for cell in cells[start:start + 3]:
            if not cell or not cell[0].islower():
                break
            follow.append(cell)
        cells, start = follow, 0
    candidates = [first] if first else []
    blank_ok = not first  # one blank line may separate the type line from its summary
    for cell in cells[start:start + 8]:
        if not cell:
            if len(candidates) > (1 if first else 0) or not blank_ok:
                break
            blank_ok = False
            continue
        candidates.append(cell)
    for cell in candidates:
        folded = fold(cell)
        if (MOTTO.match(folded) or SEPARATOR.match(cell) or folded.startswith(("can cu", "kinh gui", "dieu 1", "so:"))
                or (folded.startswith("so ") and NUMBER.match(cell)) or PLACE_DATE.match(cell)):
            if parts:
                break
            continue
        if not parts and _cites_issue(folded):
            about = re.search(r"\b(về việc|v/v)\s*:?\s*", cell, re.IGNORECASE)
            if about is None:
                continue
            cell = cell[about.end():]
        upper = is_capitals(cell)
        if style_upper is None:
            style_upper = upper
        elif upper != style_upper:
            break
        parts.append(cell)
        if sum(len(p) for p in parts) > 2 * MAX_TITLE:
            break
    summary = " ".join(" ".join(parts).split())
    # Dates cited inside a title ("Thông tư số 40/2000/TT-BTC ngày 15/5/2000 của ...") only lengthen it.
    summary = re.sub(r"\s+ngày\s+\d{1,2}\s*(?:/|tháng)\s*\d{1,2}\s*(?:/|năm)\s*\d{4}", "", summary)
    summary = re.sub(r"(\d)\s+/\s*(?=[\dA-ZĐ])", r"\1/", summary)  # "40/2000 /TT-BTC" -> "40/2000/TT-BTC"
    return ABOUT.sub("", summary).strip(" ,;:-–")


def _clip(title: str) -> str:
    title = " ".join(title.split()).strip(" ,;:-–")
    if len(title) <= MAX_TITLE:
        return title
    return title[:MAX_TITLE].rsplit(" ", 1)[0].rstrip(" ,;:-–") + " …"


def _issuer(cells: list[str], stop: int) -> str | None:
    """The letterhead's issuing body: lines in capitals above the title, not the motto."""
    names = []
    for cell in cells[:stop]:
        if not cell:
            continue
        folded = fold(cell)
        if MOTTO.match(folded) or SEPARATOR.match(cell) or NUMBER.search(cell) or PLACE_DATE.match(cell):
            continue
        if not (is_capitals(cell) and len(cell) <= 80):
            break
        names.append(cell)
        if len(names) == 2:
            break
    return " – ".join(names) or None


def _fallback_title(cells: list[str]) -> str | None:
    """No type line: the first heading after the letterhead, with the lines that carry it on."""
    skip = re.compile(r"^(chuong|phan|muc|phu luc)\s+[\divxlc]+\W*$")
    mottos = [i for i, cell in enumerate(cells) if MOTTO.match(fold(cell))]
    start = mottos[-1] + 1 if mottos else 0
    block: list[str] = []
    for cell in cells[start:]:
        folded = fold(cell)
        if not cell:
            if block:
                break
            continue
        if (SEPARATOR.match(cell) or skip.match(folded) or NUMBER.match(cell) or (folded.startswith("so")
                and NUMBER.search(cell)) or PLACE_DATE.match(cell) or len(cell) < 4 or cell.isdigit()):
            if block:
                break
            continue
        if block and (is_capitals(cell) != is_capitals(block[0]) or folded.startswith("can cu")
                      or re.search(r"[.:;!?]$", block[-1]) or len(block) == 3):
            break
        block.append(NUMBERING.sub("", cell) if not block else cell)
    if not block:
        return None
    heading = " ".join(block)
    if is_capitals(heading):
        return _sentence_case(heading, capitalise=True)
    # "Trường Đại học A thông báo tuyển sinh ...": the notice is the title, not who sends it.
    verb = re.search(r"\s(thông báo|hướng dẫn|kế hoạch|báo cáo)\s", heading)
    if verb and 2 <= len(heading[:verb.start()].split()) <= 12 and heading[0].isupper():
        return heading[verb.start() + 1].upper() + heading[verb.start() + 2:]
    return heading


def _cites(cell: str, match: re.Match[str]) -> bool:
    """A date that belongs to another document: "Căn cứ ...", "Quyết định số 12/QĐ ngày ..."."""
    before = cell[:match.start()]
    return fold(cell).startswith(("can cu", "theo ")) or NUMBER.search(before) is not None


def find_date(cells_head: list[str], cells_tail: list[str], title_block: list[str],
              cited_ok: bool = True) -> str | None:
    """The document's own date, by the order a reader looks for it (see module docstring).

    ``cited_ok``: the title block is a type line's (its "số ... ngày ..." is the document's
    own); without a type line, a date after another document's number is a citation.
    """
    for cell in cells_head:
        if (found := _first_date(PLACE_DATE.match(cell))):
            return found
    for cell in title_block:
        match = ANY_DATE.search(cell)
        if match and not (cited_ok is False and _cites(cell, match)) and (found := _first_date(match)):
            return found
    for cell in cells_head + cells_tail:
        if (found := _first_date(TODAY_DATE.match(cell))):
            return found
    for cell in reversed(cells_tail):
        if (found := _first_date(PLACE_DATE.match(cell))):
            return found
    for cell in reversed(cells_tail):
        if (found := _first_date(PASSED_DATE.search(cell))):
            return found
    return None


def read_metadata(text: str) -> DocMeta:
    """Metadata stated in the document's text (fields it does not state stay None)."""
    head = _cells(text, HEAD_LINES)
    tail = _cells(text, TAIL_LINES, from_end=True)
    meta = DocMeta()
    for cell in head:
        if (match := NUMBER.search(cell)) and len(cell) < 120 and not fold(cell).startswith(("can cu", "theo")):
            meta.number = re.sub(r"\s*([/-])\s*", r"\1", match.group(1)).rstrip(".")
            break
    type_at = None
    for i, cell in enumerate(head):
        if fold(cell) in ("phu luc",):
            continue
        found = _type_of(cell, i)
        if found:
            type_at = i
            name, kind, rest = found
            summary = _summary(head, i + 1, rest)
            capitalise = name in CAPITALISED_TYPES
            type_name = name[0].upper() + name[1:]
            meta.title = _clip(f"{type_name} {_sentence_case(summary, capitalise)}" if summary else type_name)
            meta.kind = kind
            break
    if meta.title is None:
        for cell in head:
            if (about := ABOUT.match(cell)) and len(cell) > about.end() + 5:
                meta.title = _clip("Công văn về việc " + _sentence_case(cell[about.end():], False))
                meta.kind = "letter"
                break
    if meta.title is None:
        fallback = _fallback_title(head)
        meta.title = _clip(fallback) if fallback else None
    # The type line and what follows it; without one, the first lines (a news article's lead).
    title_block = head[type_at:type_at + 5] if type_at is not None else [c for c in head if c][:4]
    meta.date = find_date(head, tail, title_block, cited_ok=type_at is not None)
    meta.issuer = _issuer(head, type_at if type_at is not None else 6)
    return meta
