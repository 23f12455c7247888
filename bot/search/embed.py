"""Dense embeddings: the model behind the index, plus a cache by text hash.

Two runtimes, chosen by :class:`Embedder`:

* **ONNX Runtime** for a folder that ``hoidoan model install`` built (the default model):
  its ``onnx/encoder.onnx`` holds the transformer layers, and the word-embedding table is
  read from ``model.safetensors`` by memory map, so the weights exist once on disk and only
  the rows of tokens actually used reach memory. On these 2-core CPUs a question encodes
  about 3x faster than with PyTorch (bench/bench_latency.py prints both), the vectors agree
  to cosine >= 0.9999 (checked at install) and torch is never imported.
* **sentence-transformers** (PyTorch) for any other model name or folder, or when
  ``HOIDOAN_EMBEDDING_RUNTIME=torch``.

Embedding is also the slowest step of indexing, so every passage vector is cached by the
hash of (model, text): reindexing after a one-document change, or evaluating the same
corpus twice, embeds only what is new.

Example::

    >>> emb = Embedder(".cache/models/multilingual-e5-small-q4")  # doctest: +SKIP
    >>> emb.runtime, emb.encode_queries(["kết nạp đoàn viên"]).shape  # doctest: +SKIP
    ('onnx', (1, 384))
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import struct
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from tokenizers import Tokenizer


class ModelError(RuntimeError):
    """The embedding model could not be provisioned or loaded (the CLI prints it in one line)."""


Runtime = Literal["auto", "onnx", "torch"]
ONNX_FILE = "onnx/encoder.onnx"  # inputs_embeds + attention_mask -> last_hidden_state
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
# The rows of that table the (trimmed) tokenizer can produce, in its id order and in fp16:
# all the ONNX runtime needs, 86 MB instead of the 471 MB checkpoint (bot/search/model.py writes it
# at install). fp16 inputs change the vectors by less than 1e-6 in cosine (tests/search/test_embed.py;
# bench/bench_retrieval.py and bench/bench_answers.py give the same figures).
SERVING_TABLE = "onnx/word_embeddings.npy"
SERVING_DTYPE = np.float16


def cpu_count() -> int:
    """Cores this process may run on (a container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def cpu_has_bf16() -> bool:
    """bf16 matmuls pay off only where the CPU has native bf16 (AVX512-BF16 or AMX)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def safetensors_memmap(path: Path, name: str) -> np.ndarray:
    """One fp32 tensor of a safetensors file, memory-mapped (read-only, nothing copied)."""
    with path.open("rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
    info = header[name]
    if info["dtype"] != "F32":
        raise ValueError(f"{name} in {path} is {info['dtype']}, expected F32")
    begin, _end = info["data_offsets"]
    return np.memmap(path, dtype="<f4", mode="r", offset=8 + header_len + begin, shape=tuple(info["shape"]))


# The scripts a union document is written in: Latin with Vietnamese letters and combining
# marks, punctuation, currency, letter-like and number forms, arrows, maths, enclosed
# numbers, shapes, symbols and dingbats (list bullets, ticks). The multilingual tokenizer's
# other 138,000 pieces (CJK, Cyrillic, Arabic, ...) cost 210 MB of memory in the
# `tokenizers` trie and never match such text; a character outside these ranges reads as
# <unk> (bench/bench_memory.py; tests/search/test_embed.py checks identical ids on Vietnamese text).
SCRIPT_RANGES = ((0x0000, 0x0250), (0x0300, 0x0370), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x20A0, 0x20D0),
                 (0x2100, 0x2300), (0x2460, 0x2500), (0x25A0, 0x2800))
METASPACE = "\u2581"


def _in_scripts(piece: str) -> bool:
    return all(c == METASPACE or any(a <= ord(c) < b for a, b in SCRIPT_RANGES) for c in piece)


def load_tokenizer(folder: Path, max_length: int) -> tuple[Tokenizer, int, np.ndarray]:
    """The model's tokenizer.json through the `tokenizers` library directly (0.8 s to load
    instead of 2.7 s through transformers' AutoTokenizer), truncating, its pad id, and the
    map from its ids to the model's: a Unigram vocabulary keeps only the pieces written in
    the scripts above (special tokens keep their ids)."""
    from tokenizers import Tokenizer

    spec = read_json(folder / "tokenizer.json")
    model = spec.get("model") or {}
    if model.get("type") == "Unigram" and not model.get("byte_fallback"):
        vocab = model["vocab"]
        specials = {a["id"] for a in spec.get("added_tokens", [])}
        kept = [i for i, (piece, _score) in enumerate(vocab) if i in specials or _in_scripts(piece)]
        new_id = {old: new for new, old in enumerate(kept)}
        model["vocab"] = [vocab[i] for i in kept]
        if model.get("unk_id") is not None:
            model["unk_id"] = new_id[model["unk_id"]]
        for token in spec.get("added_tokens", []):
            token["id"] = new_id[token["id"]]
        id_map: np.ndarray | None = np.asarray(kept, dtype=np.int64)
    else:
        id_map = None  # another kind of vocabulary: kept whole
    tokenizer = Tokenizer.from_str(json.dumps(spec))
    del spec
    if id_map is None:
        id_map = np.arange(tokenizer.get_vocab_size(with_added_tokens=True), dtype=np.int64)
    pad_token = read_json(folder / "tokenizer_config.json").get("pad_token") or "<pad>"
    pad_token = pad_token.get("content", "<pad>") if isinstance(pad_token, dict) else pad_token
    tokenizer.enable_truncation(max_length)
    return tokenizer, tokenizer.token_to_id(pad_token) or 0, id_map


def batches_by_length(lengths: Sequence[int], batch_size: int, budget: int) -> list[list[int]]:
    """Indexes grouped shortest first, so a batch pads little (twice the throughput on
    mixed passages), each batch within ``batch_size`` rows and rows x longest² <= budget.

    >>> batches_by_length([300, 5, 512, 7], batch_size=2, budget=2 * 300 * 300)
    [[1, 3], [0], [2]]
    """
    batches: list[list[int]] = []
    rows: list[int] = []
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        width = lengths[i]  # the longest so far: rows come shortest first
        if rows and (len(rows) == batch_size or (len(rows) + 1) * width * width > budget):
            batches.append(rows)
            rows = []
        rows.append(i)
    return [*batches, rows] if rows else batches


def serving_table(folder: Path, id_map: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The word-embedding rows, memory-mapped, and the map from token ids to rows (None: the
    same): the install's trimmed table if it matches the tokenizer, else the checkpoint's."""
    path = folder / SERVING_TABLE
    if path.is_file():
        table = np.load(path, mmap_mode="r")
        if table.shape[0] == len(id_map):
            return table, None
        log.warning("%s does not match the tokenizer (%d rows for %d ids); using the checkpoint",
                    path, table.shape[0], len(id_map))
    return safetensors_memmap(folder / "model.safetensors", WORD_EMBEDDINGS), id_map


def has_serving_table(folder: Path) -> bool:
    path = folder / SERVING_TABLE
    try:
        return bool(np.load(path, mmap_mode="r").dtype == SERVING_DTYPE)
    except (OSError, ValueError):
        return False


def write_serving_table(folder: Path) -> Path:
    """Save the rows the tokenizer can produce (see SERVING_TABLE), so that a runtime image
    may leave the checkpoint out."""
    _tokenizer, _pad, id_map = load_tokenizer(folder, 512)
    table = safetensors_memmap(folder / "model.safetensors", WORD_EMBEDDINGS)[id_map].astype(SERVING_DTYPE)
    path = folder / SERVING_TABLE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, table)
    os.replace(tmp, path)
    return path


