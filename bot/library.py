"""The knowledge folder as admins see it: add a file (replacing its older copy), remove one.

An upload is parsed in a staging folder first; only a file that reads cleanly is moved
into ``knowledge/``, so a corrupt upload never costs an indexed document. A new file
replaces any file with the same name or a document with the same title (no duplicates).

Example::

    >>> lib = Library(Path("knowledge"))  # doctest: +SKIP
    >>> added = lib.add(Path("/tmp/upload.pdf"), "nghi-quyet-05.pdf")  # doctest: +SKIP
    >>> added.document.title, added.replaced  # doctest: +SKIP
    ('Nghị quyết 05', ['nghi-quyet-05.docx'])
"""

from __future__ import annotations

import logging
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bot.ingest import SUPPORTED_SUFFIXES, Document, IngestError, iter_knowledge_files, load_document
from bot.text import fold

log = logging.getLogger(__name__)


@dataclass
class Added:
    document: Document
    path: Path
    replaced: list[str] = field(default_factory=list)  # knowledge-relative paths removed


def safe_filename(name: str) -> str:
    """A file name that cannot escape the folder or hide itself ("../x", ".env", "_tmp")."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name).strip()
    name = re.sub(r"[\x00-\x1f/:*?\"<>|]+", "_", name).lstrip("._-") or "tai-lieu"
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        return name[:120]
    return f"{stem[:110]}.{suffix.lower()}"


def _same_title(a: str, b: str) -> bool:
    return fold(a).strip(" .") == fold(b).strip(" .")


class Library:
    """Adds and removes files in the knowledge folder; indexing is the caller's job."""

    def __init__(self, root: Path, staging: Path | None = None) -> None:
        self.root = root
        self.staging = staging or root.parent / ".hoidoan-staging"

    def add(self, uploaded: Path, filename: str, titles: dict[str, str] | None = None) -> Added:
        """Check that ``uploaded`` reads as a document, then store it as ``filename``.

        ``titles`` maps knowledge-relative paths to indexed titles (saves re-reading every
        file to find one with the same title); without it the files are read.
        """
        name = safe_filename(filename)
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise IngestError(f"unsupported file type {suffix or '(none)'}")
        self.staging.mkdir(parents=True, exist_ok=True)
        staged = self.staging / name
        shutil.copyfile(uploaded, staged)
        try:
            document = load_document(staged, self.staging)  # raises IngestError when unreadable
        except IngestError:
            staged.unlink(missing_ok=True)
            raise
        replaced = self._replaced_by(name, document.title, titles)
        self.root.mkdir(parents=True, exist_ok=True)
        for rel in replaced:
            (self.root / rel).unlink(missing_ok=True)
            log.info("Replaced %s with %s", rel, name)
        target = self.root / name
        shutil.move(str(staged), target)  # same name and mtime: the staged parse stands
        return Added(document, target, replaced)

    def _replaced_by(self, name: str, title: str, titles: dict[str, str] | None) -> list[str]:
        out = []
        for path in iter_knowledge_files(self.root):
            rel = path.relative_to(self.root).as_posix()
            if path.name.lower() == name.lower() or path.stem.lower() == Path(name).stem.lower():
                out.append(rel)
                continue
            if titles is not None:
                other_title = titles.get(rel)
            else:
                try:
                    other_title = load_document(path, self.root).title
                except IngestError:
                    continue
            if other_title and _same_title(other_title, title):
                out.append(rel)
        return out

    def remove(self, relative_path: str) -> bool:
        path = (self.root / relative_path).resolve()
        if self.root.resolve() not in path.parents or not path.is_file():
            return False
        path.unlink()
        log.info("Removed %s from the knowledge folder", relative_path)
        return True
