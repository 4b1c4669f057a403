"""The GGUF reader, tokenizer and forward pass on the tiny model; bad files as one-line errors."""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel import load_workload
from archmodel.cli import run
from archmodel.models import ModeAttention, forward, load_model, perplexity
from archmodel.models.llama import apply_rope, rope_tables
from archmodel.specs.errors import SpecError
from tests.models import tiny as tiny_model


def test_config_and_tokenizer_come_from_the_metadata(tiny):
    config = tiny.config
    assert (config.layers, config.d_model, config.heads, config.kv_heads, config.head_dim, config.d_ff, config.vocab) == (
        tiny_model.LAYERS, tiny_model.D_MODEL, tiny_model.HEADS, tiny_model.KV_HEADS, 16, tiny_model.D_FF, 260)
    # BPE by merge rank: 'Ġ t' then 'h e' then 'Ġt he'; at the start there is no 'Ġ', so 't' + 'he';
    # ids: bytes are 0-255 in GPT-2 symbol order ('t' = 116, 'c' = 99), merges 256-258, control 259.
    assert tiny.encode("the the cat<|end|>").tolist() == [116, 257, 258, 32, 99, 97, 116, 259]


def test_rope_scores_depend_on_the_offset_only():
    """RoPE rotates pair i of position t by t·θ_i, so q_m·k_n depends on m - n alone."""
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=(1, 1, 16)).astype(np.float32), rng.normal(size=(1, 1, 16)).astype(np.float32)
    cos, sin = rope_tables(12, 16, 10000.0)
    rotated_q = apply_rope(np.repeat(q, 12, axis=1), cos, sin)[0]  # (T, d)
    rotated_k = apply_rope(np.repeat(k, 12, axis=1), cos, sin)[0]
    assert_allclose(rotated_q[7] @ rotated_k[3], rotated_q[9] @ rotated_k[5], rtol=1e-5)
    assert_allclose(np.linalg.norm(rotated_q, axis=-1), np.linalg.norm(q), rtol=1e-5)


def test_every_mode_runs_and_softmax_layers_match_themselves(tiny):
    ids = tiny.encode("the the the cat sat on the mat")
    for mode in ("softmax", "softmax_window", "hardsigmoid", "gaincell_linear", "gaincell_cubic"):
        attention = ModeAttention(mode)
        value = perplexity(forward(tiny, ids, attention), ids)
        assert np.isfinite(value) and value > 1
        assert len(attention.layer_cosine()) == tiny.config.layers
    softmax = ModeAttention("softmax")
    forward(tiny, ids, softmax)
    assert_allclose(softmax.layer_cosine(), 1.0, atol=1e-12)


def test_perplexity_of_a_known_distribution():
    """Uniform logits over V tokens: every prediction has p = 1/V, perplexity V."""
    assert_allclose(perplexity(np.zeros((5, 7), np.float32), np.array([1, 2, 3, 4, 5])), 7.0, rtol=1e-12)


def test_workload_from_the_gguf(tiny_dir):
    workload = load_workload(tiny_dir / "tiny.gguf")
    shape = workload.model
    assert (shape.layers, shape.d_model, shape.heads, shape.kv_heads, shape.head_dim, shape.mlp) == (2, 32, 2, 1, 16, "gated")
    assert workload.attention.kind == "causal"


@pytest.mark.parametrize("file, message", [
    ("gpt2.gguf", "general.architecture: expected 'llama' (the only architecture the forward pass runs), got 'gpt2'"),
    ("missing.gguf", "blk.1.ffn_up.weight: required tensor is missing"),
    ("q5.gguf", "blk.0.attn_q.weight: tensor type Q5_0 is not supported; expected one of F32, F16, Q8_0, Q4_1"),
    ("absent.gguf", "$: GGUF file not found"),
])
def test_bad_files_are_one_line_errors(tiny_dir, file, message, capsys):
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)").replace("$", r"\$")):
        load_model(tiny_dir / file)
    text = tiny_dir / "text.txt"
    text.write_text("the cat sat on the mat")
    assert run(["evaluate", "--model", str(tiny_dir / file), "--text", str(text), "--json"]) == 2
    error = capsys.readouterr().err.strip()
    assert error == f"archmodel: error: {tiny_dir / file}: {message}"


def test_a_text_shorter_than_two_tokens_is_refused(tiny_dir, capsys):
    text = tiny_dir / "short.txt"
    text.write_text("t")
    assert run(["evaluate", "--model", str(tiny_dir / "tiny.gguf"), "--text", str(text)]) == 2
    assert capsys.readouterr().err.strip() == f"archmodel: error: --text {text} has 1 token; a perplexity needs at least 2"


