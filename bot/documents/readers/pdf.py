"""PDF: PDFium's text layer, with paragraph breaks from the lines' positions; pages without
text go to OCR."""

from __future__ import annotations

import itertools
from pathlib import Path

from bot.documents.failures import Failure, Note
from bot.documents.ocr import OcrError, render_scale
from bot.documents.readers.base import Extraction, Progress, ReadError, ReadOptions, convert_legacy


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
    convert_legacy(extraction, skip=set(scanned))
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
