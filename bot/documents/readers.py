"""Raw text out of every file kind a union office produces, through well-kept tools.

One reader per container, chosen by the file's first bytes (a ".doc" that is really RTF
or HTML, as Word's "Save as" often makes, is read as what it is):

| kind | tool |
|---|---|
| PDF | pypdfium2 (PDFium); pages without a text layer go to OCR (:mod:`bot.documents.ocr`) |
| DOCX | python-docx's XML, walked in body order: tables in place, text boxes, header |
| DOC (Word 97-2003) | ``antiword`` (Debian package) |
| RTF | striprtf |
| TXT, MD | :func:`bot.documents.encodings.decode_bytes` (+ ``key: value`` front matter) |
| HTML | trafilatura |
| PNG, JPEG, TIFF | OCR |

Every reader hands its text to :mod:`bot.documents.encodings` (TCVN3/VNI to Unicode), and says
whether its lines are layout lines (PDF, OCR) that :mod:`bot.documents.layout` must join. Nothing
here decides titles or dates (:mod:`bot.documents.docmeta`) or cleans (:mod:`bot.documents.layout`).

Example::

    >>> raw = read_file(Path("knowledge/ke-hoach.docx"))  # doctest: +SKIP
    >>> raw.pages[0][:40], raw.encoding  # doctest: +SKIP
    ('ĐOÀN TNCS HỒ CHÍ MINH | ĐOÀN TRƯỜNG...', None)
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.documents.encodings import convert, decode_bytes, encoding_for_font, to_unicode
from bot.documents.failures import Failure, Note, ReadFailure
from bot.documents.ocr import OcrEngine, OcrError, render_scale
from bot.kinds import Container, FileType

Progress = Callable[[int, int], None]


class ReadError(ReadFailure):
    """A file could not be read by its container's reader (``code``, English detail)."""


@dataclass
class ReadOptions:
    """Budgets for one file (set from :class:`bot.settings.Settings`)."""

    ocr: OcrEngine = field(default_factory=OcrEngine)
    max_ocr_pages: int = 50
    max_pages: int = 2000
    max_unzipped_mb: float = 200.0
    max_zip_ratio: float = 150.0  # a member that inflates more than this is a bomb, not a document
    max_chars: int = 5_000_000


@dataclass
class Extraction:
    """What a reader found, before cleaning and metadata."""

    pages: list[str]
    wrapped: bool = False  # lines are layout lines (PDF, OCR) to be joined into paragraphs
    meta: dict[str, str] = field(default_factory=dict)  # only metadata a person wrote on purpose
    page_count: int | None = None
    ocr_pages: int = 0
    encoding: str | None = None  # legacy encoding converted from
    notes: list[Note] = field(default_factory=list)  # what the admin should know


def sniff(path: Path) -> Container:
    """The container a file really is, from its first bytes, falling back to its suffix."""
    with path.open("rb") as fh:
        head = fh.read(512)
    stripped = head.lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in head[:64]:
        return Container.PDF
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return Container.DOC
    if stripped.startswith(b"{\\rtf"):
        return Container.RTF
    if head.startswith(b"PK\x03\x04"):
        return Container.DOCX if path.suffix.lower() != ".zip" else Container.ZIP
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return Container.IMAGE
    lowered = stripped[:64].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or path.suffix.lower() in (FileType.HTML.suffix,
                                                                                   FileType.HTM.suffix):
        return Container.HTML
    if path.suffix.lower() == FileType.MD.suffix:
        return Container.MD
    by_suffix = {FileType.PDF.suffix: Container.PDF, FileType.DOCX.suffix: Container.DOCX,
                 FileType.DOC.suffix: Container.DOC, FileType.RTF.suffix: Container.RTF}
    return by_suffix.get(path.suffix.lower(), Container.TXT)


def read_file(path: Path, options: ReadOptions | None = None, progress: Progress | None = None) -> Extraction:
    """Read ``path`` by what it is; :class:`ReadError` says why when it cannot."""
    options = options or ReadOptions()
    kind = sniff(path)
    reader = {Container.PDF: read_pdf, Container.DOCX: read_docx, Container.DOC: read_doc, Container.RTF: read_rtf,
              Container.HTML: read_html, Container.IMAGE: read_image, Container.TXT: read_text,
              Container.MD: read_text}.get(kind)
    if reader is None:
        raise ReadError(Failure.UNSUPPORTED_TYPE, f"unsupported file type ({kind})")
    extraction = reader(path, options, progress)
    if sum(len(p) for p in extraction.pages) > options.max_chars:
        raise ReadError(Failure.TOO_LONG, f"more than {options.max_chars:,} characters of text; split the document")
    return extraction


