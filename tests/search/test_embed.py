"""The two embedding runtimes: ONNX Runtime (the default model) and sentence-transformers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.search.embed import ONNX_FILE, Embedder, EmbeddingCache, ModelError, batches_by_length, safetensors_memmap
from tests.conftest import ROOT

QUESTIONS = ["kết nạp đoàn viên", "ket nap doan vien may tuoi",
             "Ban Chấp hành Chi đoàn nhiệm kỳ 2022 - 2024 gồm bao nhiêu đồng chí và ai là Bí thư?"]


def test_default_model_is_served_by_onnx_runtime(embedder: Embedder) -> None:
    assert embedder.runtime == "onnx"
    vectors = embedder.encode_queries(QUESTIONS)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.encode_queries([]).shape == (0, 384)


def test_padding_does_not_change_a_vector(embedder: Embedder) -> None:
    batched = embedder.encode_queries(QUESTIONS)
    alone = np.vstack([embedder.encode_queries([q]) for q in QUESTIONS])
    assert np.min(np.sum(batched * alone, axis=1)) > 0.99999


def test_batches_group_similar_lengths_within_the_attention_budget() -> None:
    lengths = [512, 5, 300, 512, 7, 512, 9, 512, 512, 300]
    budget = 4 * 512 * 512
    batches = batches_by_length(lengths, batch_size=3, budget=budget)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))  # each text once
    flat = [lengths[i] for batch in batches for i in batch]
    assert flat == sorted(flat)  # shortest first: little padding
    assert all(len(b) <= 3 and len(b) * max(lengths[i] for i in b) ** 2 <= budget for b in batches)
    assert batches_by_length([600], batch_size=3, budget=budget) == [[0]]  # a long text still gets a batch
    assert batches_by_length([], batch_size=3, budget=budget) == []


def test_query_and_passage_prompts_differ(embedder: Embedder) -> None:
    query = embedder.encode_queries([QUESTIONS[0]])[0]
    passage = embedder.encode_passages([QUESTIONS[0]])[0]
    assert 0.8 < float(query @ passage) < 0.9999


def test_torch_runtime_gives_the_same_vectors(embedder: Embedder, model_path: Path) -> None:
    torch_embedder = Embedder(str(model_path), runtime="torch")
    assert torch_embedder.runtime == "torch"
    for encode in ("encode_queries", "encode_passages"):
        onnx_vectors = getattr(embedder, encode)(QUESTIONS)
        torch_vectors = getattr(torch_embedder, encode)(QUESTIONS)
        assert np.min(np.sum(onnx_vectors * torch_vectors, axis=1)) > 0.9999
    assert torch_embedder.count_tokens(QUESTIONS[2]) == embedder.count_tokens(QUESTIONS[2])


def _folder_without_onnx(model_path: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    for item in model_path.iterdir():
        if item.name != Path(ONNX_FILE).parent.name:
            (folder / item.name).symlink_to(item)
    return folder


def test_a_folder_without_the_onnx_encoder_falls_back_to_torch(model_path: Path, tmp_path: Path) -> None:
    folder = _folder_without_onnx(model_path, tmp_path)
    assert Embedder(str(folder)).runtime == "torch"
    with pytest.raises(ModelError, match="HOIDOAN_EMBEDDING_RUNTIME=onnx"):
        Embedder(str(folder), runtime="onnx")


def test_onnx_runtime_never_imports_torch(model_path: Path) -> None:
    code = ("import sys; from bot.search.embed import Embedder; e = Embedder(sys.argv[1]); "
            "e.encode_passages(['Đoàn viên']); print(e.runtime, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(model_path)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, check=True)
    assert out.stdout.split() == ["onnx", "False"]


def test_safetensors_memmap_reads_a_tensor_without_copying(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    table = np.arange(12, dtype=np.float32).reshape(4, 3)
    save_file({"bias": np.ones(2, dtype=np.float32), "table": table}, str(tmp_path / "m.safetensors"))
    mapped = safetensors_memmap(tmp_path / "m.safetensors", "table")
    assert isinstance(mapped, np.memmap) and np.array_equal(mapped[[3, 0]], table[[3, 0]])


def test_embedding_cache_round_trip(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite", 3)
    key = EmbeddingCache.key("m", "Đoàn viên")
    assert key != EmbeddingCache.key("other-model", "Đoàn viên")
    cache.put_many({key: np.array([1, 2, 3], dtype=np.float32)})
    assert cache.get_many([key, "missing"])[key].tolist() == [1.0, 2.0, 3.0]
    assert "missing" not in cache.get_many([key, "missing"])
    cache.close()


def test_the_trimmed_tokenizer_gives_the_full_ones_ids_on_vietnamese_text(model_path: Path) -> None:
    from tokenizers import Tokenizer

    from bot.search.embed import load_tokenizer

    trimmed, pad_id, id_map = load_tokenizer(model_path, 512)
    full = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    texts = ["passage: Điều 12. Ban Chấp hành chi đoàn gồm từ 3 đến 5 đồng chí; nhiệm kỳ 2022–2027.",
             "query: ket nap doan vien may tuoi? Đoàn phí 0,5% — “Công đoàn” • № 12/2024/QĐ-TLĐ ✓ 45°C €",
             "QUYẾT ĐỊNH Về việc ban hành Quy chế chi tiêu nội bộ (Ủy ban nhân dân tỉnh Bà Rịa – Vũng Tàu)"]
    for text in texts:
        assert list(id_map[trimmed.encode(text).ids]) == full.encode(text).ids
    assert len(id_map) < 120_000 and id_map[pad_id] == full.token_to_id("<pad>")
    # A character of another script is <unk> (the full tokenizer has a piece for it).
    assert trimmed.encode("Привет").ids.count(trimmed.token_to_id("<unk>")) >= 1


def test_the_serving_table_alone_gives_the_same_vectors(model_path: Path, tmp_path: Path) -> None:
    """A runtime image ships the trimmed table instead of the 471 MB checkpoint."""
    import shutil

    from bot.search.embed import SERVING_TABLE, OnnxEncoder

    texts = ["Đoàn viên từ đủ 16 tuổi đến 30 tuổi", "ket nap doan may tuoi"]
    slim = tmp_path / "model"
    shutil.copytree(model_path, slim, ignore=shutil.ignore_patterns("model.safetensors"))
    assert (slim / SERVING_TABLE).is_file() and not (slim / "model.safetensors").exists()
    served = OnnxEncoder(slim, threads=1)
    assert served.id_map is None and served.word_embeddings.shape[0] < 120_000
    (slim / SERVING_TABLE).unlink()  # and the checkpoint's fp32 rows, mapped, give the same vectors
    (slim / "model.safetensors").symlink_to(model_path / "model.safetensors")
    full = OnnxEncoder(slim, threads=1)
    assert full.id_map is not None
    cosines = np.sum(served.encode(texts, "query: ", 8) * full.encode(texts, "query: ", 8), axis=1)
    assert cosines.min() > 0.99999
