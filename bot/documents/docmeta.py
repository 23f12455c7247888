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
    ('Kế hoạch tổ chức Tháng Thanh niên năm 2022', '2022-04-28', '12-KH/ĐTN', <Kind.PLAN: 'plan'>)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.kinds import Kind
from bot.text import fold, is_capitals

# Document types, longest first ("thông tư liên tịch" before "thông tư"), with the kind each means.
DOC_TYPES: list[tuple[str, Kind]] = [
    ("thông tư liên tịch", Kind.LAW), ("nghị quyết liên tịch", Kind.RESOLUTION), ("bộ luật", Kind.LAW),
    ("luật", Kind.LAW), ("pháp lệnh", Kind.LAW), ("nghị định", Kind.LAW), ("thông tư", Kind.LAW),
    ("nghị quyết", Kind.RESOLUTION), ("quyết định", Kind.DECISION), ("chỉ thị", Kind.DIRECTIVE),
    ("kế hoạch", Kind.PLAN), ("chương trình", Kind.PLAN), ("đề án", Kind.PLAN), ("hướng dẫn", Kind.GUIDE),
    ("báo cáo", Kind.REPORT), ("tờ trình", Kind.REPORT), ("thông báo", Kind.ANNOUNCEMENT),
    ("thông tri", Kind.ANNOUNCEMENT),
    ("công văn", Kind.LETTER), ("điều lệ", Kind.CHARTER), ("quy chế", Kind.REGULATION), ("quy định", Kind.REGULATION),
    ("biên bản", Kind.MINUTES), ("hợp đồng", Kind.CONTRACT), ("lời kêu gọi", Kind.ANNOUNCEMENT),
    ("bản tự kiểm điểm", Kind.REPORT), ("bản kiểm điểm", Kind.REPORT), ("bản cam kết", Kind.LETTER),
    ("giấy mời", Kind.ANNOUNCEMENT), ("giấy giới thiệu", Kind.LETTER), ("danh sách", Kind.REPORT),
    ("đơn đăng ký", Kind.LETTER), ("đơn đề nghị", Kind.LETTER), ("đơn xin", Kind.LETTER), ("tờ khai", Kind.LETTER),
]
_FOLDED_TYPES = [(fold(name), name, kind) for name, kind in DOC_TYPES]
_FOLDED_TYPE_NAMES = tuple(ftype for ftype, _, _ in _FOLDED_TYPES)
DOC_TYPE_PREFIXES = tuple(ftype for ftype, _, _ in _FOLDED_TYPES if ftype.startswith("ban "))
# Names whose capitals survive when an all-caps summary is written in sentence case.
PROPER_NAMES = ["Việt Nam", "Hồ Chí Minh", "Đoàn Thanh niên Cộng sản", "Đoàn TNCS", "Công đoàn Việt Nam",
                "Đảng Cộng sản", "Hội Liên hiệp Thanh niên", "Hội Sinh viên", "Quốc hội", "Chính phủ", "Đội Thiếu niên",
                "Tiền phong", "Thanh niên", "Tổ quốc", "Nhà nước", "Đảng", "Đoàn"]
CAPITALISED_TYPES = {"luật", "bộ luật", "pháp lệnh", "điều lệ"}  # "Luật An ninh mạng", "Điều lệ Đoàn ..."

MOTTO = re.compile(r"^(cong hoa xa hoi chu nghia viet nam|doc lap\W+tu do\W+hanh phuc)\W*$")
SEPARATOR = re.compile(r"^[\W_]*$")
# Dates are matched on the folded text (no marks, lower case), so that a mark OCR put wrong
# ("ngày 16 thảng 12 năm 2011") does not hide one; a dotted fill ("ngày …25..tháng 01") and
# a missing space ("năm1998") are taken as they are printed.
_FILL = r"[\s.…_]*"
# "ngày 20, 21 tháng 03 năm 2002" (a two-day conference): its first day.
DAY_MONTH_YEAR = (r"(\d{1,2})(?:\s*(?:,|-|–|va)\s*\d{1,2})*" + _FILL + r"(?:thang|/|-|\.)" + _FILL
                  + r"(\d{1,2})" + _FILL
                  + r"(?:nam|/|-|\.)" + _FILL + r"(\d{4})(?!\d)")
