"""The model's own byte-level BPE tokenizer, rebuilt from the GGUF's vocabulary and merges.

A GGUF with ``tokenizer.ggml.model = gpt2`` stores the tokens (byte-level
strings, ``Ġ`` for a space), their types (3: control, e.g. ``<|im_end|>``)
and the BPE merges ``"a b"`` in rank order.  The ``tokenizers`` package
builds the same tokenizer from them: BPE model, pre-tokenisation of the
``tokenizer.ggml.pre`` style, byte-level decoding.  Pre-tokenisers:

- ``smollm`` (SmolLM/SmolLM2, llama.cpp ``LLAMA_VOCAB_PRE_TYPE_SMOLLM``):
  every digit alone, then the GPT-2 regex;
- ``default``/``gpt2``: the GPT-2 regex.
"""

from __future__ import annotations

from archmodel.models.gguf_file import field
from archmodel.specs.errors import SpecError

#: token type of a control token in ``tokenizer.ggml.token_type`` (llama.cpp's LLAMA_TOKEN_TYPE_CONTROL)
CONTROL = 3
#: pre-tokenisation styles this module builds, by ``tokenizer.ggml.pre``
PRE_TOKENIZERS = ("smollm", "gpt2", "default")


def build_tokenizer(reader, file: str):
    """A ``tokenizers.Tokenizer`` equal to the model's (see module docstring)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    kind = field(reader, "tokenizer.ggml.model", file)
    if kind != "gpt2":
        raise SpecError(file, "tokenizer.ggml.model", f"expected 'gpt2' (byte-level BPE), got {kind!r}")
    style = field(reader, "tokenizer.ggml.pre", file, default="default", required=False)
    if style not in PRE_TOKENIZERS:
        raise SpecError(file, "tokenizer.ggml.pre", f"expected one of {', '.join(PRE_TOKENIZERS)}, got {style!r}")
    tokens = field(reader, "tokenizer.ggml.tokens", file)
    merges = [tuple(merge.split(" ", 1)) for merge in field(reader, "tokenizer.ggml.merges", file)]
    types = field(reader, "tokenizer.ggml.token_type", file, default=[], required=False)
    vocabulary = {token: index for index, token in enumerate(tokens)}
    tokenizer = Tokenizer(models.BPE(vocabulary, merges, fuse_unk=False, byte_fallback=False))
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    if style == "smollm":
        tokenizer.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), byte_level])
    else:
        tokenizer.pre_tokenizer = byte_level
    tokenizer.decoder = decoders.ByteLevel()
    control = [tokens[index] for index, kind in enumerate(types) if kind == CONTROL]
    tokenizer.add_special_tokens([AddedToken(token, special=True, normalized=False) for token in control])
    return tokenizer
