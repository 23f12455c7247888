"""Replicas on several machines share nothing but the database.

The knowledge folder's files and every published index version are stored in the database
(``knowledge_files``, ``index_parts``); each replica keeps its own local copy of both and
refreshes it when another replica records something new. No shared filesystem is needed, so
replicas may run on different hosts (compose on several machines, a Kubernetes Deployment).

The rules that keep copies consistent:

* A build (an upload, ``/reindex``, ``hoidoan index``) runs holding the database's "reindex"
  lock. It first brings the local copy up to date (:meth:`Replication.follow`), builds from the
  local folder, then records its own changes and the new version's files (:meth:`push`), all
  before the lock is released.
* Every knowledge change carries a sequence number; a copy applies only changes newer than the
  number it has seen, so a file this replica just removed is not brought back by a pull.
* The other replicas follow the recorded version: they fetch its files into their own index
  folder, apply the knowledge changes, then serve it (``bot.telegram.runner.watch_index``).

Example::

    >>> replication = Replication(store, Path("knowledge"), Path("index"))  # doctest: +SKIP
    >>> with store.exclusive("reindex"):  # doctest: +SKIP
    ...     replication.follow(store.latest_index_version())
    ...     report = builder.build(read_knowledge(...))
    ...     replication.push(report.version)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from bot.search.index import KEEP_VERSIONS, publish
from bot.storage.store import Store

log = logging.getLogger(__name__)

PART_BYTES = 8 * 1024 * 1024  # an index version is stored in pieces of this size (bounded memory)
STATE_FILE = ".replication.json"  # in the index folder: the knowledge sequence this copy has applied


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _safe_relative(name: str) -> PurePosixPath | None:
    """A relative path that stays inside its folder and hides nothing (else None)."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(p in {"", ".", ".."} or p.startswith(".") for p in path.parts):
        return None
    return path


