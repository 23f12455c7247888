"""DOCX: python-docx's XML walked in body order (tables in place, text boxes, the header),
with each run's font telling TCVN3/VNI text; the archive is checked before any parser sees it."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from bot.documents.encodings import convert, encoding_for_font, to_unicode
from bot.documents.failures import Failure
from bot.documents.readers.base import Extraction, Progress, ReadError, ReadOptions

# --- DOCX ----------------------------------------------------------------------------------------
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def check_zip(path: Path, options: ReadOptions) -> None:
    """Refuse a ZIP that would inflate past the limits, before any parser touches it."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise ReadError(Failure.BROKEN, f"broken DOCX ({err})") from err
    if len(members) > 5000:
        raise ReadError(Failure.SUSPICIOUS_ARCHIVE, f"{len(members)} parts inside the DOCX; not a normal document")
    total = sum(m.file_size for m in members)
    if total > options.max_unzipped_mb * 1e6:
        raise ReadError(Failure.SUSPICIOUS_ARCHIVE,
                        f"unpacks to {total / 1e6:.0f} MB, over the {options.max_unzipped_mb:g} MB limit")
    for member in members:
        if member.file_size > 1_000_000 and member.file_size > options.max_zip_ratio * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise ReadError(Failure.SUSPICIOUS_ARCHIVE,
                            f"{member.filename} inflates {ratio:.0f} times; refused as a zip bomb")


def read_docx(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    check_zip(path, options)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except PackageNotFoundError as err:
        raise ReadError(Failure.NOT_THIS_TYPE, "not a Word document (no document part inside)") from err
    except Exception as err:  # zipfile, lxml and python-docx raise many kinds on broken files
        raise ReadError(Failure.BROKEN, f"broken DOCX ({err.__class__.__name__})") from err
    fonts = _DocxFonts(document)
    blocks: list[list[tuple[str, str | None]]] = []
    try:
        header = document.sections[0].header if document.sections else None
        if header is not None and not header.is_linked_to_previous:
            blocks.extend(_docx_blocks(header._element, fonts))
    except Exception:  # a header that cannot be read is not worth the document
        pass
    blocks.extend(_docx_blocks(document.element.body, fonts))
    declared = any(enc for block in blocks for _, enc in block)
    lines = []
    for block in blocks:
        lines.append("".join(convert(text, enc) if enc else text for text, enc in _merge_runs(block)))
    text = "\n".join(lines)
    extraction = Extraction([text])
    if declared:
        extraction.encoding = next(enc for block in blocks for _, enc in block if enc)
    else:
        extraction.pages[0], extraction.encoding = to_unicode(text)
    return extraction


class _DocxFonts:
    """The font a run is set in: its own, else its character or paragraph style's, else the default."""

    def __init__(self, document: object) -> None:
        self.by_style: dict[str, str | None] = {}
        self.default: str | None = None
        self.default_paragraph: str | None = None  # the style of paragraphs that name none
        try:
            styles = document.styles.element  # type: ignore[attr-defined]
        except Exception:
            return
        defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        self.default = _font_attr(defaults)
        raw: dict[str, tuple[str | None, str | None]] = {}
        for style in styles.findall(f"{W}style"):
            sid = style.get(f"{W}styleId") or ""
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
                self.default_paragraph = sid
            based = style.find(f"{W}basedOn")
            parent = based.get(f"{W}val") if based is not None else None
            raw[sid] = (_font_attr(style.find(f"{W}rPr/{W}rFonts")), parent)
        for sid in raw:
            seen: set[str] = set()
            current: str | None = sid
            font = None
            while current and current in raw and current not in seen and font is None:
                seen.add(current)
                font, current = raw[current]
            self.by_style[sid] = font

    def encoding(self, run: object, paragraph_style: str | None) -> str | None:
        rpr = run.find(f"{W}rPr")  # type: ignore[attr-defined]
        font = None
        if rpr is not None:
            font = _font_attr(rpr.find(f"{W}rFonts"))
            if font is None and (rstyle := rpr.find(f"{W}rStyle")) is not None:
                font = self.by_style.get(rstyle.get(f"{W}val") or "")
        if font is None:
            font = self.by_style.get(paragraph_style or self.default_paragraph or "")
        return encoding_for_font(font or self.default)


def _font_attr(element: object) -> str | None:
    if element is None:
        return None
    for name in ("ascii", "hAnsi", "cs"):
        value = element.get(f"{W}{name}")  # type: ignore[attr-defined]
        if value:
            return value
    return None


def _docx_blocks(container: object, fonts: _DocxFonts) -> Iterator[list[tuple[str, str | None]]]:
    """Paragraphs and table rows in body order, each as (text, legacy encoding) runs."""
    for child in container:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == f"{W}p":
            yield _paragraph_runs(child, fonts)
        elif tag == f"{W}tbl":
            yield from _table_rows(child, fonts)
        elif tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _docx_blocks(content, fonts)


def _table_rows(table: object, fonts: _DocxFonts) -> Iterator[list[tuple[str, str | None]]]:
    for row in table.findall(f"{W}tr"):  # type: ignore[attr-defined]
        cells: list[list[tuple[str, str | None]]] = []
        for cell in row.findall(f"{W}tc"):
            runs: list[tuple[str, str | None]] = []
            for block in _docx_blocks(cell, fonts):
                if "".join(t for t, _ in block).strip():
                    if runs:
                        runs.append(("\n", None))
                    runs.extend(block)
            if runs and runs not in cells:  # merged cells repeat their text
                cells.append(runs)
        merged: list[tuple[str, str | None]] = []
        for cell_runs in cells:
            if merged:
                merged.append((" | ", None))
            merged.extend(cell_runs)
        if merged:
            yield merged


def _paragraph_runs(paragraph: object, fonts: _DocxFonts) -> list[tuple[str, str | None]]:
    ppr_style = paragraph.find(f"{W}pPr/{W}pStyle")  # type: ignore[attr-defined]
    style = ppr_style.get(f"{W}val") if ppr_style is not None else None
    runs: list[tuple[str, str | None]] = []

    def walk(element: object, encoding: str | None) -> None:
        for child in element:  # type: ignore[attr-defined]
            tag = child.tag
            if tag == MC_FALLBACK or tag == f"{W}delText":
                continue  # a text box's legacy copy; deleted tracked text
            if tag == f"{W}r":
                walk(child, fonts.encoding(child, style))
            elif tag == f"{W}t":
                runs.append((child.text or "", encoding))
            elif tag == f"{W}tab":
                runs.append(("\t", None))
            elif tag in (f"{W}br", f"{W}cr"):
                runs.append(("\n", None))
            elif tag == f"{W}p":  # a paragraph inside a text box
                runs.append(("\n", None))
                runs.extend(_paragraph_runs(child, fonts))
            elif tag == f"{W}tbl":
                for row in _table_rows(child, fonts):
                    runs.append(("\n", None))
                    runs.extend(row)
            else:
                walk(child, encoding)

    walk(paragraph, None)
    return runs


def _merge_runs(runs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Adjacent runs in one encoding, joined (VNI puts a letter and its tone in two bytes)."""
    out: list[tuple[str, str | None]] = []
    for text, enc in runs:
        if out and out[-1][1] == enc:
            out[-1] = (out[-1][0] + text, enc)
        else:
            out.append((text, enc))
    return out
