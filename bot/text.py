"""Vietnamese text handling: one place for every rule about characters and syllables.

Documents and questions reach us in many encodings of the same words: decomposed or
precomposed Unicode, "hoà" or "hòa", zero-width spaces pasted from web pages, and
members who type without diacritics at all. Everything that compares text goes
through :func:`normalize` (canonical form) or :func:`fold` (no diacritics, lower case).

Example::

    >>> normalize("Hoà  bình\u200b") == normalize("Hòa bình")
    True
    >>> fold("Đoàn TNCS Hồ Chí Minh")
    'doan tncs ho chi minh'
    >>> split_sentences("Điều 1. Phạm vi. Luật này quy định về thanh niên.")
    ['Điều 1. Phạm vi.', 'Luật này quy định về thanh niên.']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

# Combining tone marks (the five tones besides "ngang").
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
VOWELS = set("aăâeêioôơuưy")
# Vowels with a hat or a horn take the tone in a cluster ("tiền", "người", "muốn").
MARKED_VOWELS = set("ăâêôơư")
WORD = re.compile(r"\w+", re.UNICODE)
# Folded question words and particles ("khi nào", "bao nhiêu", "không", "vậy"): they say what
# kind of answer is wanted and are never in the passage that gives it.
INTERROGATIVES = frozenset({"ai", "gi", "nao", "may", "bao", "nhieu", "khi", "dau", "sao", "khong", "chua",
                            "vay", "nhi", "ha", "ko", "hok", "hem"})


@lru_cache(maxsize=200_000)
def _place_tone(word: str) -> str:
    """Put a syllable's tone mark on the vowel the classic rule names (hòa, thúy, khỏe)."""
    decomposed = unicodedata.normalize("NFD", word)
    tone = next((ch for ch in decomposed if ch in TONES), None)
    if tone is None:
        return word
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONES))
    lower = bare.lower()
    # Positions of vowels, skipping the "u" of "qu" and the "i" of "gi" (consonants there).
    idx = [i for i, ch in enumerate(lower) if ch in VOWELS]
    if len(idx) > 1 and lower.startswith(("qu", "gi")) and idx[0] == 1:
        idx = idx[1:]
    if not idx or idx != list(range(idx[0], idx[0] + len(idx))):
        return word  # not a single Vietnamese syllable: leave it alone
    marked = [i for i in idx if lower[i] in MARKED_VOWELS]
    ends_with_consonant = idx[-1] < len(lower) - 1
    if marked:
        target = marked[-1]  # "ươ" takes it on ơ
    elif len(idx) >= 3:
        target = idx[1]
    elif len(idx) == 2:
        target = idx[1] if ends_with_consonant else idx[0]
    else:
        target = idx[0]
    chars = list(bare)
    chars[target] = unicodedata.normalize("NFC", chars[target] + tone)
    return "".join(chars)


def normalize(text: str) -> str:
    """NFC, one tone-mark placement, no zero-width characters, single spaces per line."""
    text = unicodedata.normalize("NFC", text).translate(ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = WORD.sub(lambda m: m.group(0) if m.group(0).isascii() else _place_tone(m.group(0)), text)
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines)


def _strip_table() -> dict[int, str]:
    """Precomposed Latin letters -> base letters (ễ -> e, Đ -> D), built once from Unicode data."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and base:
            table[code] = base
    return table


_STRIP = _strip_table()
_COMBINING = re.compile(r"[\u0300-\u036f]")


def strip_diacritics(text: str) -> str:
    """Remove tone marks and vowel hats/horns, map đ to d; keeps case.

    A translation table on NFC text: about 10x faster than decomposing every character,
    and this runs on every passage shown to a member (highlighting, coverage).
    """
    stripped = unicodedata.normalize("NFC", text).translate(_STRIP)
    if not stripped.isascii():
        stripped = _COMBINING.sub("", stripped)  # marks with no precomposed form
    return stripped


def fold(text: str) -> str:
    """Lower-case, diacritic-free form used for lexical matching."""
    return strip_diacritics(normalize(text)).lower()


def is_capitals(text: str, min_letters: int = 2) -> bool:
    """Written in capitals ("KẾ HOẠCH", a letterhead line), with at least ``min_letters`` letters."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= min_letters and all(c.isupper() for c in letters)


def has_diacritics(text: str) -> bool:
    return strip_diacritics(text) != text


def syllables(text: str) -> list[str]:
    """Word characters runs of the text, as they are (no folding)."""
    return WORD.findall(text)


@lru_cache(maxsize=65536)
def _folded_tokens(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(fold(text)))


@lru_cache(maxsize=65536)
def _accented_tokens(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(normalize(text).lower()))


def accented_tokens(text: str) -> list[str]:
    """Syllables as written, lower-cased ("Cờ Đoàn" -> ["cờ", "đoàn"])."""
    return list(_accented_tokens(text))


def folded_tokens(text: str) -> list[str]:
    """Tokens for BM25: folded syllables (cached: the same passages are scored again and
    again for related questions)."""
    return list(_folded_tokens(text))


# Sentence ends: . ! ? … followed by a space and an upper-case letter, digit or quote.
# A "." after these (or after a bare number, "Điều 5.") does not end a sentence.
_ABBREV_END = re.compile(r"(?:\b(?:TP|Tp|ThS|TS|PGS|GS|Đ/c|đ/c|St|Q|P|v\.v|\d+[a-zđ]?|[a-zđ])\.)$")
_SENT_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“'(\[]?[A-ZĐÀ-Ỹ0-9])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; each line break also ends one (lists, headings)."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        parts = _SENT_END.split(line)
        buf = ""
        for part in parts:
            buf = f"{buf} {part}".strip() if buf else part
            if _ABBREV_END.search(buf):
                continue
            out.append(buf)
            buf = ""
        if buf:
            out.append(buf)
    return out


def word_count(text: str) -> int:
    return len(WORD.findall(text))
