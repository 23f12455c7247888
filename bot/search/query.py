"""What a question asks, read from its text: the forms each search method gets, the
"Điều N", document numbers and law names it cites, whether it asks who signed or what a
term means, and the kind of answer it wants (a number, a date). The retriever parses a
question into a :class:`Query` with these; the answerer reads the same fields.

Example::

    >>> number_key("45-QĐ/ĐTN"), bool(WANTS_DATE.search("dai hoi dien ra ngay nao"))
    ('45-qd/dtn', True)
    >>> ARTICLE_QUERY.search("dieu 12 quy dinh gi").group(1)
    '12'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.text import fold

ARTICLE_QUERY = re.compile(r"\bdieu\s+(\d+[a-z]?)\b")


# A document number as members cite it: "115/2004/QĐ-TTg", "991/QĐ-UBND", "12-KH/ĐTN".
DOC_NUMBER = re.compile(r"\b\d{1,5}(?:[/-][0-9A-Za-zĐđ&.]+)*/[0-9A-Za-zĐđ&.-]+")


# "Luật An ninh mạng có hiệu lực ...": the law a question names, up to the first word that
# is no longer part of a name (a verb, a question word, a year).
LAW_NAME = re.compile(r"(?<!phap )(?<!ky )(?<!dieu )(?<!an )\b(?:bo\s+)?luat\s+"
                      r"((?:(?!co\b|quy\b|ve\b|la\b|thi\b|duoc\b|nam\b|ra\b"
                      r"|hieu\b|so\b|cua\b|nao\b|gi\b|nhu\b|khi\b|dinh\b|moi\b|nay\b|hien\b|ban\b|sua\b"
                      r"|doi\b|voi\b|ma\b|theo\b|tai\b|trong\b|cho\b|va\s+cac\b)[a-z]+\s*){2,8})")


LAW_YEAR = re.compile(r"\s*(?:nam\s+)?(?:19|20)\d\d\b")


# "QĐ 991 do ai ký?": administrative documents end with the signer's block (Nghị định
# 30/2020/NĐ-CP), so the question looks at each document's last passage first.
SIGNER_QUERY = re.compile(r"\b(?:ai|nguoi nao)\s+(?:da\s+)?ky\b|\bnguoi\s+ky\b|\bky\s+boi\b")


# "CĐCS là gì?", "Thế nào là thanh niên tình nguyện?": a definition answers, and a
# definition starts a line or a sentence with the subject followed by "là"
# ("3. Công đoàn cơ sở là tổ chức ..."). Checked on the best passages only.
DEFINITION_QUERY = re.compile(r"^(?:the nao (?:duoc goi )?la\s+(?P<lead>.+)|(?P<trail>.+?)\s+(?:la gi|nghia la gi))$")


DEFINITION_WORDS = 8  # a longer subject is a question of its own, not a term


def number_key(number: str) -> str:
    """A document number compared without case, diacritics or spaces ("QĐ" = "qd")."""
    return re.sub(r"\s+", "", fold(number))


# "Nghị định 29/1998", "QĐ số 115/2004": a number and year after a document type cite that
# document as surely as its full number ("29/1998/NĐ-CP") does; alone, "7/2025" is a date.
SHORT_NUMBER = re.compile(r"\d{1,5}/(?:19|20)\d\d")


TYPE_BEFORE = re.compile(r"\b(?:nghi dinh|quyet dinh|thong tu(?: lien tich)?|nghi quyet|chi thi|luat"
                         r"|nd|qd|tt|nq|ct)\s*(?:so\s*)?:?\s*$")


def document_numbers(text: str) -> list[re.Match[str]]:
    """The DOC_NUMBER matches that name a document ("115/2004/QĐ-TTg", "Nghị định 29/1998"),
    not a date ("28/4/2022")."""
    def cites(m: re.Match[str]) -> bool:
        if any(c.isalpha() for c in m.group(0)):
            return True
        before = fold(text[max(0, m.start() - 30):m.start()])
        return bool(SHORT_NUMBER.fullmatch(m.group(0)) and TYPE_BEFORE.search(before))
    return [m for m in DOC_NUMBER.finditer(text) if cites(m)]


def without_cited_numbers(text: str) -> str:
    """The text without the document numbers it cites: once a number has found its document,
    it tells that document's passages and sentences apart no more ("QĐ 115/2004/QĐ-TTg có
    hiệu lực từ khi nào?" is answered by "Quyết định này có hiệu lực ...", not by the header
    that repeats the number). Dates ("28/4/2022") stay."""
    for match in reversed(document_numbers(text)):
        text = text[:match.start()] + " " + text[match.end():]
    return text


def without_citations(text: str) -> str:
    """The text without the document numbers and the law's name it cites: what picks the
    sentence that answers inside the cited document ("Luật khoa học và công nghệ 2013 có hiệu
    lực từ ngày nào?" -> "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2014", not the
    sentence that repeats the law's name)."""
    text = without_cited_numbers(text)
    folded = fold(text)
    law = LAW_NAME.search(folded) if len(folded) == len(text) else None
    if not law:
        return text
    year = LAW_YEAR.match(folded, law.end(1))  # "Luật Công đoàn 2012", "... năm 2012"
    return f"{text[:law.start(1)]} {text[year.end() if year else law.end(1):]}"


# Where a definition may start in a passage: a line's or sentence's start, past list markers.
DEFINITION_START = r"(?:^|\n|[.;:!?]\s)[\s\-\u2013\u2022*_#\"\u201c'(\d.)]*"


@lru_cache(maxsize=64)
def definition_pattern(terms: tuple[str, ...], start: str) -> re.Pattern[str]:
    """Folded text defining one of the folded ``terms`` from ``start`` on: the term, maybe its
    abbreviation in brackets, "là" ("cong doan co so (cdcs) la ...", not "... la gi")."""
    subject = "|".join(re.escape(t) for t in terms)
    return re.compile(rf"{start}(?:{subject})\b[\s*_\"\u201d']*(?:\([^)\n]{{0,80}}\)[\s*_\"\u201d']*)?"
                      r"la\b(?!\s+gi\b)")


def with_aliases(tokens: set[str], aliases: Sequence[tuple[set[str], set[str]]]) -> set[str]:
    """A passage's words, plus an abbreviation's when it spells the words out and the
    words when it has the abbreviation ("công đoàn cơ sở" answers "CĐCS là gì?")."""
    extra: set[str] = set()
    for short, long in aliases:
        if long <= tokens:
            extra |= short
        elif short <= tokens:
            extra |= long
    return tokens | extra


@dataclass(frozen=True)
class Query:
    """A question as typed, and the forms each search method gets."""

    text: str
    restored: str  # with diacritics restored when typed without
    expansions: tuple[str, ...]
    article: str | None  # "12" when the question names "Điều 12"
    numbers: tuple[str, ...] = ()  # document numbers the question cites, as number_key()
    law_name: str | None = None  # folded name of the law the question names ("an ninh mang")
    signer: bool = False  # the question asks who signed ("do ai ký?")
    # (abbreviation or member's word, expansion) pairs: either form in a passage counts as the other too
    aliases: tuple[tuple[str, str], ...] = ()
    defines: tuple[str, ...] = ()  # folded term(s) the question asks to define ("cong doan co so")

    @property
    def lexical_text(self) -> str:
        return " ".join([self.text, *self.expansions])

    @property
    def dense_text(self) -> str:
        return " ".join([self.restored, *self.expansions])


# What kind of answer a question wants, from its folded words: a sentence with a number
# answers "bao nhiêu", one with a date answers "khi nào".
WANTS_NUMBER = re.compile(r"\b(?:bao nhieu|may)\b")
WANTS_DATE = re.compile(r"\b(?:khi nao|bao gio|ngay nao|thoi gian nao|nam nao|thang nao|luc nao)\b")
