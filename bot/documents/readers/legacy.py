"""Word 97-2003 .doc (antiword, or the file's own piece table when antiword refuses it) and RTF
(striprtf): old office files, often in TCVN3/VNI fonts."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

from bot.documents.encodings import to_unicode
from bot.documents.failures import Failure
from bot.documents.readers.base import Extraction, Progress, ReadError, ReadOptions

# --- DOC, RTF ------------------------------------------------------------------------------------
CELL_GAP = re.compile(r"(?<=\S)(?:[ \u00a0]*\t[ \t\u00a0]*|[ \u00a0]{4,})(?=\S)")


def mark_cells(line: str) -> str:
    """Side-by-side columns (letterheads, tab-laid tables) become " | "; a tab beside a colon
    is a label's alignment ("Kết hôn<TAB>:<TAB>Nghỉ 03 ngày"), so it stays a space."""
    def gap(match: re.Match[str]) -> str:
        before, after = line[match.start() - 1], line[match.end()] if match.end() < len(line) else ""
        return " " if ":" in (before, after) else " | "
    return CELL_GAP.sub(gap, line)


def read_doc(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    """Word 97-2003: antiword, which keeps table cells apart; for the files antiword refuses
    (Word's "fast save" writes them, common in old office files) the document's own piece
    table, read with olefile."""
    antiword = shutil.which("antiword")
    detail = "no .doc converter installed (Debian package antiword)"
    if antiword is not None:
        try:
            done = subprocess.run([antiword, "-m", "UTF-8.txt", "-w", "0", str(path)], capture_output=True,
                                  timeout=120)
        except subprocess.TimeoutExpired as err:
            raise ReadError(Failure.TOO_SLOW, "reading the .doc took over 120 s") from err
        out = done.stdout.decode("utf-8", "replace")
        if done.returncode == 0 and out.strip():
            # antiword lays table cells and letterhead columns side by side: mark the gaps as cells.
            lines = [mark_cells(line.strip().replace("\ufffd", "")) for line in out.splitlines()]
            text, encoding = to_unicode("\n".join(lines))
            return Extraction([text], encoding=encoding)
        detail = (done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no text"])[0]
    unreadable = Failure.NO_DOC_CONVERTER if antiword is None else Failure.DOC_UNREADABLE
    try:
        raw = word97_text(path)
    except (OSError, ValueError, KeyError, IndexError, struct.error) as err:
        raise ReadError(unreadable, f"cannot read this .doc ({detail[:120]}; {err.__class__.__name__}); "
                                    "save it as .docx") from err
    if not raw.strip():
        raise ReadError(unreadable, f"cannot read this .doc ({detail[:160]}); save it as .docx")
    text, encoding = to_unicode(raw)
    return Extraction([text], encoding=encoding)


# Word's control characters in a document's text: paragraph and line ends, table cell and
# row ends, page breaks, field code markers, pictures, special hyphens.
_FIELD_CODE = re.compile(r"\x13[^\x13\x14\x15]*\x14")
_WORD_CONTROLS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x01": None, "\x08": None,
                                "\x15": None, "\x13": None, "\x14": None, "\x1e": "-", "\x1f": None})
# 8-bit pieces are Windows-1252; its five undefined bytes keep their own code point (legacy
# fonts use them). Latin-1 decoding plus this table does both in one pass.
CP1252_UNDEFINED = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D))
_CP1252_FROM_LATIN1 = str.maketrans({chr(b): bytes((b,)).decode("cp1252") for b in range(0x80, 0xA0)
                                     if b not in CP1252_UNDEFINED})


def word97_text(path: Path) -> str:
    """The main text of a Word 97-2003 file from its piece table (MS-DOC: the FIB's fcClx,
    the table stream's PlcPcd; each piece 8-bit Windows-1252 or UTF-16). Legacy-font text
    comes out as the glyph string the conversion expects ("céng hoµ")."""
    import olefile

    with olefile.OleFileIO(str(path)) as ole:
        doc = ole.openstream("WordDocument").read()
        if len(doc) < 0x01AA or struct.unpack_from("<H", doc, 0)[0] != 0xA5EC:
            raise ValueError("not a Word 97-2003 document")
        flags = struct.unpack_from("<H", doc, 0x0A)[0]
        if flags & 0x0100:
            raise ValueError("the document is encrypted")
        table = ole.openstream("1Table" if flags & 0x0200 else "0Table").read()
    characters = struct.unpack_from("<i", doc, 0x004C)[0]  # ccpText: the main document's length
    fc_clx, lcb_clx = struct.unpack_from("<II", doc, 0x01A2)
    clx = table[fc_clx:fc_clx + lcb_clx]
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: formatting, skipped
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if at >= len(clx) or clx[at] != 0x02:
        raise ValueError("no piece table")
    size = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5:at + 5 + size]
    pieces = (size - 4) // 12
    cps = struct.unpack_from(f"<{pieces + 1}i", plc, 0)
    parts = []
    for k in range(pieces):
        start, end = cps[k], min(cps[k + 1], characters)
        if start >= characters or end <= start:
            break
        fc = struct.unpack_from("<I", plc, 4 * (pieces + 1) + 8 * k + 2)[0]
        if fc & 0x40000000:  # 8-bit text at fc / 2
            offset = (fc & 0x3FFFFFFF) // 2
            data = doc[offset:offset + end - start]
            parts.append(data.decode("latin-1").translate(_CP1252_FROM_LATIN1))
        else:
            offset = fc & 0x3FFFFFFF
            parts.append(doc[offset:offset + 2 * (end - start)].decode("utf-16-le", "replace"))
    text = _FIELD_CODE.sub("", "".join(parts))
    text = text.replace("\x07\x07", "\n").replace("\x07", " | ")  # a table row's cells, then its end
    return "\n".join(line.strip() for line in text.translate(_WORD_CONTROLS).split("\n"))


def read_rtf(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    from striprtf.striprtf import rtf_to_text

    raw = path.read_bytes().decode("cp1252", errors="replace")
    try:
        text = rtf_to_text(raw, errors="replace")
    except Exception as err:  # striprtf is a plain parser: any failure is a broken file
        raise ReadError(Failure.BROKEN, f"broken RTF ({err.__class__.__name__})") from err
    lines = [mark_cells(line.strip()) for line in text.replace("\r", "").splitlines()]
    text, encoding = to_unicode("\n".join(lines))
    return Extraction([text], encoding=encoding)
