"""Workloads from a local Hugging Face ``config.json`` (GPT-2 and Llama styles).

Nothing is downloaded: the user points at a file on disk.
"""

from __future__ import annotations

from archmodel.specs.errors import SpecError
from archmodel.specs.workload import Workload

#: JSON key of each shape field, per config style
GPT2_KEYS = {"layers": "n_layer", "d_model": "n_embd", "heads": "n_head", "vocab": "vocab_size", "max_context": "n_positions"}
LLAMA_KEYS = {
    "layers": "num_hidden_layers",
    "d_model": "hidden_size",
    "heads": "num_attention_heads",
    "vocab": "vocab_size",
    "max_context": "max_position_embeddings",
    "d_ff": "intermediate_size",
}


def _require(config: dict, key: str, file: str) -> int:
    if key not in config:
        raise SpecError(file, f"$.{key}", "required field is missing from this Hugging Face config")
    value = config[key]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise SpecError(file, f"$.{key}", f"expected a positive integer, got {value!r}")
    return value


def workload_from_hf_config(config: dict, file: str) -> Workload:
    """Translate a GPT-2- or Llama-style config into a :class:`Workload` (batch 1, its own dtype)."""
    model_type = config.get("model_type", "")
    if model_type == "gpt2" or "n_layer" in config:
        shape = {field: _require(config, key, file) for field, key in GPT2_KEYS.items()}
        shape["kv_heads"] = shape["heads"]
        inner = config.get("n_inner")
        shape["d_ff"] = inner if isinstance(inner, int) and inner > 0 else 4 * shape["d_model"]
        shape["mlp"] = "gelu"
    else:
        shape = {field: _require(config, key, file) for field, key in LLAMA_KEYS.items()}
        shape["kv_heads"] = _require(config, "num_key_value_heads", file) if "num_key_value_heads" in config else shape["heads"]
        shape["mlp"] = "gated"
    head_dim = config.get("head_dim")
    shape["head_dim"] = head_dim if isinstance(head_dim, int) and head_dim > 0 else shape["d_model"] // shape["heads"]
    window = config.get("sliding_window")
    attention = {"kind": "sliding_window", "window": window} if isinstance(window, int) and window > 0 else {"kind": "causal"}
    dtype = {"float32": "float32", "float16": "float16", "bfloat16": "bfloat16"}.get(config.get("torch_dtype"), "float16")
    document = {
        "name": config.get("_name_or_path") or model_type or file,
        "source": f"Hugging Face config {file}",
        "model": shape,
        "attention": attention,
        "dtype": dtype,
    }
    from archmodel.specs.loading import validate

    return validate(Workload, document, file)
