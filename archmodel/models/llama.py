"""Float32 numpy forward pass of a Llama-architecture decoder with a pluggable attention.

One decoder block (Touvron et al. 2023; the llama.cpp graph of the same file)::

    h = RMSNorm(x)·g_attn                                  (T, D)
    q, k, v = h·W_qᵀ, h·W_kᵀ, h·W_vᵀ                      (T, H·d), (T, H_kv·d)
    q, k ← RoPE(q), RoPE(k)                                adjacent pairs, θ_i = base^(-2i/d)
    y = attention(q, k, v)                                 (H, T, d); K/V head h·H_kv/H serves query head h
    x ← x + y·W_oᵀ
    h = RMSNorm(x)·g_ffn
    x ← x + (SiLU(h·W_gateᵀ) ⊙ h·W_upᵀ)·W_downᵀ

``RMSNorm(x) = x / sqrt(mean(x²) + ε)``; the logits are ``RMSNorm(x)·g_out·Eᵀ``
with E the token embedding when the file has no separate output matrix.
The attention is any callable ``(layer, q, k, v) → y`` on (1, H, T, d)
float32 arrays (k and v already repeated to the H query heads), so the
emulator's modes plug in (:mod:`archmodel.models.attention`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from archmodel.models.gguf_file import LlamaConfig

#: (layer, q, k, v) → y, each (1, H, T, d) float32
AttentionFn = Callable[[int, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class LlamaModel:
    """A decoder's configuration, dequantised weights (float32) and tokenizer."""

    config: LlamaConfig
    weights: dict[str, np.ndarray]
    tokenizer: object  # tokenizers.Tokenizer
    file: str

    def encode(self, text: str) -> np.ndarray:
        """Token ids (T,) int64 of ``text`` (no BOS, as the file's ``add_bos_token`` = False for SmolLM2)."""
        return np.asarray(self.tokenizer.encode(text).ids, dtype=np.int64)

    def layer(self, index: int, name: str) -> np.ndarray:
        """Weight ``blk.<index>.<name>.weight``."""
        return self.weights[f"blk.{index}.{name}.weight"]

    @property
    def output(self) -> np.ndarray:
        """Output matrix (vocab, D): its own, else the tied token embedding."""
        return self.weights.get("output.weight", self.weights["token_embd.weight"])


def rms_norm(x: np.ndarray, gain: np.ndarray, epsilon: float) -> np.ndarray:
    """x / sqrt(mean(x²) + ε) · gain over the last axis, float32."""
    scale = 1.0 / np.sqrt(np.mean(np.square(x), axis=-1, keepdims=True) + np.float32(epsilon))
    return (x * scale * gain).astype(np.float32)


def rope_tables(tokens: int, head_dim: int, base: float) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin (T, d/2) of the angles t·base^(-2i/d), positions t = 0 … T-1."""
    frequencies = base ** (-np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)  # (d/2,)
    angles = np.arange(tokens, dtype=np.float64)[:, None] * frequencies[None, :]  # (T, d/2)
    return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)


def apply_rope(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """Rotate adjacent pairs (x_2i, x_2i+1) of x (heads, T, d) by the angles of (T, d/2)."""
    even, odd = x[..., 0::2], x[..., 1::2]  # (heads, T, d/2)
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def attention_inputs(model: LlamaModel, layer: int, h: np.ndarray, rope) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """q, k, v (1, H, T, d) float32 of normalised states h (T, D); k, v repeated to the H query heads."""
    config = model.config
    tokens, d = h.shape[0], config.head_dim
    q = (h @ model.layer(layer, "attn_q").T).reshape(tokens, config.heads, d).transpose(1, 0, 2)  # (H, T, d)
    k = (h @ model.layer(layer, "attn_k").T).reshape(tokens, config.kv_heads, d).transpose(1, 0, 2)  # (H_kv, T, d)
    v = (h @ model.layer(layer, "attn_v").T).reshape(tokens, config.kv_heads, d).transpose(1, 0, 2)
    q, k = apply_rope(q, *rope), apply_rope(k, *rope)
    group = config.heads // config.kv_heads
    k, v = (np.repeat(x, group, axis=0) for x in (k, v))  # (H, T, d): query head h reads K/V head h // group
    return q[None], np.ascontiguousarray(k[None]), np.ascontiguousarray(v[None])


def block(model: LlamaModel, layer: int, x: np.ndarray, attention: AttentionFn, rope) -> np.ndarray:
    """Residual stream x (T, D) after decoder block ``layer``."""
    config = model.config
    h = rms_norm(x, model.layer(layer, "attn_norm"), config.norm_epsilon)
    q, k, v = attention_inputs(model, layer, h, rope)
    y = np.asarray(attention(layer, q, k, v), dtype=np.float32)[0]  # (H, T, d)
    x = x + y.transpose(1, 0, 2).reshape(x.shape[0], config.d_model) @ model.layer(layer, "attn_output").T
    h = rms_norm(x, model.layer(layer, "ffn_norm"), config.norm_epsilon)
    gate = h @ model.layer(layer, "ffn_gate").T  # (T, d_ff)
    hidden = gate / (1.0 + np.exp(-gate)) * (h @ model.layer(layer, "ffn_up").T)  # SiLU(gate) ⊙ up
    return x + hidden @ model.layer(layer, "ffn_down").T


def forward(model: LlamaModel, tokens: np.ndarray, attention: AttentionFn, layers: int | None = None,
            logits: bool = True) -> np.ndarray:
    """Logits (T, vocab) float32 of token ids (T,), or the residual stream (T, D) with ``logits=False``.

    ``layers`` runs only the first N blocks (tests); default all.
    """
    config = model.config
    x = model.weights["token_embd.weight"][tokens]  # (T, D)
    rope = rope_tables(len(tokens), config.head_dim, config.rope_base)
    for layer in range(config.layers if layers is None else layers):
        x = block(model, layer, x, attention, rope)
    if not logits:
        return x
    return rms_norm(x, model.weights["output_norm.weight"], config.norm_epsilon) @ model.output.T


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log p (T, vocab) float64 of logits (T, vocab)."""
    shifted = logits.astype(np.float64) - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def perplexity(logits: np.ndarray, tokens: np.ndarray) -> float:
    """exp(-mean_t log p(token_{t+1} | tokens ≤ t)) over the T - 1 predictions [-]."""
    log_p = log_softmax(logits[:-1])  # (T-1, vocab)
    chosen = log_p[np.arange(len(tokens) - 1), tokens[1:]]
    return float(np.exp(-chosen.mean()))