DATE_WORDS = r"\bngay" + _FILL + DAY_MONTH_YEAR
# A place-and-date line: "Hà Nội, ngày 28 tháng 4 năm 2022", "TP. Hồ Chí Minh, ngày ...",
# alone, in a letterhead cell, after separators or after the number on the same line.
_PLACE = r"(?P<place>[a-z][a-z .\-]{1,40}?)\s*,\s*"
_BEFORE_PLACE = r"^(?:[\W_]*|so\s*:?\s*[\w./-]+(?:\s*/\s*[\w.-]+)*\s+)"
PLACE_DATE = re.compile(_BEFORE_PLACE + _PLACE + DATE_WORDS)
# The same line left blank in a template ("....., ngày … tháng … năm 2026"): the date is unknown.
BLANK_PLACE_DATE = re.compile(r"^(?:[\W_]*|[a-z][a-z .\-]{0,40}?\s*,\s*)ngay(?:[\s.…_]*$|[\s.…_]*thang)")
ANY_DATE = re.compile(DATE_WORDS)
TODAY_DATE = re.compile(r"^hom nay\s*,?\s*" + DATE_WORDS)
PASSED_DATE = re.compile(r"thong qua\s+" + DATE_WORDS)
NOT_A_PLACE = ("can cu", "theo ", "thong qua", "hom nay", "ke tu", "tu ngay")
NUMBER = re.compile(r"\bsố\s*:?\s*(\d[\w.]*(?:\s*[/-]\s*[\w.Đđ&]+)+)", re.IGNORECASE)
ABOUT = re.compile(r"^(?:v/v|về việc|vv)\s*:?\s*", re.IGNORECASE)
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
    kind: Kind | None = None