# --- PDF ---------------------------------------------------------------------------------------
def read_pdf(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise ReadError(Failure.PASSWORD, "the PDF is password-protected") from err
        raise ReadError(Failure.BROKEN, f"broken PDF ({err})") from err
    try:
        count = len(pdf)
        if count > options.max_pages:
            raise ReadError(Failure.TOO_LARGE, f"{count} pages, over the {options.max_pages} page limit")
        pages: list[str] = []
        scanned: list[int] = []
        for number in range(count):
            page = pdf[number]
            text = _page_text(page.get_textpage())
            pages.append(text)
            if len("".join(text.split())) < 20 and _has_images(page, pdfium_c.FPDF_PAGEOBJ_IMAGE):
                scanned.append(number)
        extraction = Extraction(pages, wrapped=True, page_count=count)
        if scanned:
            _ocr_pdf_pages(pdf, scanned, extraction, options, progress)
    except pdfium.PdfiumError as err:
        raise ReadError(Failure.BROKEN, f"broken PDF ({err})") from err
    finally:
        pdf.close()
    _convert_legacy(extraction, skip=set(scanned))
    return extraction


def _page_text(textpage: object) -> str:
    """The page's lines, with a blank line where the vertical gap says a paragraph ends.

    PDFium gives lines in reading order but no paragraphs; the gap between one line's
    bottom and the next one's top does (a title block, then the body; paragraph spacing).
    """
    raw = textpage.get_text_range()  # type: ignore[attr-defined]
    lines: list[tuple[str, float, float]] = []  # text, top, bottom
    offset = 0
    for line in raw.split("\r\n"):
        stripped = line.lstrip()
        if stripped.strip():
            first = offset + len(line) - len(stripped)
            try:
                _, bottom, _, top = textpage.get_charbox(first, loose=True)  # type: ignore[attr-defined]
            except Exception:
                bottom = top = 0.0
            lines.append((line.replace("\r", " "), top, bottom))
        offset += len(line) + 2
    if len(lines) < 3:
        return "\n".join(t for t, _, _ in lines)
    heights = sorted(max(top - bottom, 1.0) for _, top, bottom in lines)
    height = heights[len(heights) // 2]
    gaps = sorted(g for i in range(len(lines) - 1) if (g := lines[i][2] - lines[i + 1][1]) > -height / 2)
    usual_gap = gaps[len(gaps) // 4] if gaps else 0.0  # most lines of a page are inside paragraphs
    out = [lines[0][0]]
    for (_, _, prev_bottom), (text, top, _) in itertools.pairwise(lines):
        gap = prev_bottom - top
        if gap > usual_gap + 0.6 * height or gap < -2 * height:
            out.append("")  # paragraph spacing, or a jump back up the page (a new column)
        out.append(text)
    return "\n".join(out)


def _has_images(page: object, image_type: int) -> bool:
    return any(True for _ in page.get_objects(filter=[image_type], max_depth=3))  # type: ignore[attr-defined]


def _ocr_pdf_pages(pdf: object, scanned: list[int], extraction: Extraction, options: ReadOptions,
                   progress: Progress | None) -> None:
    reason = options.ocr.missing()
    if reason:
        if len(scanned) == len(extraction.pages):
            raise ReadError(Failure.SCAN_NO_OCR, f"the PDF is scanned images without text and {reason}")
        extraction.notes.append(Note(Failure.PAGES_NOT_READ, f"{len(scanned)} scanned page(s) not read: {reason}"))
        return
    todo = scanned[: options.max_ocr_pages]
    if len(todo) < len(scanned):
        extraction.notes.append(Note(Failure.OCR_BUDGET,
                                    f"OCR stopped after {len(todo)} of {len(scanned)} scanned pages (page budget)"))
    for done, number in enumerate(todo, 1):
        page = pdf[number]  # type: ignore[index]
        width, height = page.get_size()
        bitmap = page.render(scale=render_scale(width, height), grayscale=True)
        image = bitmap.to_pil()
        import io

        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        try:
            extraction.pages[number] = options.ocr.image_text(buffer.getvalue())
            extraction.ocr_pages += 1
        except OcrError as err:
            extraction.notes.append(Note(Failure.PAGES_NOT_READ, f"page {number + 1} not read by OCR: {err}"))
        if progress:
            progress(done, len(todo))


def _convert_legacy(extraction: Extraction, skip: set[int] | None = None) -> None:
    """Convert TCVN3/VNI pages to Unicode; OCR output is Unicode already."""
    own = "\n".join(p for i, p in enumerate(extraction.pages) if not skip or i not in skip)
    _, encoding = to_unicode(own[:200_000]) if own.strip() else ("", None)
    if encoding is None:
        return
    extraction.encoding = encoding
    extraction.pages = [p if skip and i in skip else convert(p, encoding) for i, p in enumerate(extraction.pages)]


# --- images --------------------------------------------------------------------------------------
def read_image(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    reason = options.ocr.missing()
    if reason:
        raise ReadError(Failure.NO_OCR, f"a picture needs OCR and {reason}")
    try:
        text = options.ocr.image_text(path.read_bytes())
    except OcrError as err:
        raise ReadError(Failure.BROKEN, str(err)) from err
    if progress:
        progress(1, 1)
    return Extraction([text], wrapped=True, page_count=1, ocr_pages=1)


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


# --- text, HTML ----------------------------------------------------------------------------------
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` front matter (no nesting); the rest of the text."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end():]


def read_text(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    text, encoding = decode_bytes(path.read_bytes())
    if "\x00" in text:
        raise ReadError(Failure.NOT_THIS_TYPE, "not a text file (binary data)")
    meta, body = split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    if encoding is None:
        body, encoding = to_unicode(body)
    return Extraction([body], meta=meta, encoding=encoding)


def read_html(path: Path, options: ReadOptions, progress: Progress | None = None) -> Extraction:
    import trafilatura
    from bs4 import BeautifulSoup

    raw, _ = decode_bytes(path.read_bytes())
    text = trafilatura.extract(raw, include_comments=False, include_tables=True, favor_recall=True)
    meta: dict[str, str] = {}
    extracted = trafilatura.extract_metadata(raw)
    if extracted is not None:
        for key in ("title", "date", "url"):
            value = getattr(extracted, key, None)
            if value:
                meta[key] = str(value)
    if not text:  # very short pages: fall back to all visible text
        soup = BeautifulSoup(raw, "html.parser")
        for tag in soup(["script", "style", "nav", "header", "footer"]):
            tag.decompose()
        text = soup.get_text("\n")
        if soup.title and soup.title.string and "title" not in meta:
            meta["title"] = soup.title.string
    body, encoding = to_unicode(text or "")
    return Extraction([body], meta=meta, encoding=encoding)