class Replication:
    """This process's copies of the knowledge folder and the index, kept in step with the database."""

    def __init__(self, store: Store, knowledge_dir: Path, index_dir: Path, max_file_mb: float = 100.0) -> None:
        self.store = store
        self.knowledge_dir = knowledge_dir
        self.index_dir = index_dir
        self.max_file_bytes = int(max_file_mb * 1024 * 1024)

    # --- local state ---------------------------------------------------------------------------
    @property
    def applied_seq(self) -> int:
        """The newest knowledge change this copy holds."""
        try:
            return int(json.loads((self.index_dir / STATE_FILE).read_text())["seq"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def _set_applied_seq(self, seq: int) -> None:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.index_dir / f"{STATE_FILE}.{os.getpid()}"
        tmp.write_text(json.dumps({"seq": seq}))
        os.replace(tmp, self.index_dir / STATE_FILE)

    def _local_files(self) -> dict[str, Path]:
        files: dict[str, Path] = {}
        if not self.knowledge_dir.is_dir():
            return files
        for path in sorted(self.knowledge_dir.rglob("*")):
            rel = path.relative_to(self.knowledge_dir).as_posix()
            if not path.is_file() or path.is_symlink() or _safe_relative(rel) is None:
                continue
            if path.stat().st_size > self.max_file_bytes:
                log.warning("Not sharing %s with other replicas: larger than the upload limit", rel)
                continue
            files[rel] = path
        return files

    def _target(self, rel: str) -> Path | None:
        safe = _safe_relative(rel)
        return self.knowledge_dir.joinpath(*safe.parts) if safe is not None else None

    # --- knowledge files -------------------------------------------------------------------------
    def pull_knowledge(self) -> int:
        """Apply the files other replicas added, replaced or removed since this copy's last change;
        returns how many local files changed."""
        seen = self.applied_seq
        if seen > self.store.knowledge_seq():
            seen = 0  # the database was restored from a backup (its copies emptied): take all again
        listing = self.store.knowledge_listing(after=seen)
        if not listing:
            return 0
        changed = 0
        for rel, sha, _ in listing:
            target = self._target(rel)
            if target is None:
                log.warning("Ignoring a knowledge file with an unsafe path in the database: %r", rel)
                continue
            if sha is None:
                if target.is_file():
                    target.unlink()
                    changed += 1
                continue
            if target.is_file() and file_sha256(target) == sha:
                continue
            content = self.store.knowledge_content(rel)
            if content is None:  # removed meanwhile: a later listing says so
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".sync-", delete=False) as fh:
                fh.write(content)
            os.replace(fh.name, target)
            changed += 1
        self._set_applied_seq(max(seq for _, _, seq in listing))
        if changed:
            log.info("Knowledge folder: %d file(s) changed by other replicas", changed)
        return changed

    def push_knowledge(self) -> int:
        """Record how this copy differs from the database (new, replaced and removed files);
        call it after :meth:`pull_knowledge`, holding the "reindex" lock. Returns the count."""
        recorded = {rel: sha for rel, sha, _ in self.store.knowledge_listing(after=0) if sha}
        local = {rel: (path, file_sha256(path)) for rel, path in self._local_files().items()}
        changed = [rel for rel, (_, sha) in local.items() if recorded.get(rel) != sha]
        removed = sorted(recorded.keys() - local.keys())
        if not changed and not removed:
            return 0

        def changes() -> Iterator[tuple[str, str | None, bytes | None]]:
            for rel in changed:
                path, sha = local[rel]
                yield rel, sha, path.read_bytes()
            for rel in removed:
                yield rel, None, None

        self._set_applied_seq(self.store.put_knowledge(changes()))
        log.info("Knowledge folder: recorded %d changed and %d removed file(s) for other replicas",
                 len(changed), len(removed))
        return len(changed) + len(removed)

    # --- index versions --------------------------------------------------------------------------
    def push_index(self, version: str) -> None:
        """Store a published version's files, so that other replicas can fetch it."""
        folder = self.index_dir / version
        with tempfile.TemporaryFile(dir=self.index_dir) as archive:
            with tarfile.open(fileobj=archive, mode="w") as tar:
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        tar.add(path, arcname=path.relative_to(folder).as_posix(), recursive=False)
            archive.seek(0)
            self.store.put_index_parts(version, iter(lambda: archive.read(PART_BYTES), b""))
        self.store.prune_index_parts(keep=[*self.store.index_versions()[-KEEP_VERSIONS:], version])

    def holds(self, version: str) -> bool:
        """Whether ``index/<version>`` is complete in this copy (its manifest is written last)."""
        return (self.index_dir / version / "manifest.json").is_file()

    def fetch_index(self, version: str) -> bool:
        """Make ``index/<version>`` exist locally, fetching it from the database; False if it
        is not stored there (a version recorded by a replica without shared files)."""
        if self.holds(version):
            return True
        target = self.index_dir / version
        if _safe_relative(version) is None or len(PurePosixPath(version).parts) != 1:
            log.warning("Ignoring an index version with an unsafe name: %r", version)
            return False
        parts = self.store.index_part_count(version)
        if not parts:
            return False
        self.index_dir.mkdir(parents=True, exist_ok=True)
        building = self.index_dir / f".building-fetch-{version}"
        shutil.rmtree(building, ignore_errors=True)
        try:
            with tempfile.TemporaryFile(dir=self.index_dir) as archive:
                for n in range(parts):
                    data = self.store.index_part(version, n)
                    if data is None:
                        return False  # pruned meanwhile: a newer version is recorded
                    archive.write(data)
                archive.seek(0)
                _extract_plain_files(archive, building)
            if not (building / "manifest.json").is_file():
                log.warning("Index version %s from the database has no manifest; not served", version)
                return False
            with contextlib.suppress(FileNotFoundError):
                shutil.rmtree(target)
            building.rename(target)
        finally:
            shutil.rmtree(building, ignore_errors=True)
        log.info("Fetched index version %s from the database (%d piece(s))", version, parts)
        return True

    # --- both --------------------------------------------------------------------------------------
    def follow(self, version: str | None) -> bool:
        """Bring this copy to the recorded state: knowledge changes applied and ``version`` (if any)
        fetched and made current. True if ``version`` is served from the local folder now."""
        self.pull_knowledge()
        if version is None or not self.fetch_index(version):
            return False
        publish(self.index_dir, version)
        return True

    def push(self, version: str | None) -> None:
        """After a build: record this copy's knowledge changes and, if new, the version's files."""
        self.push_knowledge()
        if version is not None:
            self.push_index(version)


def _extract_plain_files(archive: object, folder: Path) -> None:
    """Unpack regular files only, each inside ``folder`` (no links, devices or ``..``)."""
    with tarfile.open(fileobj=archive, mode="r:") as tar:  # type: ignore[call-overload]
        for member in tar:
            rel = _safe_relative(member.name)
            if not member.isfile() or rel is None:
                continue
            target = folder.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is None:
                continue
            with source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