def _cells(text: str, limit: int | None, from_end: bool = False) -> list[str]:
    """The first (or last) ``limit`` lines, table rows split into their cells (the readers
    join a Word table's cells with " | "; RTF and old Word rows come as "|a||b|").

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
        out.extend(cell.strip() for cell in line.split("|") if cell.strip())
    return _mend(out)


# A letterhead line that a narrow cell or a PDF's layout broke goes on in the next line:
# "Bắc Ninh, ngày" / "18 tháng 11 năm 2025", "Số:" / "71/2025/QĐ-UBND", "THÔNG" / "TƯ".
_BROKEN_DATE = re.compile(r"(?:,|\b(?:ngay|thang)(?:[\s.…_]*\d{1,2})?|\bnam)\s*$")
_DATE_GOES_ON = re.compile(r"^(?:\d|thang\b|nam\b|ngay\b)")
_BROKEN_NUMBER = re.compile(r"^so\s*:?\s*$")


def _mend(cells: list[str]) -> list[str]:
    """``cells`` with a broken place-and-date line, number line or type line joined to the
    line it goes on in (over one blank line at most)."""
    out: list[str] = []
    i = 0
    while i < len(cells):
        cell, i = cells[i], i + 1
        while cell:  # the joined line may be broken again ("Hà Nội," / "ngày" / "02 tháng 12 ...")
            following = i + 1 if i + 1 < len(cells) and not cells[i] else i  # over one blank line
            if following >= len(cells) or not cells[following] or not _joins(cell, cells[following]):
                break
            cell, i = f"{cell} {cells[following]}", following + 1
        out.append(cell)
    return out


def _joins(cell: str, following: str) -> bool:
    folded, after = fold(cell), fold(following)
    if len(cell) > 80:
        return False
    if _BROKEN_NUMBER.match(folded):
        return following[:1].isdigit()
    if _BROKEN_DATE.search(folded) and _DATE_GOES_ON.match(after) and ("ngay" in folded or "ngay" in after):
        return bool(re.search(r"[a-z]", folded)) and not folded.startswith(("can cu", "theo "))
    if is_capitals(cell) and len(cell.split()) == 1 and is_capitals(following):
        joined = f"{folded} {after}"
        return any(joined == ftype or joined.startswith(ftype + " ") for ftype, _, _ in _FOLDED_TYPES
                   if " " in ftype and not folded.startswith(ftype))
    return False


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


def place_date(cell: str) -> str | None:
    """The date of a place-and-date line ("Phúc Thịnh, ngày 05 tháng 01 năm 2025"), as ISO."""
    return _place_date(fold(cell))


def _place_date(folded: str) -> str | None:
    match = PLACE_DATE.match(folded)
    if match is None or match.group("place").strip().startswith(NOT_A_PLACE):
        return None
    return _first_date(match)


def _is_place_date_line(cell: str) -> bool:
    folded = fold(cell)
    return _place_date(folded) is not None or BLANK_PLACE_DATE.match(folded) is not None


def _type_of(line: str, position: int) -> tuple[str, Kind, str] | None:
    """(type name, kind, rest of the line) when ``line`` is a document-type line.

    "Bản Quy định ...", "BẢN TỰ KIỂM ĐIỂM": the article "bản" is not part of the type.
    """
    if not line or line.endswith(":") or len(line) > 300:
        return None  # "QUYẾT ĐỊNH:" opens the operative part, not the title
    bare = NUMBERING.sub("", line)
    folded = fold(bare)
    if folded.startswith("ban ") and not folded.startswith(DOC_TYPE_PREFIXES):
        bare = bare[4:].lstrip()
        folded = fold(bare)
    for ftype, name, kind in _FOLDED_TYPES:
        if folded == ftype or folded.startswith(ftype + " "):
            words = len(name.split())
            rest = " ".join(bare.split()[words:])
            head = " ".join(bare.split()[:words])
            if rest and ISSUE_NUMBER.sub("", rest) == "":
                return None  # "Luật số: 60/2024/QH15": the number line, the type line is below
            if is_capitals(head) or not rest or position < 3 or fold(rest).startswith(("cua ", "lien tich")):
                return name, kind, rest
    return None


_WORD = re.compile(r"[^\W\d_]+")
_CITED_TYPE = re.compile(r"\b(" + "|".join(re.escape(name) for name, _ in DOC_TYPES) + r")(?=\s+số\s+\d)")


def capitalised_names(text: str) -> dict[str, str]:
    """Names the document's own running text writes with capitals inside a sentence ("Sở Tư
    pháp", "Đồng Nai", "Bùi Thanh Sơn"), by their lower-case form: an all-caps summary gets
    them back when it is written in sentence case. Runs of two capitalised words or more,
    never a sentence's first word nor a document type ("theo Quyết định số ...")."""
    names: dict[str, str] = {}

    def keep(line: str, run: list[re.Match[str]]) -> None:
        before = line[:run[0].start()].rstrip() if run else ""
        if run and (not before or before[-1] in ".!?:;“\"("):
            run = run[1:]  # a sentence's first word is capitalised anyway
        name = " ".join(match.group(0) for match in run)
        if len(run) >= 2 and not fold(name).startswith(_FOLDED_TYPE_NAMES):
            names.setdefault(name.lower(), name)

    for line in text.split("\n"):
        if not line.strip() or is_capitals(line):
            continue
        run: list[re.Match[str]] = []
        for match in _WORD.finditer(line):
            word = match.group(0)
            if not (word[0].isupper() and not word.isupper()):
                keep(line, run)
                run = []
            elif run and line[run[-1].end():match.start()].isspace():
                run.append(match)
            else:
                keep(line, run)
                run = [match]
        keep(line, run)
    return names


def _sentence_case(summary: str, capitalise: bool, names: dict[str, str] | None = None) -> str:
    if is_capitals(summary):
        summary = summary.lower()
        for name in PROPER_NAMES:
            summary = re.sub(rf"\b{re.escape(name.lower())}\b", name, summary)
        # A cited document keeps its capitals ("Nghị quyết số 214/NQ-CP", "18/2019/NĐ-CP").
        summary = re.sub(r"\b\d[\w.]*(?:/[\w.-]+)+", lambda m: m.group(0).upper(), summary)
        summary = _CITED_TYPE.sub(lambda m: m.group(1)[0].upper() + m.group(1)[1:], summary)
        for lower, name in sorted((names or {}).items(), key=lambda item: -len(item[0])):
            summary = re.sub(rf"\b{re.escape(lower)}\b", name, summary)
    if summary:
        words = summary.split()
        # "Tổ chức Tháng Thanh niên" -> "tổ chức Tháng Thanh niên"; but "Tháng Thanh niên ..."
        # starts a name (its next word is capitalised too) and keeps its capital.
        starts_name = (len(words) > 1 and words[1][:1].isupper()) or any(summary.startswith(n) for n in PROPER_NAMES)
        first = summary[0].upper() if capitalise else summary[0] if starts_name else summary[0].lower()
        summary = first + summary[1:]
    return summary


# Where the title block ends and the body begins.
BODY_START = ("can cu", "kinh gui", "theo de nghi", "xet de nghi", "thuc hien ", "dieu 1", "chuong ", "phan thu",
              "so:", "noi nhan")