class OnnxEncoder:
    """The default model's transformer on ONNX Runtime; mean pooling and normalisation in numpy.

    Example::

        >>> enc = OnnxEncoder(Path(".cache/models/multilingual-e5-small-q4"))  # doctest: +SKIP
        >>> enc.encode(["kết nạp đoàn viên"], "query: ", batch_size=8).shape  # doctest: +SKIP
        (1, 384)
    """

    # ONNX Runtime materialises each layer's attention matrices (rows x 12 heads x tokens²
    # floats, several alive at once) where torch's fused attention does not: without a cap,
    # 16 texts of 512 tokens peak at 1.6 GB. Measured by bench/bench_memory.py.
    ATTENTION_BUDGET = 4 * 512 * 512

    def __init__(self, folder: Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        self.max_length = int(read_json(folder / "sentence_bert_config.json").get("max_seq_length") or 512)
        self.tokenizer, self.pad_id, id_map = load_tokenizer(folder, self.max_length)
        self.word_embeddings, self.id_map = serving_table(folder, id_map)
        self.dimension = int(self.word_embeddings.shape[1])
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or cpu_count()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # warnings about unused initialisers are noise
        self.session = ort.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])
        prompts = read_json(folder / "config_sentence_transformers.json").get("prompts") or {}
        self.query_prompt = prompts.get("query", "")
        self.passage_prompt = prompts.get("passage", prompts.get("document", ""))

    def encode(self, texts: Sequence[str], prompt: str, batch_size: int) -> np.ndarray:
        tokens = [e.ids for e in self.tokenizer.encode_batch([prompt + t for t in texts])]
        out = np.empty((len(tokens), self.dimension), dtype=np.float32)
        for rows in batches_by_length([len(t) for t in tokens], batch_size, self.ATTENTION_BUDGET):
            width = max(len(tokens[i]) for i in rows)
            ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, : len(tokens[i])] = tokens[i]
                mask[r, : len(tokens[i])] = 1
            embeds = self.word_embeddings[ids if self.id_map is None else self.id_map[ids]].astype(np.float32)
            hidden = self.session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(1) / weights.sum(1)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text).ids)


