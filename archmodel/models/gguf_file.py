"""Reading a Llama-architecture GGUF file: shape, tokenizer data and dequantised weights.

GGUF (the llama.cpp file format) holds key/value metadata and tensors.  The
PyPI package ``gguf`` parses it (``GGUFReader``) and dequantises its block
formats (``gguf.quants.dequantize``).  Supported tensor types: F32, F16,
Q8_0 (blocks of 32: one f16 scale d, 32 int8, x = d·q) and Q4_1 (blocks of
32: f16 scale d and minimum m, 32 four-bit q, x = d·q + m).

A GGUF stores a (out, in) weight with ``shape`` [in, out] (fastest first);
the dequantised array is (out, in), so ``y = x @ W.T``.  The llama.cpp
converter permutes the rows of the Q and K projections so that RoPE acts on
adjacent pairs (x₀, x₁), (x₂, x₃), … (:mod:`archmodel.models.llama`).

Every problem with the file is a one-line :class:`SpecError` naming the file,
the metadata key or tensor name, what was expected and what was found.
"""

from __future__ import annotations

import numpy as np

from archmodel.specs.errors import SpecError, UsageError
from archmodel.specs.gguf_model import LlamaConfig, field, open_gguf, read_config

__all__ = ["LlamaConfig", "field", "open_gguf", "read_config", "read_tensors", "require_tokens", "required_tensors"]

#: Tensor types this reader dequantises (names of ``gguf.GGMLQuantizationType``).
SUPPORTED_TYPES = ("F32", "F16", "Q8_0", "Q4_1")
#: Tensors of one decoder block ``blk.N.<name>.weight``.
BLOCK_TENSORS = ("attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down")


def required_tensors(config: LlamaConfig) -> list[str]:
    """Names of every tensor the forward pass reads (the output head is tied when absent)."""
    names = ["token_embd.weight", "output_norm.weight"]
    names += [f"blk.{layer}.{name}.weight" for layer in range(config.layers) for name in BLOCK_TENSORS]
    return names


def read_tensors(reader, config: LlamaConfig, file: str) -> dict[str, np.ndarray]:
    """Every required tensor dequantised to float32, (out, in) for matrices; ``output.weight`` if present."""
    from gguf.quants import dequantize

    tensors = {tensor.name: tensor for tensor in reader.tensors}
    missing = [name for name in required_tensors(config) if name not in tensors]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise SpecError(file, missing[0], f"required tensor is missing{more}")
    wanted = required_tensors(config) + (["output.weight"] if "output.weight" in tensors else [])
    for name in wanted:
        kind = tensors[name].tensor_type.name
        if kind not in SUPPORTED_TYPES:
            raise SpecError(file, name, f"tensor type {kind} is not supported; expected one of {', '.join(SUPPORTED_TYPES)}")
    weights = {}
    for name in wanted:
        tensor = tensors[name]
        values = dequantize(tensor.data, tensor.tensor_type).astype(np.float32, copy=False)
        weights[name] = values.reshape(tuple(int(n) for n in reversed(tensor.shape)))
    _check_shapes(weights, config, file)
    return weights


def _check_shapes(weights: dict[str, np.ndarray], config: LlamaConfig, file: str) -> None:
    d, kv = config.d_model, config.kv_heads * config.head_dim
    expected = {"token_embd.weight": (config.vocab, d), "output_norm.weight": (d,)}
    block = {"attn_norm": (d,), "attn_q": (d, d), "attn_k": (kv, d), "attn_v": (kv, d), "attn_output": (d, d),
             "ffn_norm": (d,), "ffn_gate": (config.d_ff, d), "ffn_up": (config.d_ff, d), "ffn_down": (d, config.d_ff)}
    for layer in range(config.layers):
        expected.update({f"blk.{layer}.{name}.weight": shape for name, shape in block.items()})
    for name, shape in expected.items():
        if weights[name].shape != shape:
            raise SpecError(file, name, f"expected shape {shape} from the metadata, got {weights[name].shape}")


def require_tokens(count: int, what: str) -> None:
    """A perplexity needs at least two tokens (one prediction)."""
    if count < 2:
        raise UsageError(f"{what} has {count} token{'s' if count != 1 else ''}; a perplexity needs at least 2")