# The authority heading between the title and "Căn cứ ..." ("CHÍNH PHỦ", "BỘ TRƯỞNG BỘ TÀI CHÍNH").
AUTHORITY = re.compile(r"^(chinh phu|quoc hoi|bo truong|uy ban nhan dan|ban chap hanh|ban thuong vu|chu tich|"
                       r"thu tuong|hoi dong|ban chi dao|ban to chuc|tong giam doc|giam doc|hieu truong)\b")
# The issue citation that may open the summary: "của Chính phủ số 115/2003/NĐ-CP ngày 10/10/2003 về ...".
ISSUE_STOP = re.compile(r"\b(?:so\s*:?\s*\d|ngay[\s.…_]*\d|ve viec\b|v/v|ve\b)")
ISSUE_NUMBER = re.compile(r"^số\s*:?\s*[\w.…]+(?:\s*[/-]\s*[\w.Đđ&…]+)*\s*,?\s*", re.IGNORECASE)
ISSUE_DATE = re.compile(r"^(?:ngày|ngay)[\s.…_]*\d{1,2}[\s.…_]*(?:tháng|thang|/|-)[\s.…_]*\d{1,2}[\s.…_]*"
                        r"(?:năm|nam|/|-)[\s.…_]*\d{4}\s*,?\s*", re.IGNORECASE)
ATTACHED = re.compile(r"^\(?\s*(?:ban hành )?kèm theo\b", re.IGNORECASE)  # "(Ban hành kèm theo Quyết định số ...)"
FORM_FIELD = re.compile(r"(?:\.{3,}|…)")


def _strip_issue(text: str, issuer_open: bool) -> tuple[str, bool]:
    """``text`` less the issue citation it opens with; and whether an issuer named at the end of
    the line goes on in the next one ("liên tịch của Bộ Tài chính - Công nghiệp -")."""
    folded = fold(text)
    if folded.startswith("lien tich"):
        text, folded, issuer_open = text[9:].lstrip(), folded[9:].lstrip(), True
    if folded.startswith(("cua ", "giua ")) or issuer_open:
        stop = ISSUE_STOP.search(folded)
        if stop is None:
            return "", text.rstrip().endswith(("-", ",", "và"))
        text = text[stop.start():]
    text = ISSUE_NUMBER.sub("", text)
    text = ISSUE_DATE.sub("", text)
    return text, False


def _summary_lines(cells: list[str], start: int, first: str) -> tuple[list[str], int]:
    """The summary ("trích yếu") under a type line, and the index of the last cell it uses.

    The summary may open with the issue citation ("của Chính phủ số ... ngày ...", as Công
    báo copies print it), which is dropped; it ends where the body begins ("Căn cứ ...", the
    authority's heading, a change from capitals to sentence case, a blank line after it),
    except that a quoted name ("Tổ chức chương trình “Tiếp sức mùa thi ...”") is kept whole.
    """
    parts: list[str] = []
    style_upper: bool | None = None
    issuer_open = False
    end = start - 1
    rest = [first] if first else []
    follow = cells[start:start + 14]
    cites = re.match(r"(cua|lien tich|giua)\b|(so|ngay)\s*:?\s*\d", fold(first)) if first else None
    if first and not is_capitals(first) and not cites:
        # "Hướng dẫn đóng đoàn phí" on its own line is the whole title, unless the next
        # lines carry on its sentence in lower case.
        carried = []
        for cell in follow:
            if not cell or not cell[0].islower():
                break
            carried.append(cell)
        follow = carried
    after_blank = False
    for offset, cell in enumerate(rest + follow):
        at = start - 1 + offset if rest else start + offset
        joined = " ".join(parts)
        quote_open = joined.count("“") > joined.count("”") or joined.count('"') % 2 == 1
        if not cell:
            after_blank = bool(parts)  # blank lines before the summary are skipped
            continue
        if after_blank and not quote_open and not (cell[0].islower() and not style_upper):
            break  # after a blank line only a sentence carried on in lower case continues it
        after_blank = False
        folded = fold(cell)
        if not quote_open:
            if (folded.startswith(BODY_START) or MOTTO.match(folded) or ATTACHED.match(cell)
                    or (parts and AUTHORITY.match(folded) and len(cell.split()) <= 10)):
                break
            if SEPARATOR.match(cell) or _is_place_date_line(cell) or (folded.startswith("so ") and NUMBER.match(cell)):
                if parts:
                    break
                continue
            if FORM_FIELD.search(cell) and not parts:
                continue  # "Đợt……../200…" beside a form's title
        if not parts:
            cell, issuer_open = _strip_issue(cell, issuer_open)
            cell = ABOUT.sub("", cell).strip(" ,;:-–")
            if not cell:
                end = at
                continue
        upper = is_capitals(cell)
        if style_upper is None:
            style_upper = upper
        elif upper != style_upper and not quote_open:
            break
        parts.append(cell)
        end = at
        if sum(len(p) for p in parts) > 2 * MAX_TITLE:
            break
    return parts, end


