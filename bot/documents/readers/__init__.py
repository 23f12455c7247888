"""Raw text out of every file kind a union office produces, through well-kept tools.

One reader per container, one module per format (``pdf``, ``office``, ``legacy``, ``text``,
``image``; what they share in ``base``), chosen by the file's first bytes (a ".doc" that is really RTF
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

from pathlib import Path

from bot.documents.failures import Failure
from bot.documents.readers.base import Extraction, Progress, ReadError, ReadOptions
from bot.documents.readers.image import read_image
from bot.documents.readers.legacy import mark_cells, read_doc, read_rtf
from bot.documents.readers.office import check_zip, read_docx
from bot.documents.readers.pdf import read_pdf
from bot.documents.readers.text import read_html, read_markdown, read_text, split_front_matter
from bot.kinds import SUPPORTED_SUFFIXES, Container, FileType

__all__ = ["SUPPORTED_SUFFIXES", "Extraction", "Progress", "ReadError", "ReadOptions", "check_zip", "mark_cells",
           "read_file", "sniff", "split_front_matter"]


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
              Container.MD: read_markdown}.get(kind)
    if reader is None:
        raise ReadError(Failure.UNSUPPORTED_TYPE, f"unsupported file type ({kind})")
    extraction = reader(path, options, progress)
    if sum(len(p) for p in extraction.pages) > options.max_chars:
        raise ReadError(Failure.TOO_LONG, f"more than {options.max_chars:,} characters of text; split the document")
    return extraction