class TorchEncoder:
    """Any sentence-transformers model (hub name or folder) on PyTorch.

    Example::

        >>> enc = TorchEncoder("intfloat/multilingual-e5-small")  # doctest: +SKIP
        >>> enc.encode(["kết nạp đoàn viên"], "query: ", batch_size=8).shape  # doctest: +SKIP
        (1, 384)
    """

    def __init__(self, model_name_or_path: str, threads: int | None = None, bf16: bool | None = None) -> None:
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()  # "Loading weights" bars in every log
        # Set explicitly: FAISS shares torch's OpenMP runtime and bot/search/dense.py limits it to
        # one thread, which torch would otherwise inherit on the importing thread.
        torch.set_num_threads(threads or cpu_count())
        # bf16 autocast: ~20% faster on CPUs with native bf16, cosine >= 0.9999 to fp32.
        self.bf16 = cpu_has_bf16() if bf16 is None else bf16
        self.model = SentenceTransformer(model_name_or_path, device="cpu")
        self.model.eval()
        get_dim = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension
        self.dimension = int(get_dim() or 0)
        prompts = getattr(self.model, "prompts", {}) or {}
        self.query_prompt = prompts.get("query", "")
        self.passage_prompt = prompts.get("passage", prompts.get("document", ""))

    def encode(self, texts: Sequence[str], prompt: str, batch_size: int) -> np.ndarray:
        import torch

        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if self.bf16 else contextlib.nullcontext()
        with autocast:  # the prompt goes through ST: some models keep it out of the pooling
            vectors = self.model.encode(list(texts), prompt=prompt or None, batch_size=batch_size,
                                        normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer(text)["input_ids"])


