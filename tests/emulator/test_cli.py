"""``run_emulate``: the function behind ``archmodel emulate``."""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel.emulator import Scalers, attention, mean_cosine_similarity, relative_l2_error
from archmodel.emulator.cli import METRIC_KEYS, run_emulate
from archmodel.emulator.inputs import random_inputs
from archmodel.emulator.scalers import fit_output_pair, range_matched_scalers
from archmodel.emulator.settings import hardware_of
from archmodel.specs import UsageError

from .conftest import random_qkv

SMALL = dict(tokens=80, heads=2, batch=1, window=64)


def test_random_inputs_metrics_and_output(chip_path, tmp_path):
    out = tmp_path / "out.npz"
    metrics = run_emulate(chip_path, "gaincell_cubic", out=out, seed=3, **SMALL)
    assert tuple(metrics) == METRIC_KEYS
    json.dumps(metrics)  # JSON-ready
    assert (metrics["q_levels"], metrics["kv_levels"], metrics["out_levels"]) == (16, 8, 32)  # the chip's
    assert metrics["head_dim"] == 64 and metrics["window"] == 64 and metrics["calibrated_scalers"] == ["q", "k", "v", "out"]
    with np.load(out) as archive:
        assert archive.files == ["y"] and archive["y"].shape == (1, 2, 80, 64) and archive["y"].dtype == np.float32
        y = archive["y"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.npz"]  # no temporary file left behind
    # the same calibration by hand: random inputs of seed 3 (d = the chip's array rows), q, k, v scalers
    # range-matched on the chip's clamp ranges, output scalers the least-squares fit to ideal attention
    q, k, v = random_inputs(1, 2, 80, 64, 3)
    scalers = range_matched_scalers(q, k, v, hardware_of(chip_path))
    ideal = attention(q, k, v, mode="softmax_window", window=64)
    expected = {}
    for mode in ("gaincell_cubic", "gaincell_linear"):
        z = attention(q, k, v, mode=mode, chip=chip_path, window=64, scalers=scalers)
        a, b = fit_output_pair(z, ideal)
        expected[mode] = a[None, :, None, None] * z + b[None, :, None, None]
    assert_allclose(y, expected["gaincell_cubic"], rtol=0, atol=1e-6)
    assert_allclose(metrics["relative_l2_error_vs_ideal"], relative_l2_error(y, ideal), rtol=1e-12)
    assert_allclose(metrics["mean_cosine_similarity_vs_ideal"], mean_cosine_similarity(y, ideal), rtol=1e-12)
    assert_allclose(metrics["relative_l2_error_vs_linear"], relative_l2_error(y, expected["gaincell_linear"]), rtol=1e-5)


def test_linear_mode_is_its_own_linear_reference(chip_path):
    metrics = run_emulate(chip_path, "gaincell_linear", **SMALL)
    assert metrics["relative_l2_error_vs_linear"] == 0.0 and metrics["mean_cosine_similarity_vs_linear"] == 1.0


def test_ideal_mode_against_itself(chip_path):
    metrics = run_emulate(chip_path, "softmax_window", **SMALL)
    assert metrics["relative_l2_error_vs_ideal"] == 0.0
    assert metrics["q_levels"] is None and metrics["phi_zero_fraction"] is None and metrics["calibrated_scalers"] == []


def test_inputs_with_scalers_are_used_as_given(chip_path, tmp_path):
    q, k, v = random_qkv(tokens=70, dim=64, seed=9)
    scalers = Scalers.initial(2).with_pair("out", np.array([2.0, 3.0]), np.array([0.0, 0.1]))
    np.savez(tmp_path / "in.npz", q=q, k=k, v=v, **scalers.as_dict())
    out = tmp_path / "out.npz"
    metrics = run_emulate(chip_path, "gaincell_cubic", inputs=tmp_path / "in.npz", out=out, window=64,
                          decay_per_step=1e-3, no_quantization=True, path="decode")
    assert metrics["calibrated_scalers"] == [] and metrics["q_levels"] is None and metrics["path"] == "decode"
    expected = attention(q, k, v, mode="gaincell_cubic", window=64, decay_per_step=1e-3, scalers=scalers)
    with np.load(out) as archive:
        assert_allclose(archive["y"], expected, rtol=0, atol=1e-6)


def test_out_file_is_replaced_whole(chip_path, tmp_path):
    out = tmp_path / "out.npz"
    out.write_bytes(b"old")
    run_emulate(chip_path, "hardsigmoid", out=out, **SMALL)
    with np.load(out) as archive:
        assert archive["y"].shape == (1, 2, 80, 64)


@pytest.mark.parametrize("arrays, message", [
    (dict(q=1, k=1), r"missing array 'v'; expected float arrays q, k, v"),
    (dict(q=1, k=1, v=1, a_q=np.ones(2)), "has a_q but not b_q"),
])
def test_bad_npz(chip_path, tmp_path, arrays, message):
    q, _, _ = random_qkv(tokens=4)
    np.savez(tmp_path / "in.npz", **{name: q for name, value in arrays.items() if name in "qkv"},
             **{name: value for name, value in arrays.items() if name not in "qkv"})
    with pytest.raises(UsageError, match=message):
        run_emulate(chip_path, "gaincell_linear", inputs=tmp_path / "in.npz")


def test_unreadable_inputs_and_outputs(chip_path, tmp_path):
    (tmp_path / "in.npz").write_text("not a zip")
    with pytest.raises(UsageError, match="not an npz archive"):
        run_emulate(chip_path, "gaincell_linear", inputs=tmp_path / "in.npz")
    with pytest.raises(UsageError, match="input file not found"):
        run_emulate(chip_path, "gaincell_linear", inputs=tmp_path / "missing.npz")
    with pytest.raises(UsageError, match="cannot write the output, folder .* does not exist"):
        run_emulate(chip_path, "gaincell_linear", out=tmp_path / "no" / "out.npz", **SMALL)


def test_shape_options_only_without_inputs(chip_path, tmp_path):
    q, k, v = random_qkv(tokens=4)
    np.savez(tmp_path / "in.npz", q=q, k=k, v=v)
    with pytest.raises(UsageError, match="--tokens, --heads only apply to random inputs"):
        run_emulate(chip_path, "gaincell_linear", inputs=tmp_path / "in.npz", tokens=4, heads=2)


def test_bad_mode_fails_before_any_work(chip_path):
    with pytest.raises(UsageError, match="unknown mode"):
        run_emulate(chip_path, "gaincell_quartic", tokens=10**9)


@pytest.mark.parametrize("mode, options, message", [
    ("gaincell_cubic", dict(q_levels=1), "q_levels must be an integer ≥ 2"),
    ("gaincell_cubic", dict(decay_per_step=-1.0), "decay_per_step must be a finite number ≥ 0"),
    ("softmax_window", dict(kv_levels=8), "ideal: kv_levels only apply to gain-cell modes"),
    ("softmax_window", dict(chip_out="x.json"), "no analog arrays"),
])
def test_bad_options_fail_before_any_work(chip_path, mode, options, message):
    # 10⁹ random tokens would take minutes and gigabytes: the error must come first
    with pytest.raises(UsageError, match=message):
        run_emulate(chip_path, mode, tokens=10**9, **options)



def test_cli_time_per_token_sets_leakage_from_the_chip_retention(chip_path, capsys):
    """λ = Δt / τ = 0.78 µs / 5 ms = 1.56e-4 (docs/paper.md §3 gives 1.6e-4 per step from the same numbers)."""
    from archmodel.cli import run

    code = run(["emulate", "--chip", str(chip_path), "--mode", "gaincell_linear", "--tokens", "64", "--heads", "2",
                "--time-per-token", "0.78 us", "--json"])
    assert code == 0
    assert_allclose(json.loads(capsys.readouterr().out)["decay_per_step"], 0.78e-6 / 5e-3, rtol=1e-9)


def test_cli_time_per_token_of_the_wrong_unit(chip_path, capsys):
    from archmodel.cli import run

    code = run(["emulate", "--chip", str(chip_path), "--mode", "gaincell_linear", "--time-per-token", "3 mW"])
    assert code == 2 and "--time-per-token: expected a unit of time" in capsys.readouterr().err


def test_chip_out_feeds_measured_activity_to_the_estimator(chip_path, tmp_path, capsys):
    """The exported chip prices K-array reads at the measured query pulse fraction:
    E = H·d·n × Ī·V_R·T_max × f_q (energy model of archmodel/costs/gaincell_arrays.py); one head, n = 1024."""
    from archmodel import estimate, load_chip, load_workload
    from archmodel.cli import run
    from archmodel.costs.gaincell_arrays import full_scale_read_energy

    variant = tmp_path / "measured.json"
    code = run(["emulate", "--chip", str(chip_path), "--mode", "gaincell_cubic", "--tokens", "128", "--heads", "2",
                "--chip-out", str(variant), "--json"])
    metrics = json.loads(capsys.readouterr().out)
    assert code == 0 and metrics["chip_out"] == str(variant)
    chip = load_chip(variant)
    assert_allclose(chip.activity.query_pulse_fraction, metrics["query_pulse_fraction"])
    assert chip.provenance["$.activity.query_pulse_fraction"].kind == "measurement"
    workload = load_workload(chip_path.parents[1] / "workloads" / "gpt2.json")
    reads = estimate(chip, workload, context=1024, scope="head").energy_by_component["key_array"]
    expected = workload.model.head_dim * 1024 * full_scale_read_energy(chip) * metrics["query_pulse_fraction"]
    assert_allclose(reads, expected, rtol=1e-9)
    assert "random inputs (seed 0)" in chip.description


def test_chip_out_needs_a_hardware_mode(chip_path, tmp_path, capsys):
    from archmodel.cli import run

    code = run(["emulate", "--chip", str(chip_path), "--mode", "softmax_window", "--tokens", "64", "--heads", "1",
                "--chip-out", str(tmp_path / "x.json")])
    assert code == 2 and "no analog arrays" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
