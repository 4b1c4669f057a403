"""Loading a model (a GGUF path, or the name of a model an installed package ships) for the forward pass.

Names and paths resolve as in :mod:`archmodel.specs.gguf_model`; nothing is downloaded.
"""

from __future__ import annotations

import functools
from pathlib import Path

from archmodel.models.gguf_file import open_gguf, read_config, read_tensors
from archmodel.models.llama import LlamaModel
from archmodel.models.tokenizer import build_tokenizer
from archmodel.specs.gguf_model import INSTALLED_MODELS, is_model_reference, model_path

__all__ = ["INSTALLED_MODELS", "is_model_reference", "load_config", "load_model", "model_path"]


def load_model(model: str | Path) -> LlamaModel:
    """The :class:`LlamaModel` of a name or GGUF path, weights dequantised to float32 (cached per file)."""
    path = model_path(model)
    return _load(str(path.resolve()) if path.exists() else str(path))


@functools.lru_cache(maxsize=2)
def _load(file: str) -> LlamaModel:
    reader = open_gguf(file)
    config = read_config(reader, file)
    return LlamaModel(config, read_tensors(reader, config, file), build_tokenizer(reader, file), file)


def load_config(model: str | Path):
    """The :class:`~archmodel.models.gguf_file.LlamaConfig` of a name or path, without the weights."""
    path = model_path(model)
    return read_config(open_gguf(path), str(path))