class Embedder:
    """Encode queries and passages with the model's own prompts ("query: ", "passage: ").

    ``runtime="auto"`` takes ONNX Runtime where the folder has the exported encoder and
    sentence-transformers otherwise; "onnx" insists on the former, "torch" on the latter.
    """

    def __init__(self, model_name_or_path: str, threads: int | None = None, runtime: Runtime = "auto") -> None:
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        folder = Path(model_name_or_path)
        if folder.exists():
            # A local folder must never trigger a hub call (offline deployments).
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        has_onnx = (folder / ONNX_FILE).is_file()
        if runtime == "onnx" and not has_onnx:
            raise ModelError(f"HOIDOAN_EMBEDDING_RUNTIME=onnx but {folder / ONNX_FILE} does not exist "
                               "(run `hoidoan model install`, or use runtime auto or torch)")
        self.name = model_name_or_path
        self.runtime: Literal["onnx", "torch"] = "onnx" if has_onnx and runtime != "torch" else "torch"
        try:
            self.encoder: OnnxEncoder | TorchEncoder = (
                OnnxEncoder(folder, threads) if self.runtime == "onnx" else TorchEncoder(model_name_or_path, threads))
        except Exception as err:  # the libraries raise many kinds here
            raise ModelError(f"cannot load embedding model {model_name_or_path!r}: {err}") from err
        self.dimension = self.encoder.dimension
        self._lock = threading.Lock()  # the runtimes use every core already; parallel calls only thrash

    def _encode(self, texts: Sequence[str], prompt: str, batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            return self.encoder.encode(list(texts), prompt, batch_size)

    def count_tokens(self, text: str) -> int:
        return self.encoder.count_tokens(text)

    def encode_queries(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        return self._encode(texts, self.encoder.query_prompt, batch_size)

    def encode_passages(self, texts: Sequence[str], batch_size: int = 8) -> np.ndarray:
        return self._encode(texts, self.encoder.passage_prompt, batch_size)


class EmbeddingCache:
    """Persistent map from a passage's hash to its vector (SQLite, one file per model)."""

    def __init__(self, path: Path, dimension: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.dimension = dimension
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")
        self._db.commit()

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha1(f"{model}\x00passage\x00{text}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            part = list(keys[start : start + 500])
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", part)
            for key, blob in rows:
                vec = np.frombuffer(blob, dtype=np.float32)
                if vec.shape[0] == self.dimension:
                    found[key] = vec
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO vec (key, v) VALUES (?, ?)",
            [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()


def cache_path_for(cache_dir: Path, model_name: str) -> Path:
    slug = hashlib.sha1(model_name.encode()).hexdigest()[:12]
    return cache_dir / f"{Path(model_name).name or 'model'}-{slug}.sqlite"


def embed_passages_cached(
    embedder: Embedder,
    cache: EmbeddingCache | None,
    texts: Sequence[str],
    batch_size: int = 8,
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Embed passages, reusing cached vectors; return (vectors, number newly embedded)."""
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    keys = [EmbeddingCache.key(embedder.name, t) for t in texts]
    cached = cache.get_many(keys) if cache else {}
    todo = [i for i, k in enumerate(keys) if k not in cached]
    for i, k in enumerate(keys):
        if k in cached:
            out[i] = cached[k]
    if progress and len(texts) - len(todo):
        progress(len(texts) - len(todo))
    # Sort by length so each batch pads little: a large speed-up on mixed-length chunks.
    todo.sort(key=lambda i: len(texts[i]))
    # One model call per batch: the model lock is released between batches, so questions
    # asked during a reindex wait for at most one batch, not for the whole build.
    step = batch_size
    for start in range(0, len(todo), step):
        part = todo[start : start + step]
        vectors = embedder.encode_passages([texts[i] for i in part], batch_size=batch_size)
        for i, vec in zip(part, vectors, strict=True):
            out[i] = vec
        if cache:
            cache.put_many({keys[i]: vec for i, vec in zip(part, vectors, strict=True)})
        if progress:
            progress(len(part))
    return out, len(todo)
