"""Reading untrusted files in a child process, so one bad file costs only its own refusal.

A zip bomb, a fuzzed PDF that sends a parser into a loop or a crash, a scan that OCR
chews on for minutes: each of these must not take the bot's memory, its event loop or
the other documents with it. :class:`SandboxReader` keeps one worker process
(``python -m bot.documents.sandbox``) with an address-space limit; files go to it one at a time
over a pipe (JSON lines), and the parent waits with a deadline that each page of OCR
progress extends. A worker that dies, runs out of memory or goes quiet is killed and
replaced; the file gets a reason, the next file a fresh worker.

:class:`ReadCache` keeps what was read, keyed by the file's bytes, so a reindex does
not OCR the same scan again.

Example::

    >>> with SandboxReader(SandboxLimits(memory_mb=1024)) as reader:  # doctest: +SKIP
    ...     doc = reader.read(Path("knowledge/ke-hoach.pdf"), Path("knowledge"))
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.documents.failures import Failure
from bot.documents.ingest import READER_VERSION, Document, IngestError
from bot.documents.readers import Progress

log = logging.getLogger(__name__)


@dataclass
class SandboxLimits:
    memory_mb: int = 1536
    timeout_seconds: float = 120.0  # with no word from the worker (each OCR page resets it)
    ocr_max_pages: int = 50
    ocr_language: str = "vie"
    max_total_seconds: float = 3600.0


class SandboxReader:
    """One worker process at a time; :meth:`read` is not thread-safe (one caller)."""

    def __init__(self, limits: SandboxLimits | None = None) -> None:
        self.limits = limits or SandboxLimits()
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()

    def __enter__(self) -> SandboxReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "HOIDOAN_READ_MEMORY_MB": str(self.limits.memory_mb)}
        self._proc = subprocess.Popen([sys.executable, "-m", "bot.documents.sandbox"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                      start_new_session=True)
        self._lines = queue.Queue()
        threading.Thread(target=self._pump, args=(self._proc, self._lines), daemon=True).start()
        return self._proc

    @staticmethod
    def _pump(proc: subprocess.Popen[bytes], lines: queue.Queue[bytes | None]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def read(self, path: Path, root: Path | None = None, progress: Progress | None = None) -> Document:
        """Read ``path`` in the worker; :class:`IngestError` with the reason when it cannot."""
        proc = self._start()
        request = {"path": str(path), "root": str(root) if root else None,
                   "ocr_max_pages": self.limits.ocr_max_pages, "ocr_language": self.limits.ocr_language,
                   "page_timeout": self.limits.timeout_seconds}
        try:
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            proc.stdin.flush()
        except OSError as err:
            self._kill()
            raise IngestError(Failure.BROKEN, "the reader process stopped; try again") from err
        started = time.monotonic()
        while True:
            try:
                line = self._lines.get(timeout=self.limits.timeout_seconds)
            except queue.Empty:
                self._kill()
                raise IngestError(Failure.TOO_SLOW,
                                  f"reading took over {self.limits.timeout_seconds:.0f} s without progress") from None
            if line is None:
                code = proc.wait()
                self._proc = None
                raise IngestError(*_death_reason(code, self.limits.memory_mb))
            message = json.loads(line)
            if "progress" in message:
                if progress:
                    progress(*message["progress"])
                if time.monotonic() - started > self.limits.max_total_seconds:
                    self._kill()
                    raise IngestError(Failure.TOO_SLOW, f"reading took over {self.limits.max_total_seconds:.0f} s")
                continue
            if "error" in message:
                raise IngestError(Failure(message.get("code", Failure.OTHER)), message["error"])
            return Document.from_dict(message["document"])


def _death_reason(code: int, memory_mb: int) -> tuple[Failure, str]:
    if code in (-9, 137) or code == 3:  # SIGKILL from the kernel, or our MemoryError exit
        return Failure.TOO_MUCH_MEMORY, f"the file needs more than {memory_mb} MB of memory to read; refused"
    if code == -24:  # SIGXCPU: the CPU-time limit
        return Failure.TOO_SLOW, "reading the file took too much processor time; refused"
    if code < 0:
        return Failure.BROKEN, f"the reader crashed on this file (signal {-code}); the file is probably damaged"
    return Failure.BROKEN, f"the reader stopped on this file (exit {code}); the file is probably damaged"


class ReadCache:
    """Documents read before, by the file's bytes and place (a reindex re-reads nothing unchanged)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def _key(self, path: Path, relative: str) -> str:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        digest.update(f"\x00{relative}\x00{READER_VERSION}".encode())
        return digest.hexdigest()[:32]

    def read(self, path: Path, root: Path, reader: SandboxReader, progress: Progress | None = None) -> Document:
        relative = path.relative_to(root).as_posix()
        key = self._key(path, relative)
        self.used.add(key)
        entry = self.folder / f"{key}.json"
        if entry.is_file():
            try:
                data = json.loads(entry.read_text(encoding="utf-8"))
                if "error" in data:
                    raise IngestError(Failure(data.get("code", Failure.OTHER)), data["error"])
                return Document.from_dict(data)
            except (OSError, ValueError, TypeError):
                pass
        try:
            doc = reader.read(path, root, progress)
        except IngestError as err:
            self._write(entry, {"error": err.detail, "code": err.code.value})
            raise
        self._write(entry, doc.to_dict())
        return doc

    def _write(self, entry: Path, data: dict[str, object]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, entry)
        except OSError as err:
            log.warning("Could not cache a read document: %s", err)

    def prune(self) -> None:
        """Forget files that are no longer in the knowledge folder (after a full pass)."""
        if not self.folder.is_dir():
            return
        for entry in self.folder.glob("*.json"):
            if entry.stem not in self.used:
                entry.unlink(missing_ok=True)


# --- the worker ----------------------------------------------------------------------------------
def _limit_resources() -> None:
    import resource

    memory = int(os.environ.get("HOIDOAN_READ_MEMORY_MB", "1536")) * 1024 * 1024
    # CPU seconds for the worker's whole life (it is replaced when it dies): a parser caught
    # in a loop ends here even if the parent's deadline were extended by progress messages.
    for limit, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_FSIZE, 256 * 1024 * 1024),
                         (resource.RLIMIT_CORE, 0), (resource.RLIMIT_CPU, 1800)):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(limit, (value, value))


def _worker() -> int:
    _limit_resources()
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # a library that prints must not corrupt the protocol
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    from bot.documents.ingest import load_document
    from bot.documents.ocr import OcrEngine
    from bot.documents.readers import ReadOptions

    def send(message: dict[str, object]) -> None:
        protocol.write(json.dumps(message, ensure_ascii=False) + "\n")
        protocol.flush()

    for line in sys.stdin:
        request = json.loads(line)
        options = ReadOptions(ocr=OcrEngine(language=request["ocr_language"], page_timeout=request["page_timeout"]),
                              max_ocr_pages=request["ocr_max_pages"])
        root = Path(request["root"]) if request["root"] else None
        try:
            doc = load_document(Path(request["path"]), root, options,
                                lambda done, total: send({"progress": [done, total]}))
            send({"document": asdict(doc)})
        except IngestError as err:
            send({"error": err.detail, "code": err.code.value})
        except MemoryError:
            return 3
        except Exception as err:  # any parser failure is this file's refusal, not the worker's end
            send({"error": f"the file could not be read ({err.__class__.__name__}); it is probably damaged",
                  "code": Failure.BROKEN.value})
    return 0


if __name__ == "__main__":
    sys.exit(_worker())