def _summary(cells: list[str], start: int, first: str) -> tuple[str, int]:
    parts, end = _summary_lines(cells, start, first)
    summary = " ".join(" ".join(parts).split())
    # Dates cited inside a title ("Thông tư số 40/2000/TT-BTC ngày 15/5/2000 của ...") only lengthen it.
    summary = re.sub(r"\s+ngày\s+\d{1,2}\s*(?:/|tháng)\s*\d{1,2}\s*(?:/|năm)\s*\d{4}", "", summary)
    summary = re.sub(r"(\d)\s+/\s*(?=[\dA-ZĐ])", r"\1/", summary)  # "40/2000 /TT-BTC" -> "40/2000/TT-BTC"
    summary = re.sub(r"(số)\s*:\s*", r"\1 ", summary)  # "Nghị định số: 89/2002" -> "Nghị định số 89/2002"
    return ABOUT.sub("", summary).strip(" ,;:-–."), end


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
        if MOTTO.match(folded) or SEPARATOR.match(cell) or NUMBER.search(cell) or _is_place_date_line(cell):
            continue
        if not (is_capitals(cell) and len(cell) <= 80):
            break
        names.append(cell)
        if len(names) == 2:
            break
    return " – ".join(names) or None


# A form's code on its own line above the title ("B1-2-TMDA", "Mẫu số 01/KH"), not the title.
FORM_CODE = re.compile(r"^(?:mau\s*(?:so)?\s*:?\s*)?[a-z]{0,4}\d[\w./-]*$")
# A quoted heading near the top ("“Phát triển công nghệ mới: nền kinh tế mới ...”"): a paper's
# or a programme's own name, under the event or series it belongs to.
QUOTE_OPEN = ("“", '"', "«")
QUOTE_CLOSE = ("”", '"', "»")


def _quoted_heading(cells: list[str], start: int) -> str | None:
    """The first quoted heading of at most three lines in the opening lines after ``start``,
    before any paragraph of running text."""
    for i in range(start, min(start + 12, len(cells))):
        cell = cells[i]
        if len(cell) > 200:
            return None  # running text began: no heading below counts
        if not cell.startswith(QUOTE_OPEN):
            continue
        parts = []
        for part in cells[i:i + 3]:
            if not part:
                break
            parts.append(part)
            if part.rstrip(" .").endswith(QUOTE_CLOSE) and (len(parts) > 1 or len(part.strip(" .")) > 1):
                heading = " ".join(parts).strip(" .")
                heading = heading.strip("".join(QUOTE_OPEN + QUOTE_CLOSE)).strip()
                return heading if len(heading.split()) >= 3 else None
        return None
    return None


def _fallback_title(cells: list[str]) -> str | None:
    """No type line: the first heading after the letterhead, with the lines that carry it on
    (a quoted heading under an event line is the document's own name)."""
    skip = re.compile(r"^(chuong|phan|muc|phu luc)\s+[\divxlc]+\W*$")
    mottos = [i for i, cell in enumerate(cells) if MOTTO.match(fold(cell))]
    start = mottos[-1] + 1 if mottos else 0
    if (quoted := _quoted_heading(cells, start)) is not None:
        return quoted
    block: list[str] = []
    blocks = 0
    for cell in cells[start:]:
        folded = fold(cell)
        if not cell:
            if block:
                break
            continue
        if SEPARATOR.match(cell) and block and blocks == 0 and len(block) <= 2:
            # The issuing body's cell, underlined ("Ban chỉ đạo ..." / "--------"): the title is below.
            block, blocks = [], 1
            continue
        if (SEPARATOR.match(cell) or skip.match(folded) or NUMBER.match(cell) or (folded.startswith("so")
                and NUMBER.search(cell)) or _is_place_date_line(cell) or len(cell) < 4 or cell.isdigit()
                or FORM_FIELD.search(cell) or (not block and FORM_CODE.match(folded))):
            if block:
                break
            continue
        if block and (is_capitals(cell) != is_capitals(block[0]) or folded.startswith("can cu")
                      or ATTACHED.match(cell) or re.search(r"[.:;!?]$", block[-1]) or len(block) == 3):
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


