"""Dense embeddings: a thin wrapper over sentence-transformers plus a cache by text hash.

Embedding is the slowest step of indexing (the model's compute on two cores), so every
vector is cached by the hash of (model, kind, text): reindexing after a one-document
change, or evaluating the same corpus twice, embeds only what is new.

Example::

    >>> emb = Embedder(".cache/models/multilingual-e5-small-q4")  # doctest: +SKIP
    >>> emb.encode_queries(["kết nạp đoàn viên"]).shape  # doctest: +SKIP
    (1, 384)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def cpu_has_bf16() -> bool:
    """bf16 matmuls pay off only where the CPU has native bf16 (AVX512-BF16 or AMX)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _prompts_for(model: object) -> tuple[str, str]:
    prompts = (model.get("prompts") if isinstance(model, dict) else getattr(model, "prompts", {})) or {}
    query = prompts.get("query", "")
    passage = prompts.get("passage", prompts.get("document", ""))
    return query, passage


def plain_layout(folder: Path) -> dict[str, object] | None:
    """Settings of a local sentence-transformers folder laid out as Transformer -> mean
    Pooling [-> Normalize] (e5 and most embedding models), or None for anything else."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]) \
                or modules[0].get("path", "") != "":
            return None
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        if not pooling.get("pooling_mode_mean_tokens") or any(
                v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"):
            return None
        st_config = folder / "config_sentence_transformers.json"
        prompts = json.loads(st_config.read_text(encoding="utf-8")).get("prompts", {}) if st_config.exists() else {}
        bert_config = folder / "sentence_bert_config.json"
        max_length = json.loads(bert_config.read_text(encoding="utf-8")).get("max_seq_length", 512) \
            if bert_config.exists() else 512
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    return {"prompts": prompts or {}, "max_length": int(max_length or 512)}


def _load_fast_tokenizer(folder: Path, max_length: int) -> object:
    """The model's tokenizer.json through the `tokenizers` library directly: 0.8 s to load
    instead of 2.7 s through transformers' AutoTokenizer (it counts in every reindex)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.exists() else {}
    pad_token = config.get("pad_token") or "<pad>"
    pad_token = pad_token.get("content", "<pad>") if isinstance(pad_token, dict) else pad_token
    pad_id = tokenizer.token_to_id(pad_token)
    tokenizer.enable_truncation(max_length)
    tokenizer.enable_padding(pad_id=pad_id if pad_id is not None else 0, pad_token=pad_token)
    return tokenizer


class Embedder:
    """Encode queries and passages with the model's own prompts ("query: ", "passage: ").

    A local folder with the plain layout (the default model's) is run directly with
    transformers: tokenizer, model, mean pooling, normalisation. That skips importing
    sentence-transformers (about 170 MB of memory: scipy, scikit-learn, PIL) and its
    batching machinery (about 5 ms per single question); bench_latency.py and
    bench_memory.py measure both. Any other model name or folder goes through
    sentence-transformers.
    """

    def __init__(self, model_name_or_path: str, threads: int | None = None,
                 bf16: bool | None = None) -> None:
        import torch
        import transformers

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()  # "Loading weights" bars in every log
        # bf16 autocast: ~20% faster on CPUs with native bf16, cosine >= 0.9999 to fp32.
        self.bf16 = cpu_has_bf16() if bf16 is None else bf16
        if threads:
            torch.set_num_threads(threads)
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        folder = Path(model_name_or_path)
        if folder.exists():
            # A local folder must never trigger a hub call (offline deployments).
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        layout = plain_layout(folder) if folder.is_dir() else None
        self.name = model_name_or_path
        self.model: object | None = None
        try:
            if layout is not None:
                from transformers import AutoModel

                self._tokenizer = _load_fast_tokenizer(folder, int(layout["max_length"]))  # type: ignore[call-overload]
                self.transformer = AutoModel.from_pretrained(folder).eval()
                self.max_length = int(layout["max_length"])  # type: ignore[call-overload]
                self.dimension = int(self.transformer.config.hidden_size)
                self.query_prompt, self.passage_prompt = _prompts_for(layout)
            else:
                from sentence_transformers import SentenceTransformer

                self.model = SentenceTransformer(model_name_or_path, device="cpu")
                self.model.eval()
                get_dim = getattr(self.model, "get_embedding_dimension", None) or \
                    self.model.get_sentence_embedding_dimension
                self.dimension = int(get_dim() or 0)
                self.query_prompt, self.passage_prompt = _prompts_for(self.model)
        except Exception as err:  # the libraries raise many kinds here
            raise RuntimeError(f"cannot load embedding model {model_name_or_path!r}: {err}") from err
        self._lock = threading.Lock()

    def _encode_direct(self, texts: Sequence[str], prompt: str, batch_size: int) -> np.ndarray:
        import torch

        out = []
        with self._lock, torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            for start in range(0, len(texts), batch_size):
                encoded = self._tokenizer.encode_batch([prompt + t for t in texts[start:start + batch_size]])
                ids = torch.tensor([e.ids for e in encoded])
                attention = torch.tensor([e.attention_mask for e in encoded])
                hidden = self.transformer(input_ids=ids, attention_mask=attention).last_hidden_state
                mask = attention.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
                out.append(torch.nn.functional.normalize(pooled.float(), dim=-1).numpy())
        return np.concatenate(out).astype(np.float32, copy=False)

    def _encode(self, texts: Sequence[str], prompt: str, batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.model is None:
            return self._encode_direct(list(texts), prompt, batch_size)
        import contextlib

        import torch

        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if self.bf16 else contextlib.nullcontext()
        with self._lock, autocast:  # torch uses all cores already; parallel calls only thrash
            vectors = self.model.encode(  # type: ignore[attr-defined]
                list(texts),
                prompt=prompt or None,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        if self.model is None:
            return len(self._tokenizer.encode(text).ids)
        return len(self.model.tokenizer(text)["input_ids"])  # type: ignore[attr-defined]

    def encode_queries(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        return self._encode(texts, self.query_prompt, batch_size)

    def encode_passages(self, texts: Sequence[str], batch_size: int = 16) -> np.ndarray:
        return self._encode(texts, self.passage_prompt, batch_size)


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
    batch_size: int = 16,
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
