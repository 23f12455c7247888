"""One file in, one :class:`Document` out: read, converted, cleaned, titled and dated.

The steps each live in their own module: :mod:`bot.documents.readers` gets the raw text out of
the container (PDF, DOCX, DOC, RTF, TXT, HTML, pictures; legacy fonts converted),
:mod:`bot.documents.layout` turns layout lines into paragraphs, :mod:`bot.documents.docmeta` reads the
title, date, number, issuer and kind as the document states them, and
:mod:`bot.documents.garble` says whether the result reads as Vietnamese. A file that cannot be
read raises :class:`IngestError` with the reason (English), so the indexer can report
it and go on with the rest. Untrusted files go through :mod:`bot.documents.sandbox`, which runs
this module in a child process with limits.

Example::

    >>> doc = load_document(Path("knowledge/dai-hoi-chi-doan-so-tttt-ha-nam-2022.txt"))  # doctest: +SKIP
    >>> doc.title[:8], doc.date  # doctest: +SKIP
    ('Đại hội', '2022-04-28')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from bot.documents.docmeta import find_date as _find_stated_date
from bot.documents.docmeta import read_metadata
from bot.documents.failures import Failure, Note, ReadFailure
from bot.documents.garble import assess
from bot.documents.layout import clean_pages
from bot.documents.readers import Progress, ReadError, ReadOptions, read_file
from bot.kinds import SUPPORTED_SUFFIXES, Kind
from bot.text import normalize

__all__ = ["KINDS", "SUPPORTED_SUFFIXES", "Document", "IngestError", "clean_text", "doc_id_for", "find_date",
           "guess_kind", "iter_knowledge_files", "load_document"]

KINDS = tuple(Kind)
READER_VERSION = 8  # bump when reading changes, so cached reads are redone
# the folder's own files, not documents
KNOWLEDGE_OWN_FILES = {"readme.md", "abbreviations.tsv", "synonyms.tsv", "versions.tsv"}


class IngestError(ReadFailure):
    """A file could not be turned into a document (``code``, English detail)."""


@dataclass
class Document:
    doc_id: str
    title: str
    text: str
    source: str
    kind: str = "article"
    date: str | None = None  # ISO yyyy-mm-dd; None: the document states no date
    url: str | None = None
    content_hash: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    number: str | None = None  # "12-KH/ĐTN"
    issuer: str | None = None
    pages: int | None = None
    ocr_pages: int = 0
    encoding: str | None = None  # legacy encoding converted from ("tcvn3", "vni")
    valid_share: float = 1.0  # share of words that are Vietnamese syllables
    garbled: bool = False  # too few of them: the text still reads wrong
    notes: list[Note] = field(default_factory=list)  # what the admin should know

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.title, self.text, self.kind, self.date, self.url,
                                             self.number, self.issuer)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Document:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        notes = values.get("notes") or []
        values["notes"] = [n if isinstance(n, Note) else Note.from_dict(n) for n in notes]  # type: ignore[attr-defined]
        return cls(**values)  # type: ignore[arg-type]


def content_hash(*parts: str | None) -> str:
    return hashlib.sha256("\x1f".join(p or "" for p in parts).encode()).hexdigest()[:16]


def doc_id_for(relative_path: str) -> str:
    """Stable id from the file's path inside the knowledge folder (ASCII slug + hash)."""
    stem = unicodedata.normalize("NFKD", Path(relative_path).stem)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.encode("ascii", "ignore").decode().lower()).strip("-")
    digest = hashlib.sha1(relative_path.encode()).hexdigest()[:6]
    return f"{slug[:48] or 'doc'}-{digest}"


def clean_text(text: str) -> str:
    """Normalise and drop boilerplate lines and image file names; keep paragraph breaks."""
    return clean_pages([text], wrapped=False)


def find_date(text: str) -> str | None:
    """A date stated in a short text ("Hà Nội, ngày 5 tháng 3 năm 2024"), as ISO."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return _find_stated_date(lines, [], lines)


ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def parse_date(value: object) -> str | None:
    """A date a person wrote in front matter: ISO or "28/4/2022"."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if (match := ISO_DATE.search(text)):
        try:
            return dt.date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            return None
    return find_date(f"ngày {text}")


