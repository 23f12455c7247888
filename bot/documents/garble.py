"""Does extracted text read as Vietnamese? The share of words that are valid syllables.

Text in a legacy font that nothing converted ("céng hoµ x· héi"), a PDF whose fonts map
to nothing, or a bad OCR all come out as words no Vietnamese syllable looks like. A
syllable is (onset)(vowel cluster)(final consonant) with at most one tone mark; the
check does not need a dictionary. Acronyms in capitals (BCH, TNCS) and words with
digits are not counted.

Example::

    >>> round(valid_share("Cộng hoà xã hội chủ nghĩa Việt Nam"), 2)
    1.0
    >>> valid_share("Céng hoµ x· héi chñ nghÜa ViÖt Nam") < 0.7
    True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"([aăâeêioôơuưy]{1,3})"
    r"(ch|ng|nh|[cmnpt])?$"
)
TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
# Below this share a document reads wrong (measured by bench/bench_documents.py: Unicode
# office files score 0.95-1.00, unconverted TCVN3/VNI text 0.30-0.60).
GARBLED_BELOW = 0.8


@lru_cache(maxsize=100_000)
def is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in TONE_MARKS)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))
    return SYLLABLE.match(bare) is not None


def _count(text: str, sample_words: int = 20_000) -> tuple[int, int]:
    """(countable words, of which Vietnamese syllables), over the first ``sample_words``."""
    counted = valid = 0
    for token in TOKEN.findall(text):
        if token.isupper() and len(token) <= 6 and not is_syllable(token):
            continue  # an acronym: BCH, ĐVTN, TNCS
        counted += 1
        valid += is_syllable(token)
        if counted >= sample_words:
            break
    return counted, valid


def valid_share(text: str) -> float:
    """Share of countable words that are Vietnamese syllables (1.0 when nothing counts)."""
    counted, valid = _count(text)
    return valid / counted if counted else 1.0


def assess(text: str) -> tuple[float, bool]:
    """(valid share, garbled): garbled when too few words read as Vietnamese and there are
    enough words (30) to judge."""
    counted, valid = _count(text)
    share = valid / counted if counted else 1.0
    return share, counted >= 30 and share < GARBLED_BELOW


def is_garbled(text: str) -> bool:
    return assess(text)[1]
