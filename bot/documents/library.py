"""The knowledge folder as admins see it: stage an upload, add it, remove a file, never lose one.

An upload is read in a staging folder first (in the sandbox); only a file that reads
cleanly is moved into ``knowledge/``. A new file replaces only the file with the same
name. Real union files often share a title ("KẾ HOẠCH", three laws called "LUẬT"), so a
matching title is never a reason to delete: the staged upload lists those files and the
admin chooses ("Thay thế" / "Giữ cả hai"). A replaced or removed file is moved aside,
not deleted, until the new index is published; if publishing fails it is put back.

Example::

    >>> import tempfile
    >>> from bot.documents.ingest import load_document
    >>> work = Path(tempfile.mkdtemp())
    >>> lib = Library(work / "knowledge", work / "staging")
    >>> lib.write_text("ke-hoach-cu.txt", "KẾ HOẠCH\\nTháng Thanh niên năm 2026\\n")
    'ke-hoach-cu.txt'
    >>> _ = (work / "upload.txt").write_text("KẾ HOẠCH\\nTháng Thanh niên năm 2026\\n\\nBản mới.\\n")
    >>> staged = lib.stage(work / "upload.txt", "ke-hoach-moi.txt", load_document,
    ...                    {"ke-hoach-cu.txt": "Kế hoạch tháng Thanh niên năm 2026"})
    >>> staged.same_title  # the admin chooses: replace it, or keep both
    ['ke-hoach-cu.txt']
    >>> with lib.change(staged, remove=staged.same_title) as removed:
    ...     removed  # the body publishes the new index; on an error both files come back
    ['ke-hoach-cu.txt']
    >>> sorted(p.name for p in (work / "knowledge").iterdir())
    ['ke-hoach-moi.txt']
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.documents.failures import Failure
from bot.documents.ingest import KNOWLEDGE_OWN_FILES, SUPPORTED_SUFFIXES, Document, IngestError, iter_knowledge_files
from bot.text import fold

log = logging.getLogger(__name__)

Reader = Callable[[Path, Path], Document]  # (file, root) -> document; the sandbox's read
MAX_NAME_BYTES = 200  # file systems allow 255 bytes; leave room for suffixes


@dataclass
class Staged:
    """A read upload waiting in staging, with what it would replace or collide with."""

    token: str
    path: Path  # the staged file
    name: str  # the file name it gets in knowledge/
    document: Document
    same_name: str | None = None  # knowledge-relative path replaced by name
    same_title: list[str] = field(default_factory=list)  # other files with this title: ask the admin


def safe_filename(name: str) -> str:
    """A file name that cannot escape the folder, hide itself, or be too long for the disk."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name).strip()
    name = re.sub(r"[\x00-\x1f/:*?\"<>|]+", "_", name).lstrip("._-") or "tai-lieu"
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix.lower()[:10]
    while len(stem.encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(" .") or "tai-lieu"
    name = f"{stem}.{suffix}" if suffix else stem
    if name.lower() in KNOWLEDGE_OWN_FILES:
        name = f"{stem}-tai-lieu.{suffix}"
    return name


def same_title(a: str, b: str) -> bool:
    return fold(a).strip(" .") == fold(b).strip(" .")


class Library:
    """Adds and removes files in the knowledge folder; indexing is the caller's job."""

    def __init__(self, root: Path, staging: Path) -> None:
        self.root = root
        self.staging = staging
        self.aside = staging.parent / "replaced"

    def stage(self, uploaded: Path, filename: str, read: Reader, titles: dict[str, str]) -> Staged:
        """Copy an upload into staging and read it; :class:`IngestError` (staging cleaned) if unreadable.

        ``titles`` maps knowledge-relative paths to indexed titles.
        """
        name = safe_filename(filename)
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise IngestError(Failure.UNSUPPORTED_TYPE, f"unsupported file type {suffix or '(none)'}")
        token = secrets.token_hex(4)
        folder = self.staging / token
        folder.mkdir(parents=True, exist_ok=True)
        staged = folder / name
        try:
            shutil.copyfile(uploaded, staged)
            document = read(staged, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        same_name = next((rel for rel in self._files() if Path(rel).name.lower() == name.lower()), None)
        others = [rel for rel, title in titles.items()
                  if rel != same_name and title and same_title(title, document.title)]
        return Staged(token, staged, name, document, same_name, sorted(others))

    def discard(self, staged: Staged) -> None:
        shutil.rmtree(staged.path.parent, ignore_errors=True)

    def _files(self) -> list[str]:
        return [p.relative_to(self.root).as_posix() for p in iter_knowledge_files(self.root)]

    @contextlib.contextmanager
    def change(self, staged: Staged | None = None, remove: list[str] | None = None) -> Iterator[list[str]]:
        """Put ``staged`` in place and move ``remove`` (plus a same-name file) aside; yields what left.

        The body publishes the new index. If it raises, everything is put back as it was;
        if it returns, the files moved aside are deleted.
        """
        leaving = sorted({*(remove or []), *([staged.same_name] if staged and staged.same_name else [])})
        batch = self.aside / secrets.token_hex(4)
        moved: list[tuple[Path, Path]] = []
        added: Path | None = None
        present = [rel for rel in leaving if self._inside(rel) is not None]
        try:
            for rel in present:
                source = self._inside(rel)
                assert source is not None
                target = batch / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(source), target)
                moved.append((target, source))
            if staged is not None:
                self.root.mkdir(parents=True, exist_ok=True)
                added = self.root / staged.name
                shutil.move(str(staged.path), added)
            yield present
        except BaseException:
            if added is not None and added.exists() and staged is not None:
                shutil.move(str(added), staged.path)
            for target, source in moved:
                source.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(target), source)
            raise
        finally:
            shutil.rmtree(batch, ignore_errors=True)
            if staged is not None:
                shutil.rmtree(staged.path.parent, ignore_errors=True)
        for rel in present:
            log.info("Removed %s from the knowledge folder", rel)

    def write_text(self, relative: str, text: str) -> str:
        """Write a document the bot makes itself (an announcement, ``thong-bao/...md``) into the
        folder, atomically; returns its knowledge-relative path. The folder's only writer is
        this class: uploads, removals and these notes all come through here."""
        parts = [safe_filename(part) for part in Path(relative.replace("\\", "/")).parts if part not in ("", ".", "..")]
        if not parts:
            raise IngestError(Failure.FILE_ERROR, "empty file name")
        target = self.root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
        log.info("Wrote %s into the knowledge folder", "/".join(parts))
        return "/".join(parts)

    def _inside(self, relative_path: str) -> Path | None:
        path = (self.root / relative_path).resolve()
        if self.root.resolve() not in path.parents or not path.is_file():
            return None
        return path

    def recover(self) -> None:
        """After a crash: put back files moved aside mid-change, drop half-done uploads."""
        if self.aside.is_dir():
            for batch in self.aside.iterdir():
                for moved in sorted(p for p in batch.rglob("*") if p.is_file()):
                    original = self.root / moved.relative_to(batch)
                    if not original.exists():
                        original.parent.mkdir(parents=True, exist_ok=True)
                        shutil.move(str(moved), original)
                        log.warning("Put back %s, left aside by an interrupted change", original.name)
            shutil.rmtree(self.aside, ignore_errors=True)
        shutil.rmtree(self.staging, ignore_errors=True)