KIND_HINTS = [
    ("charter", re.compile(r"\bđiều lệ\b", re.IGNORECASE)),
    ("resolution", re.compile(r"\bnghị quyết\b", re.IGNORECASE)),
    ("law", re.compile(r"\b(luật|bộ luật|nghị định|thông tư)\b", re.IGNORECASE)),
    ("guide", re.compile(r"\b(hướng dẫn|quy chế|quy định)\b", re.IGNORECASE)),
    ("announcement", re.compile(r"\b(thông báo)\b", re.IGNORECASE)),
    ("plan", re.compile(r"\b(kế hoạch)\b", re.IGNORECASE)),
    ("faq", re.compile(r"\b(hỏi đáp|câu hỏi thường gặp)\b", re.IGNORECASE)),
]


def guess_kind(title: str) -> str:
    """A kind from words in a title, for texts that state no document type."""
    for kind, pattern in KIND_HINTS:
        if pattern.search(title):
            return kind
    return "article"


def _dedupe_title_line(text: str, title: str) -> str:
    """Pages often repeat the title right after it (breadcrumb then heading)."""
    out = []
    seen_title = False
    for line in text.split("\n"):
        if line.strip() == title:
            if seen_title:
                continue
            seen_title = True
        out.append(line)
    return "\n".join(out)


def load_document(path: Path, root: Path | None = None, options: ReadOptions | None = None,
                  progress: Progress | None = None) -> Document:
    """Read one file into a :class:`Document` (in this process); :class:`IngestError` on bad input."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise IngestError(Failure.UNSUPPORTED_TYPE, f"unsupported file type {path.suffix.lower() or '(none)'}")
    try:
        raw = read_file(path, options, progress)
    except ReadError as err:
        raise IngestError(err.code, err.detail) from err
    except OSError as err:
        raise IngestError(Failure.FILE_ERROR, f"cannot read file ({err.strerror or err})") from err
    except RecursionError as err:
        raise IngestError(Failure.BROKEN, "the file is nested too deeply to read") from err
    text = clean_pages(raw.pages, raw.wrapped)
    if len(text) < 20:
        reason = "no readable text in the file"
        if raw.notes:  # a scan whose pages could not be read says why
            raise IngestError(raw.notes[0].code, f"{reason} ({'; '.join(n.detail for n in raw.notes)})")
        raise IngestError(Failure.NO_TEXT, reason)
    relative = path.relative_to(root).as_posix() if root else path.name
    stated = read_metadata(text)
    front = raw.meta
    fallback_title = path.stem.replace("-", " ").replace("_", " ")
    title = normalize(front.get("title") or "").strip() or stated.title or fallback_title
    text = _dedupe_title_line(text, title)
    date = parse_date(front.get("date")) or stated.date
    kind = (front.get("kind") or "").strip().lower() or stated.kind or guess_kind(title)
    share, garbled = assess(text)
    if kind not in KINDS:
        kind = "article"
    return Document(
        doc_id=front.get("id") or doc_id_for(relative),
        title=title,
        text=text,
        source=front.get("url") or relative,
        kind=kind,
        date=date,
        url=front.get("url") or None,
        extra={"path": relative},
        number=stated.number,
        issuer=stated.issuer,
        pages=raw.page_count,
        ocr_pages=raw.ocr_pages,
        encoding=raw.encoding,
        valid_share=round(share, 3),
        garbled=garbled,
        notes=list(raw.notes),
    )


def iter_knowledge_files(root: Path) -> list[Path]:
    """Files under the knowledge folder that are meant to be read, sorted.

    Hidden and ``_`` files and folders, and README.md, are the folder's own; every other
    file is listed, so that one of a kind the bot cannot read is reported, not skipped.
    """
    if not root.is_dir():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        rel_parts = path.relative_to(root).parts
        if any(part.startswith((".", "_")) for part in rel_parts):
            continue
        if not path.is_file() or path.is_symlink():
            continue
        if path.name.lower() in KNOWLEDGE_OWN_FILES:
            continue
        files.append(path)
    return files