def _cites(folded: str, match: re.Match[str]) -> bool:
    """A date after another document's number ("Quyết định số 12/QĐ ngày ...") is that document's."""
    return re.search(r"\bso\s*:?\s*\d", folded[:match.start()]) is not None


def find_date(cells_head: list[str], cells_tail: list[str], title_block: list[str],
              cited_ok: bool = True) -> str | None:
    """The document's own date, in the order a reader looks for it.

    1. The place-and-date line of the letterhead (a blank one, as a template leaves it,
       means the date is unknown: never a guess from the body).
    2. The title block's own "số ... ngày ..." (Công báo copies; an attached regulation's
       "Ban hành kèm theo Quyết định số ... ngày ..."). ``cited_ok``: the block is a type
       line's; without one, a date after another document's number is a citation.
    3. "Hôm nay, ngày ..." (minutes).
    4. The place-and-date line on the last page, above the signature.
    5. A law's closing "thông qua ngày ...".
    """
    head = [fold(cell) for cell in cells_head]
    tail = [fold(cell) for cell in cells_tail]
    for folded in head:
        if (found := _place_date(folded)):
            return found
        if BLANK_PLACE_DATE.match(folded):
            return None
    for cell in title_block:
        folded = fold(cell)
        if folded.startswith(("can cu", "theo ")):  # another document's date, cited
            continue
        match = ANY_DATE.search(folded)
        attached = ATTACHED.match(cell) is not None  # "(Kèm theo Quyết định số ... ngày ...)": its date
        if match and (cited_ok or attached or not _cites(folded, match)) and (found := _first_date(match)):
            return found
    for folded in head + tail:
        if (found := _first_date(TODAY_DATE.match(folded))):
            return found
    for folded in reversed(tail):
        if (found := _place_date(folded)):
            return found
    for folded in reversed(tail):
        if (found := _first_date(PASSED_DATE.search(folded))):
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
    type_at: int | None = None
    title_end = 0  # the last cell of the type line's block
    for i, cell in enumerate(head):
        if fold(cell) in ("phu luc",):
            continue
        found = _type_of(cell, i)
        if found:
            type_at = i
            name, kind, rest = found
            following = next((c for c in head[i + 1:i + 4] if c), "")
            if fold(rest or following).startswith("lien tich") and name in ("thông tư", "nghị quyết"):
                name = f"{name} liên tịch"
            summary, title_end = _summary(head, i + 1, rest)
            capitalise = name in CAPITALISED_TYPES
            type_name = name[0].upper() + name[1:]
            names = capitalised_names(text) if is_capitals(summary) else None
            meta.title = _clip(f"{type_name} {_sentence_case(summary, capitalise, names)}" if summary else type_name)
            meta.kind = kind
            break
    if meta.title is None:
        for cell in head:
            if (about := ABOUT.match(cell)) and len(cell) > about.end() + 5:
                meta.title = _clip("Công văn về việc " + _sentence_case(cell[about.end():], False))
                meta.kind = Kind.LETTER
                break
    if meta.title is None:
        fallback = _fallback_title(head)
        meta.title = _clip(fallback) if fallback else None
    if meta.title:
        meta.title = meta.title[0].upper() + meta.title[1:]  # a heading whose capitals a legacy font lost
    if type_at is not None:
        # The type line, its summary and the note under it: "(Ban hành kèm theo Quyết định số ...
        # ngày ...)", "(Đại hội ... thông qua ngày ...)", a "ngày ..." line.
        title_block = head[type_at:title_end + 1]
        title_block += [c for c in head[title_end + 1:title_end + 4]
                        if c.startswith("(") or ATTACHED.match(c) or fold(c).startswith("ngay")][:2]
    else:
        title_block = [c for c in head if c][:4]  # a news article's lead, a form's "(Kèm theo ...)"
    meta.date = find_date(head, tail, title_block, cited_ok=type_at is not None)
    meta.issuer = _issuer(head, type_at if type_at is not None else 6)
    return meta
