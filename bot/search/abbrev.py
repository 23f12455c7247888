"""Union abbreviations, expanded in questions so "BCH" finds "Ban Chấp hành".

Members write ĐVTN, BCH, CĐCS; documents mostly spell the words out (and sometimes
the other way round). We keep the question as typed and append the expansions, so
neither form is lost. Admins extend the table with ``knowledge/abbreviations.tsv``
(one ``ABBR<TAB>expansion`` or ``ABBR = expansion`` per line, ``#`` for comments).

Members also use everyday words where documents use formal ones ("giấy tờ" for "hồ sơ",
"bây giờ" for "hiện nay"). Those synonyms work like abbreviations (appended to the
question, either form in a passage counts as the other) but are never substituted in
the "understood as" line; ``knowledge/synonyms.tsv`` extends them in the same format.

Example::

    >>> Abbreviations().expand("dvtn can dieu kien gi")
    'dvtn can dieu kien gi (đoàn viên thanh niên)'
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from bot.text import fold

log = logging.getLogger(__name__)

ABBREVIATIONS_FILE = "abbreviations.tsv"
SYNONYMS_FILE = "synonyms.tsv"

DEFAULT_TABLE: dict[str, str] = {
    "TNCS HCM": "Thanh niên Cộng sản Hồ Chí Minh",
    "TNCS": "Thanh niên Cộng sản",
    "HCM": "Hồ Chí Minh",
    "ĐTN": "Đoàn Thanh niên",
    "ĐVTN": "đoàn viên thanh niên",
    "ĐV": "đoàn viên",
    "BCH": "Ban Chấp hành",
    "BTV": "Ban Thường vụ",
    "BT": "Bí thư",
    "PBT": "Phó Bí thư",
    "CĐ": "công đoàn",
    "CĐCS": "công đoàn cơ sở",
    "CĐV": "công đoàn viên",
    "LĐLĐ": "Liên đoàn Lao động",
    "TLĐ": "Tổng Liên đoàn Lao động Việt Nam",
    "TLĐLĐVN": "Tổng Liên đoàn Lao động Việt Nam",
    "HĐLĐ": "hợp đồng lao động",
    "NLĐ": "người lao động",
    "NSDLĐ": "người sử dụng lao động",
    "CNVCLĐ": "công nhân, viên chức, lao động",
    "CNVC": "công nhân viên chức",
    "CBCNV": "cán bộ công nhân viên",
    "UBKT": "Ủy ban Kiểm tra",
    "TW": "Trung ương",
    "HSV": "Hội Sinh viên",
    "HLHTN": "Hội Liên hiệp Thanh niên",
    "TNTP": "Thiếu niên Tiền phong",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "KPCĐ": "kinh phí công đoàn",
    "ĐCSVN": "Đảng Cộng sản Việt Nam",
    "UBND": "Ủy ban nhân dân",
    "QĐ": "quyết định",
    "NQ": "nghị quyết",
    "NĐ": "nghị định",
    "TT": "thông tư",
    "CT": "chỉ thị",
    "ĐH": "đại học",
    "TNLĐ": "tai nạn lao động",
    "ATVSLĐ": "an toàn, vệ sinh lao động",
    "HD": "hướng dẫn",
    "KH": "kế hoạch",
    "TB": "thông báo",
    "CB": "cán bộ",
    "TN": "thanh niên",
}

# A member's word -> the word union documents and laws use for it. Only pairs that mean the
# same in any question; a word with several formal readings ("nghỉ việc") is left out, and so
# are question words ("ở đâu" -> "địa điểm"): they found table headers, not answers (bench_answers).
DEFAULT_SYNONYMS: dict[str, str] = {
    "giấy tờ": "hồ sơ",
    "bây giờ": "hiện nay",
    "hiện giờ": "hiện nay",
    "hiện tại": "hiện nay",
    "kích thước": "chiều dài chiều rộng",
    "kích cỡ": "chiều dài chiều rộng",
    "vào đoàn": "kết nạp",
    "vô đoàn": "kết nạp",
    "công ty": "doanh nghiệp",
    "sếp": "người sử dụng lao động",
    "nghỉ đẻ": "nghỉ thai sản",
    "bỏ phiếu": "biểu quyết",
    "được nhận": "được hưởng",
}


NUMBER_TOKEN = re.compile(r"\S*\d\S*/\S*|\S*/\S*\d\S*")  # "991/QĐ-UBND", "QĐ/115"


def _matcher(table: dict[str, str]) -> tuple[dict[str, str], re.Pattern[str] | None]:
    """Folded key -> expansion, and one regex over the keys, longest first ("TNCS HCM" before
    "TNCS"), matched as whole words of folded text."""
    keys = sorted(table, key=len, reverse=True)
    pattern = "|".join(re.escape(fold(k)) for k in keys)
    return {fold(k): table[k] for k in keys}, (re.compile(rf"(?<!\w)(?:{pattern})(?!\w)") if keys else None)


class Abbreviations:
    """Abbreviations and members' synonyms, matched case- and diacritic-insensitively as whole words."""

    def __init__(self, table: dict[str, str] | None = None, synonyms: dict[str, str] | None = None) -> None:
        self.table: dict[str, str] = dict(DEFAULT_TABLE if table is None else table)
        self.synonyms: dict[str, str] = dict(DEFAULT_SYNONYMS if synonyms is None else synonyms)
        self._compile()

    def _compile(self) -> None:
        self._folded, self._regex = _matcher(self.table)
        self._all_folded, self._all_regex = _matcher({**self.synonyms, **self.table})

    def load_file(self, path: Path, synonyms: bool = False) -> int:
        """Add entries from an admin's file (to the synonyms when asked); returns how many were read."""
        target = self.synonyms if synonyms else self.table
        added = 0
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split("\t", 1) if "\t" in line else line.split("=", 1)
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                log.warning("%s:%d: expected 'ABBR<TAB>expansion', skipped", path, number)
                continue
            if not any(c.isalnum() for c in parts[0]):  # "?" would match every question
                log.warning("%s:%d: %r has no letter or digit, skipped", path, number, parts[0].strip())
                continue
            target[parts[0].strip()] = parts[1].strip()
            added += 1
        self._compile()
        return added

    @classmethod
    def for_knowledge_dir(cls, knowledge_dir: Path) -> Abbreviations:
        table = cls()
        for name, synonyms in ((ABBREVIATIONS_FILE, False), (SYNONYMS_FILE, True)):
            extra = knowledge_dir / name
            if extra.is_file():
                table.load_file(extra, synonyms)
        return table

    def find(self, text: str) -> list[str]:
        """Expansions of the abbreviations and synonyms present in the text, in order, unique."""
        found: list[str] = []
        for _, expansion in self.pairs(text):  # those the text does not spell out already
            if expansion not in found:
                found.append(expansion)
        return found

    def pairs(self, text: str) -> list[tuple[str, str]]:
        """(abbreviation as folded in the text, its expansion) for each one present, so that a
        passage spelling "công đoàn cơ sở" out counts as having "CĐCS" (and the other way round);
        synonyms likewise ("hồ sơ" for "giấy tờ"). A question that has both forms already
        speaks the documents' words: nothing to pair."""
        if self._all_regex is None:
            return []
        folded = fold(text)
        found: dict[str, str] = {}
        for match in self._all_regex.finditer(folded):
            expansion = self._all_folded[match.group(0)]
            if fold(expansion) not in folded:
                found.setdefault(match.group(0), expansion)
        return list(found.items())

    def spell_out(self, text: str) -> str:
        """The text with each abbreviation replaced by its words, for the "understood as" line
        ("bch chi đoàn gồm mấy đồng chí" -> "Ban Chấp hành chi đoàn gồm mấy đồng chí")."""
        folded = fold(text)
        if self._regex is None or len(folded) != len(text):
            return text
        # A document number keeps its letters: "991/QĐ-UBND", not "991/quyết định-Ủy ban nhân dân".
        numbers = [m.span() for m in NUMBER_TOKEN.finditer(text)]
        out, last = [], 0
        for match in self._regex.finditer(folded):
            if any(start <= match.start() < end for start, end in numbers):
                continue
            out.append(text[last:match.start()])
            out.append(self._folded[match.group(0)])
            last = match.end()
        return "".join(out) + text[last:]

    def expand(self, text: str) -> str:
        found = self.find(text)
        return f"{text} ({'; '.join(found)})" if found else text
