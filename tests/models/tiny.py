"""A tiny Llama GGUF written with ``gguf.GGUFWriter``: fast tests of the reader, the CLI and bad files.

2 layers, d_model 32, 2 query heads and 1 K/V head of 16, MLP 64, a byte-level
vocabulary of the 256 GPT-2 byte symbols plus 3 merges and one control token.
Weights are random (seeded), F32 except the token embedding in Q8_0.
"""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np

LAYERS, D_MODEL, HEADS, KV_HEADS, D_FF = 2, 32, 2, 1, 64


def byte_symbols() -> list[str]:
    """GPT-2's printable stand-in of each byte 0-255 (``bytes_to_unicode``): ' ' → 'Ġ', '\\n' → 'Ċ'."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    symbols, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            symbols[byte] = chr(byte)
        else:
            symbols[byte] = chr(256 + extra)
            extra += 1
    return [symbols[byte] for byte in range(256)]


#: merges in rank order and the tokens they make
MERGES = ["Ġ t", "h e", "Ġt he"]
TOKENS = byte_symbols() + ["Ġt", "he", "Ġthe", "<|end|>"]


def write_tiny(path: Path, *, architecture: str = "llama", drop: str | None = None, raw_type=None, seed: int = 0) -> Path:
    """Write the tiny model to ``path``; ``drop`` omits one tensor, ``raw_type`` stores blk.0.attn_q in that type."""
    rng = np.random.default_rng(seed)
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_name("tiny test llama")
    writer.add_block_count(LAYERS)
    writer.add_context_length(128)
    writer.add_embedding_length(D_MODEL)
    writer.add_feed_forward_length(D_FF)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_freq_base(10000.0)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(TOKENS)
    writer.add_token_types([1] * (len(TOKENS) - 1) + [3])
    writer.add_token_merges(MERGES)
    for name, array in _tensors(rng).items():
        if name == drop:
            continue
        if name == "token_embd.weight":
            writer.add_tensor(name, gguf.quants.quantize(array, gguf.GGMLQuantizationType.Q8_0),
                              raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        elif name == "blk.0.attn_q.weight" and raw_type is not None:
            size = gguf.GGML_QUANT_SIZES[raw_type]
            raw = np.zeros((array.shape[0], array.shape[1] // size[0] * size[1]), np.uint8)
            writer.add_tensor(name, raw, raw_dtype=raw_type)
        else:
            writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def _tensors(rng) -> dict[str, np.ndarray]:
    d, kv, scale = D_MODEL, KV_HEADS * D_MODEL // HEADS, D_MODEL**-0.5
    tensors = {"token_embd.weight": rng.normal(0, 1, (len(TOKENS), d)).astype(np.float32),
               "output_norm.weight": np.ones(d, np.float32)}
    shapes = {"attn_q": (d, d), "attn_k": (kv, d), "attn_v": (kv, d), "attn_output": (d, d),
              "ffn_gate": (D_FF, d), "ffn_up": (D_FF, d), "ffn_down": (d, D_FF)}
    for layer in range(LAYERS):
        tensors[f"blk.{layer}.attn_norm.weight"] = np.ones(d, np.float32)
        tensors[f"blk.{layer}.ffn_norm.weight"] = np.ones(d, np.float32)
        for name, shape in shapes.items():
            tensors[f"blk.{layer}.{name}.weight"] = rng.normal(0, scale, shape).astype(np.float32)
    return tensors
