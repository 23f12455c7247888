"""Read union documents (.txt, .md, .html, .pdf, .docx) into clean text plus metadata.

Parsing is left to well-kept libraries (pypdf, python-docx, trafilatura); this module
only decides what a document's title, date, kind and source are, and drops web-page
boilerplate ("Skip to main content", "IMG_9666.jpg") that would otherwise be indexed.
A file that cannot be read raises :class:`IngestError` with the reason, so the indexer
can report it and go on with the rest.

Example::

    >>> from pathlib import Path
    >>> doc = load_document(Path("knowledge/dai-hoi-chi-doan-so-tttt-ha-nam-2022.txt"))  # doctest: +SKIP
    >>> doc.title[:8], doc.date  # doctest: +SKIP
    ('Đại hội', '2022-04-28')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.text import normalize

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
KINDS = ("article", "resolution", "charter", "announcement", "faq", "law", "guide")


class IngestError(Exception):
    """A file could not be turned into a document; the message says why (English)."""


@dataclass
class Document:
    doc_id: str
    title: str
    text: str
    source: str
    kind: str = "article"
    date: str | None = None  # ISO yyyy-mm-dd
    url: str | None = None
    content_hash: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.title, self.text, self.kind, self.date, self.url)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def content_hash(*parts: str | None) -> str:
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode()).hexdigest()[:16]


def doc_id_for(relative_path: str) -> str:
    """Stable id from the file's path inside the knowledge folder (ASCII slug + hash)."""
    stem = unicodedata.normalize("NFKD", Path(relative_path).stem)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.encode("ascii", "ignore").decode().lower()).strip("-")
    digest = hashlib.sha1(relative_path.encode()).hexdigest()[:6]
    return f"{slug[:48] or 'doc'}-{digest}"