@pytest.mark.parametrize("args, message", [
    (["--mode", "cubic"], "--mode: unknown mode 'cubic'"),
    (["--tokens", "1"], "--tokens: expected an integer ≥ 2, got 1"),
    (["--model", "gpt-5"], "--model: expected smollm2-135m or a path ending in .gguf, got 'gpt-5'"),
    (["--grouping", "slots", "--mode", "gaincell_cubic"], "grouping must be one of ring, absolute, got 'slots'"),
])
def test_bad_flags_are_one_line_errors(tiny_dir, args, message, capsys):
    text = tiny_dir / "text.txt"
    text.write_text("the cat sat on the mat")
    base = ["evaluate", "--model", str(tiny_dir / "tiny.gguf"), "--text", str(text)]
    if "--model" in args:
        base = ["evaluate", "--text", str(text)]
    assert run(base + args) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and message in error


def test_evaluate_json_has_every_mode(tiny_dir, capsys):
    text = tiny_dir / "text.txt"
    text.write_text("the cat sat on the mat and the dog sat on the log")
    assert run(["evaluate", "--model", str(tiny_dir / "tiny.gguf"), "--text", str(text), "--tokens", "20", "--json",
                "--adapt", "--adapt-iterations", "3"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["text_tokens"] == 20 and result["model"].endswith("tiny.gguf")
    names = [(entry["mode"], entry["scalers"]) for entry in result["modes"]]
    assert names == [("softmax", None), ("softmax_window", None), ("hardsigmoid", None), ("gaincell_linear", "calibrated"),
                     ("gaincell_linear", "adapted"), ("gaincell_cubic", "calibrated"), ("gaincell_cubic", "adapted")]
    for entry in result["modes"]:
        assert len(entry["layer_cosine"]) == 2 and entry["perplexity"] > 1
    adapted = result["modes"][4]["adaptation"]
    assert adapted["iterations"] == 3 and np.isfinite(adapted["perplexity_initial"])


def test_perplexity_next_to_energy_per_token(tiny_dir, capsys):
    """Gain-cell modes pair with the gain-cell chip, softmax modes with the GPU; prices are the estimator's.

    A bare gain-cell chip is priced on the attention core of every layer (it
    refuses the whole network without a host); the GPU on the whole network.
    """
    from archmodel import estimate, load_chip
    from archmodel.specs.loading import with_overrides

    text = tiny_dir / "text.txt"
    text.write_text("the cat sat on the mat and the dog sat on the log")
    chips = ["hardware_specs/gaincell_leroux2025.json", "hardware_specs/gpu/h100_sxm.json"]
    args = ["evaluate", "--model", str(tiny_dir / "tiny.gguf"), "--text", str(text), "--tokens", "12", "--json",
            "--mode", "softmax", "--mode", "gaincell_cubic"]
    assert run(args + sum((["--energy-chip", chip] for chip in chips), [])) == 0
    rows = json.loads(capsys.readouterr().out)["energy"]
    assert [(row["chip"], row["mode"]) for row in rows] == [(chips[0], "gaincell_cubic"), (chips[1], "softmax")]
    network = load_workload(tiny_dir / "tiny.gguf")
    attention = with_overrides(network, {"scope": "attention"})
    expected = estimate(load_chip(chips[0]), attention, context=12, scope="model")
    assert_allclose(rows[0]["energy_per_token"], expected.energy_per_token[0], rtol=1e-12)
    assert [row["covers"] for row in rows] == ["attention", "network"]
    on_gpu = estimate(load_chip(chips[1]), network, context=12, batch=1, scope="model")
    assert_allclose(rows[1]["energy_per_token"], on_gpu.energy_per_token[0], rtol=1e-12)


def test_adaptation_moves_the_statistics_toward_the_targets(tiny):
    """Statistics matching (α = 1 at the first step): the largest |moment - target| falls from the first pass."""
    from archmodel.models import adapt_model

    ids = tiny.encode("the cat sat on the mat and the dog sat on the log")
    result = adapt_model(tiny, ids, "gaincell_cubic", max_iterations=4)
    assert result.iterations == 4 and len(result.scalers) == tiny.config.layers
    assert result.history[-1] < 0.5 * result.history[0]


def test_a_chip_that_cannot_hold_the_context_fails_before_the_run(tiny_dir, capsys):
    """The tiny network on the gain-cell chip holds 128 causal tokens (the estimator's capacity check)."""
    text = tiny_dir / "long.txt"
    text.write_text("the cat " * 200)
    args = ["evaluate", "--model", str(tiny_dir / "tiny.gguf"), "--text", str(text), "--tokens", "300",
            "--energy-chip", "hardware_specs/gaincell_leroux2025.json"]
    assert run(args) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "causal attention needs 300 live tokens" in error
