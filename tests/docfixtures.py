"""Office files made by the tests from known Unicode text (never from ../shared).

Legacy-font text is produced by inverting the converter's own table through its public
API, and every encoder checks its round trip, so a fixture can never silently be wrong.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import matplotlib

from bot.documents.encodings import convert

DEJAVU = Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"


@functools.cache
def _inverse(encoding: str) -> dict[str, str]:
    inverse: dict[str, str] = {}
    for code in range(0x80, 0x100):
        surface = chr(code)
        unicode = convert(surface, encoding)
        if unicode != surface and len(unicode) == 1:
            inverse.setdefault(unicode, surface)
    if encoding == "vni":  # VNI writes a vowel and its tone as two bytes
        bases = list("aeiouyAEIOUY") + [inverse[v] for v in "ăâêôơưĂÂÊÔƠƯ" if v in inverse]
        for base in bases:
            for code in range(0x80, 0x100):
                unicode = convert(base + chr(code), encoding)
                if len(unicode) == 1 and unicode != base:
                    inverse.setdefault(unicode, base + chr(code))
    return inverse


def legacy(text: str, encoding: str) -> str:
    """``text`` as a TCVN3 or VNI document's bytes read as Windows-1252 glyphs."""
    table = _inverse(encoding)
    encoded = "".join(table.get(ch, ch) for ch in text)
    assert convert(encoded, encoding) == text, "fixture encoder out of step with the converter"
    return encoded


def word_like_pdf(path: Path, pages: list[list[str]], header: str | None = None) -> None:
    """A PDF laid out like Word's export: fixed line breaks, a page number on every page."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_font("dejavu", fname=str(DEJAVU))
    for number, lines in enumerate(pages, 1):
        pdf.add_page()
        pdf.set_font("dejavu", size=11)
        if header:
            pdf.cell(0, 6, header, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        for line in lines:
            if line:
                pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(6)
        pdf.set_y(-20)
        pdf.cell(0, 6, str(number), align="C")
    pdf.output(str(path))


def text_image(lines: list[str], size: int = 34) -> bytes:
    """A page photographed flat: black text on white, as PNG bytes (for OCR tests)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(DEJAVU), size)
    image = Image.new("L", (1700, 120 + len(lines) * int(size * 1.8)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((80, 60 + i * int(size * 1.8)), line, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def image_only_pdf(path: Path, lines: list[str]) -> None:
    """A scanned page: a PDF whose only content is a picture of the text."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(text_image(lines)), x=0, y=0, w=210)
    pdf.output(str(path))


def letterhead_docx(path: Path, body: list[str], font: str | None = None, encode: str | None = None) -> None:
    """A union plan as offices write it: the letterhead is a two-column table."""
    import docx

    def text(value: str) -> str:
        return legacy(value, encode) if encode else value

    document = docx.Document()
    if font:
        document.styles["Normal"].font.name = font
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = text("BCH ĐOÀN TRƯỜNG ĐẠI HỌC A")
    table.rows[0].cells[1].text = text("ĐOÀN TNCS HỒ CHÍ MINH")
    table.rows[1].cells[0].text = text("Số: 12-KH/ĐTN")
    table.rows[1].cells[1].text = text("Hà Nội, ngày 28 tháng 4 năm 2022")
    document.add_paragraph(text("KẾ HOẠCH"))
    document.add_paragraph(text("Tổ chức Tháng Thanh niên năm 2022"))
    for line in body:
        document.add_paragraph(text(line))
    document.save(str(path))


def office_docx(path: Path, letterhead: list[tuple[str, str]], lines: list[str], tail: list[str] | None = None,
                font: str | None = None, encode: str | None = None) -> None:
    """An office document: a two-column letterhead table (left cell, right cell per row),
    the title and body as paragraphs, then an optional last page (``tail``) after a page break."""
    import docx
    from docx.enum.text import WD_BREAK

    def text(value: str) -> str:
        return legacy(value, encode) if encode else value

    document = docx.Document()
    if font:
        document.styles["Normal"].font.name = font
    table = document.add_table(rows=len(letterhead), cols=2)
    for row, (left, right) in zip(table.rows, letterhead, strict=True):
        row.cells[0].text = text(left)
        row.cells[1].text = text(right)
    for line in lines:
        document.add_paragraph(text(line))
    if tail:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for line in tail:
            document.add_paragraph(text(line))
    document.save(str(path))


def _ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding ``streams`` (each
    padded to 4,096 bytes or more, so no mini stream is needed), as Word 97 files are."""
    import struct

    end, free, fat_mark = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    sectors: list[bytes] = []
    fat: list[int] = []
    starts = {}
    for name, data in streams.items():
        data = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\0")
        starts[name] = (len(sectors), len(data))
        count = len(data) // 512
        for i in range(count):
            sectors.append(data[512 * i:512 * (i + 1)])
            fat.append(len(sectors) if i < count - 1 else end)
    names = list(streams)

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1) + struct.pack("<III", left, right, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<II", start, size) + b"\0" * 4)

    # The root's child is the first stream; the others hang off it as left siblings (names of
    # Word's streams sort "0Table" < "WordDocument").
    directory = entry("Root Entry", 5, free, free, 1, end, 0)
    for i, name in enumerate(names, 1):
        start, size = starts[name]
        directory += entry(name, 2, i + 1 if i < len(names) else free, free, free, start, size)
    directory = directory.ljust(512, b"\0")
    dir_sector = len(sectors)
    sectors.append(directory)
    fat.append(end)
    fat_sector = len(sectors)
    fat.append(fat_mark)
    sectors.append(struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff"))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIII", 0, 1, dir_sector, 0) + struct.pack("<IIIII", 4096, end, 0, end, 0)
              + struct.pack("<I", fat_sector) + b"\xff" * (109 * 4 - 4))
    return header.ljust(512, b"\0") + b"".join(sectors)


def word97_doc(path: Path, paragraphs: list[str], encode: str | None = None) -> None:
    """A Word 97-2003 .doc whose text lives in one 8-bit piece of its piece table, the way
    a "fast-saved" file antiword refuses is read (``encode``: the text in TCVN3 or VNI)."""
    import struct

    text = "\r".join(legacy(p, encode) if encode else p for p in paragraphs) + "\r"
    data = text.encode("cp1252")
    at = 0x800
    word = bytearray(at + len(data))
    struct.pack_into("<HH", word, 0, 0xA5EC, 0x00C1)
    struct.pack_into("<i", word, 0x004C, len(data))
    table = b"\x02" + struct.pack("<I", 16) + struct.pack("<ii", 0, len(data)) + struct.pack("<HIH", 0, (at * 2)
                                                                                           | 0x40000000, 0)
    struct.pack_into("<II", word, 0x01A2, 0, len(table))
    word[at:] = data
    path.write_bytes(_ole2({"WordDocument": bytes(word), "0Table": table}))