# --- boilerplate --------------------------------------------------------------------------
BOILERPLATE_LINES = re.compile(
    r"^(skip ribbon commands|skip to main content|skip navigation|turn on more accessible mode"
    r"|turn off more accessible mode|chia sẻ|share|in bài viết|print|facebook|twitter|zalo"
    r"|trang chủ|home|tin tức\s*-\s*sự kiện|bản in|gửi email|xem thêm|tags?:?.*|đọc thêm)$",
    re.IGNORECASE,
)
IMAGE_NAME = re.compile(r"\b[\w\-.]+\.(?:jpe?g|png|gif|webp|bmp|tiff?)\b", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Normalise and drop boilerplate lines and image file names; keep paragraph breaks."""
    out: list[str] = []
    for line in normalize(text).split("\n"):
        line = " ".join(IMAGE_NAME.sub("", line).split())
        if BOILERPLATE_LINES.match(line):
            continue
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


# --- dates and kinds ---------------------------------------------------------------------
DATE_PATTERNS = [
    re.compile(
        r"\bngày\s+(\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(\d{1,2})\s*(?:/|-|\.|\s+năm\s+)\s*(\d{4})",
        re.IGNORECASE,
    ),
    re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"),
]
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def find_date(text: str) -> str | None:
    """The first plausible date written in the text ("ngày 28/4/2022"), as ISO."""
    head = text[:3000]
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(head):
            day, month, year = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                continue
    match = ISO_DATE.search(head)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            return None
    return None


def parse_date(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    match = ISO_DATE.search(text)
    if match:
        return find_date(match.group(0))
    return find_date(f"ngày {text}")


KIND_HINTS = [
    ("charter", re.compile(r"\bđiều lệ\b", re.IGNORECASE)),
    ("resolution", re.compile(r"\bnghị quyết\b", re.IGNORECASE)),
    ("law", re.compile(r"\b(luật|bộ luật|nghị định|thông tư)\b", re.IGNORECASE)),
    ("guide", re.compile(r"\b(hướng dẫn|quy chế|quy định)\b", re.IGNORECASE)),
    ("announcement", re.compile(r"\b(thông báo|kế hoạch)\b", re.IGNORECASE)),
    ("faq", re.compile(r"\b(hỏi đáp|câu hỏi thường gặp)\b", re.IGNORECASE)),
]


def guess_kind(title: str) -> str:
    for kind, pattern in KIND_HINTS:
        if pattern.search(title):
            return kind
    return "article"


# --- front matter ------------------------------------------------------------------------
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
    return meta, text[match.end() :]


# --- readers -----------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "cp1258"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise IngestError("text is not UTF-8, UTF-16 or Windows-1258")


def read_pdf(path: Path) -> tuple[str, dict[str, str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise IngestError("PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata or {}
        title = str(meta.get("/Title") or "")
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError, TypeError) as err:
        raise IngestError(f"broken PDF ({err.__class__.__name__}: {err})") from err
    text = "\n\n".join(pages)
    if not text.strip():
        raise IngestError("PDF has no text layer (scanned images?); OCR it first")
    return text, {"title": title} if title else {}


def read_docx(path: Path) -> tuple[str, dict[str, str]]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as err:
        raise IngestError(f"broken DOCX ({err.__class__.__name__}: {err})") from err
    except Exception as err:  # zipfile.BadZipFile and lxml errors
        raise IngestError(f"broken DOCX ({err.__class__.__name__}: {err})") from err
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text.strip() for cell in row.cells))
    meta = {}
    if document.core_properties.title:
        meta["title"] = document.core_properties.title
    if document.core_properties.created:
        meta["date"] = document.core_properties.created.date().isoformat()
    return "\n".join(parts), meta


def read_html(path: Path) -> tuple[str, dict[str, str]]:
    import trafilatura
    from bs4 import BeautifulSoup

    raw = _decode(path.read_bytes())
    text = trafilatura.extract(raw, include_comments=False, include_tables=True, favor_recall=True)
    meta: dict[str, str] = {}
    extracted = trafilatura.extract_metadata(raw)
    if extracted is not None:
        if extracted.title:
            meta["title"] = extracted.title
        if extracted.date:
            meta["date"] = extracted.date
        if extracted.url:
            meta["url"] = extracted.url
    if not text:  # very short pages: fall back to all visible text
        soup = BeautifulSoup(raw, "html.parser")
        for tag in soup(["script", "style", "nav", "header", "footer"]):
            tag.decompose()
        text = soup.get_text("\n")
        if soup.title and soup.title.string and "title" not in meta:
            meta["title"] = soup.title.string
    return text or "", meta


def read_text(path: Path) -> tuple[str, dict[str, str]]:
    meta, body = split_front_matter(_decode(path.read_bytes()))
    return body, meta


READERS = {
    ".txt": read_text,
    ".md": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}


def _title_from_text(text: str, fallback: str) -> str:
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if len(line) >= 4:
            return line[:200]
    return fallback


def _dedupe_title_line(text: str, title: str) -> str:
    """Pages often repeat the title right after it (breadcrumb then heading)."""
    lines = text.split("\n")
    seen_title = False
    out = []
    for line in lines:
        if line.strip() == title:
            if seen_title:
                continue
            seen_title = True
        out.append(line)
    return "\n".join(out)


def load_document(path: Path, root: Path | None = None) -> Document:
    """Read one file into a :class:`Document`; raises :class:`IngestError` on bad input."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise IngestError(f"unsupported file type {suffix or '(none)'}")
    try:
        raw_text, meta = READERS[suffix](path)
    except IngestError:
        raise
    except OSError as err:
        raise IngestError(f"cannot read file ({err.strerror or err})") from err
    text = clean_text(raw_text)
    if len(text) < 20:
        raise IngestError("no readable text in the file")
    relative = path.relative_to(root).as_posix() if root else path.name
    fallback_title = path.stem.replace("-", " ").replace("_", " ")
    title = normalize(meta.get("title") or "").strip() or _title_from_text(text, fallback_title)
    text = _dedupe_title_line(text, title)
    date = parse_date(meta.get("date")) or find_date(text)
    if date is None:
        date = dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    kind = (meta.get("kind") or "").strip().lower() or guess_kind(title)
    if kind not in KINDS:
        kind = "article"
    return Document(
        doc_id=meta.get("id") or doc_id_for(relative),
        title=title,
        text=text,
        source=meta.get("url") or relative,
        kind=kind,
        date=date,
        url=meta.get("url") or None,
        extra={"path": relative},
    )


def iter_knowledge_files(root: Path) -> list[Path]:
    """Indexable files under the knowledge folder, sorted; hidden and ``_`` files skipped."""
    if not root.is_dir():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        rel_parts = path.relative_to(root).parts
        if any(part.startswith((".", "_")) for part in rel_parts):
            continue
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES and path.name.lower() != "readme.md":
            files.append(path)
    return files
