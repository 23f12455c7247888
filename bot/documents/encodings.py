"""Text in the encodings Vietnamese offices used before Unicode, turned into Unicode.

Documents typed in TCVN3 (".VnTime") or VNI ("VNI-Times") fonts store Latin bytes that
only look Vietnamese with that font installed: extracted as they are, they read
"céng hoµ x· héi" and are never found. The conversion tables and the detection belong
to viparse (MIT, its core is the standard library only); this module decides *when* to
use them: from a font name when the container names one (DOCX runs, RTF), else from the
text itself.

Example::

    >>> to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam")[0]
    'Cộng hoà xã hội chủ nghĩa Việt Nam'
    >>> to_unicode("Cộng hoà xã hội chủ nghĩa Việt Nam")[1] is None
    True
"""

from __future__ import annotations

import codecs
import unicodedata

import viparse

LEGACY_ENCODINGS = ("tcvn3", "vni", "viscii", "vps")


def encoding_for_font(font: str | None) -> str | None:
    """The legacy encoding a font name implies (".VnTime" -> tcvn3, "VNI-Times" -> vni)."""
    if not font:
        return None
    name = font.strip().lower()
    if name.startswith(".vn") or name.startswith("vn3") or name.startswith("abc"):
        return "tcvn3"
    if name.startswith("vni"):
        return "vni"
    if name.startswith("vps"):
        return "vps"
    if "viscii" in name:
        return "viscii"
    return None


def detect_legacy(text: str) -> str | None:
    """Which legacy encoding ``text`` is in, or None (Unicode, too short, or not Vietnamese)."""
    sample = text[:200_000]
    try:
        return viparse.detect_text_encoding(sample)
    except viparse.ViparseError:
        return None


def convert(text: str, encoding: str) -> str:
    """Convert text known to be in ``encoding`` (one of :data:`LEGACY_ENCODINGS`)."""
    return viparse.fix(text, encoding=encoding)


def to_unicode(text: str, hint: str | None = None) -> tuple[str, str | None]:
    """(Unicode text, the legacy encoding converted from or None).

    ``hint`` comes from a font name; without one the text is scored by viparse, which
    leaves Unicode and non-Vietnamese text alone.
    """
    if hint:
        return convert(text, hint), hint
    from bot.documents.garble import valid_share

    detected = detect_legacy(text)
    plain = unicodedata.normalize("NFC", text)
    plain_share = valid_share(plain)
    if detected is None and plain_share >= 0.8:
        return plain, None
    # Detection guesses from characters; when it finds nothing in text that does not read as
    # Vietnamese either (a form whose dotted fields outweigh its words), each encoding is
    # tried. A conversion is kept only if it reads as Vietnamese.
    candidates = [detected] if detected is not None else ["tcvn3", "vni"]
    share, encoding, converted = max((valid_share(c), enc, c) for enc in candidates for c in [convert(text, enc)])
    if share < max(0.8, plain_share + 0.1):
        return plain, None
    return converted, encoding


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Decode a plain-text file: (text, legacy encoding or None).

    UTF-8 (with or without BOM) first, UTF-16 only with its BOM (a file without one is
    never guessed as UTF-16: any even-length byte string "decodes"). Anything else is a
    single-byte file: TCVN3/VNI text is read as the Windows-1252 glyphs its fonts show,
    then converted; otherwise it is Windows-1258, Vietnamese Windows' own code page.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    from bot.documents.garble import valid_share

    windows = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    glyphs = data.decode("cp1252", errors="replace")
    legacy = detect_legacy(glyphs)
    if legacy is not None:
        converted = convert(glyphs, legacy)
        # Windows-1258's tone bytes look like VNI's: keep whichever reads as Vietnamese.
        if valid_share(converted) > valid_share(windows):
            return converted, legacy
    return windows, None
