"""Word 97-2003 .doc (antiword) and RTF (striprtf): old office files, often in TCVN3/VNI fonts."""

from __future__ import annotations

import re
import shutil
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
    binary = shutil.which("antiword")
    if binary is None:
        raise ReadError(Failure.NO_DOC_CONVERTER,
                        "no .doc converter installed (Debian package antiword); save the file as .docx")
    try:
        done = subprocess.run([binary, "-m", "UTF-8.txt", "-w", "0", str(path)], capture_output=True, timeout=120)
    except subprocess.TimeoutExpired as err:
        raise ReadError(Failure.TOO_SLOW, "reading the .doc took over 120 s") from err
    out = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0 or not out.strip():
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no text"]
        raise ReadError(Failure.DOC_UNREADABLE, f"cannot read this .doc ({detail[0][:160]}); save it as .docx")
    # antiword lays table cells and letterhead columns side by side: mark the gaps as cells.
    lines = [mark_cells(line.strip().replace("\ufffd", "")) for line in out.splitlines()]
    text, encoding = to_unicode("\n".join(lines))
    return Extraction([text], encoding=encoding)


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
