"""Power that follows utilisation, board energy, kernel classes and the fused-vs-eager ordering.

Expected values come from the model's equations (docs/gpu_model.md) and the shipped specs: H100 SXM idle 68 W,
board 700 W (h100_sxm.json); the 'serving' calibration of h100_sxm.calibration.json.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from archmodel import MappingError, estimate, load_workload, with_overrides
from archmodel.graph.ops import OP_KINDS
from archmodel.measure.harness import EAGER_KERNELS
from archmodel.measure.public import with_parameters
from archmodel.specs.gpu import KERNEL_CLASS_OF_KIND, select_calibration
from tests.conftest import WORKLOADS
from tests.gpu.conftest import GPU_SPECS

BATCHES = [1, 8, 32, 128]


@pytest.fixture(scope="module")
def llama():
    """Llama 3 8B, every op, bfloat16 (workloads/llama-3-8b.json)."""
    return with_overrides(load_workload(WORKLOADS / "llama-3-8b.json"), {"scope": "full", "dtype": "bfloat16"}, label="test")


def _by_batch(gpu, workload, context=1024):
    results = [estimate(gpu, with_overrides(workload, {"batch": b}, label="test"), context=[context], scope="model")
               for b in BATCHES]
    power = np.array([r.board_energy[0] / r.latency[0] for r in results])
    return results, power


def test_power_rises_with_batch_and_energy_per_token_falls(load_gpu, llama):
    """More sequences per step: more bytes and FLOPs per second (board power up), fewer joules per token."""
    results, power = _by_batch(load_gpu("h100_sxm"), llama)
    assert np.all(np.diff(power) > 0), power
    assert 68 < power[0] and power[-1] <= 700  # between idle and the board limit (h100_sxm.json)
    per_token = np.array([r.energy_per_token[0] for r in results])
    board = np.array([r.board_energy_per_token[0] for r in results])
    assert np.all(np.diff(per_token) < 0) and np.all(np.diff(board) < 0)


def test_power_falls_to_near_idle_when_launch_bound(load_gpu, paper_workload):
    """One sequence, 16 tokens of one 12-head layer: kilobyte kernels finish in nanoseconds, each launch takes
    microseconds, so the GPU sits in launch gaps at idle power: board power within 5 % of the headroom of idle."""
    tiny = with_overrides(paper_workload, {"batch": 1, "attention": {"kind": "full_buffer", "window": 16}}, label="test")
    gpu = load_gpu("h100_sxm")
    result = estimate(gpu, tiny, scope="layer")
    power = result.board_energy[0] / result.latency[0]
    assert 68 <= power < 68 + 0.05 * (700 - 68)
    busy = result.ledger.query("component == 'processor_busy'")["events"].sum()  # t_x, summed over ops [s]
    assert busy < 0.05 * result.latency[0]


@pytest.mark.parametrize("path", GPU_SPECS, ids=lambda path: path.stem)
def test_board_energy_is_above_idle_plus_idle_power_times_time(path, load_gpu, paper_workload):
    gpu = load_gpu(path.stem)
    result = estimate(gpu, paper_workload, context=[256, 1024], scope="layer")
    assert_allclose(result.board_energy, result.energy + gpu.power.idle * result.latency, rtol=1e-12)
    point = result.to_dict()["points"][1]
    assert_allclose(point["board_energy_j"], point["energy_j"] + gpu.power.idle * point["latency_s"], rtol=1e-12)
    assert_allclose(point["board_energy_per_token_j"], point["board_energy_j"] / 64, rtol=1e-12)


def test_cli_json_points_carry_board_energy(cli, paper_workload):
    from tests.gpu.conftest import GPU_DIR, PAPER_WORKLOAD

    code, out, err = cli("estimate", "--chip", GPU_DIR / "h100_sxm.json", "--workload", PAPER_WORKLOAD, "--json")
    assert code == 0, err
    point = json.loads(out)["points"][0]
    assert point["board_energy_j"] > point["energy_j"] > 0 and point["board_energy_per_token_j"] > 0


def _eager(gpu):
    """The same GPU and calibration values run eagerly: no launch overlap, the paper loop's kernels per op."""
    calibration = select_calibration(gpu).calibration
    eager = calibration.model_copy(update={"launch_overlap": False, "kernels_per_op": dict(EAGER_KERNELS)})
    return with_parameters(gpu, eager, calibration.parameters)


@st.composite
def workloads(draw, base):
    kv_heads = draw(st.sampled_from([1, 4, 8]))
    return with_overrides(base, {
        "model.kv_heads": kv_heads, "model.heads": kv_heads * draw(st.sampled_from([1, 4])),
        "model.layers": draw(st.integers(1, 4)), "batch": draw(st.sampled_from([1, 4, 64, 256])),
        "dtype": draw(st.sampled_from(["float16", "bfloat16", "float8"])),
        "scope": draw(st.sampled_from(["attention", "full"]))}, label="hypothesis")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fused_is_never_slower_than_eager_for_the_same_work(data, load_gpu, llama):
    """Same bytes, FLOPs, fractions and host overhead: overlapped launches and fewer kernels never add time,
    t = max(t_x, k_f·t_l) ≤ t_x + k_e·t_l with k_f ≤ k_e; the board energy follows the time."""
    gpu = load_gpu(data.draw(st.sampled_from(["h100_sxm", "a100_sxm_80gb", "rtx4090", "h200"])))
    workload = data.draw(workloads(llama))
    contexts = data.draw(st.lists(st.integers(1, 8192), min_size=1, max_size=3))
    try:
        fused = estimate(gpu, workload, context=contexts, scope="model")
    except MappingError:
        assume(False)
    eager = estimate(_eager(gpu), workload, context=contexts, scope="model")
    assert np.all(fused.latency <= eager.latency * (1 + 1e-12))
    assert np.all(fused.board_energy <= eager.board_energy * (1 + 1e-12))
    assert_allclose(fused.energy, eager.energy, rtol=1e-9)  # launch gaps are at idle power: same energy above idle


def test_gpt2_full_batch_1_is_faster_fused(load_gpu):
    """The issue's example: GPT-2 (all ops) at batch 1 on an H100 was slower 'fused' (1.93 ms) than eager."""
    gpu = load_gpu("h100_sxm")
    gpt2 = with_overrides(load_workload(WORKLOADS / "gpt2.json"), {"scope": "full", "batch": 1}, label="test")
    assert estimate(gpu, gpt2, scope="model").latency[0] < estimate(_eager(gpu), gpt2, scope="model").latency[0]


def test_every_op_kind_has_a_kernel_class():
    assert set(KERNEL_CLASS_OF_KIND) == set(OP_KINDS)


def test_float8_runs_where_the_gpu_has_a_peak(load_gpu, llama):
    """H100 SXM: FP8 dense 1978.9 TFLOP/s, twice BF16 (h100_sxm.json); half the bytes make FP8 decoding faster.
    The A100 lists no FP8 peak (Ampere has none) and refuses."""
    fp8 = with_overrides(llama, {"dtype": "float8", "batch": 64}, label="test")
    bf16 = with_overrides(llama, {"batch": 64}, label="test")
    h100 = load_gpu("h100_sxm")
    assert h100.peak_compute["float8"] == pytest.approx(2 * h100.peak_compute["bfloat16"], rel=1e-3)
    assert estimate(h100, fp8, scope="model").latency[0] < estimate(h100, bf16, scope="model").latency[0]
    with pytest.raises(MappingError, match=r"A100 80GB lists no peak compute for dtype 'float8'"):
        estimate(load_gpu("a100_sxm_80gb"), fp8)


def test_cost_model_accepts_arrays_in_float_parameters(load_gpu, paper_workload):
    """A sweep may put an array of shape (points,) in a float calibration field, aligned with the contexts."""
    gpu = load_gpu("h100_sxm")
    calibration = select_calibration(gpu).calibration
    p = calibration.parameters
    etas = np.array([0.3, 0.6, 0.9])
    classes = {name: k.model_copy(update={"bandwidth_fraction": etas}) for name, k in p.kernel_classes.items()}
    swept = with_parameters(gpu, calibration, p.model_copy(update={"kernel_classes": classes, "active_power": etas * 100}))
    result = estimate(swept, paper_workload, context=[1024] * 3, scope="layer")
    one = [estimate(with_parameters(gpu, calibration, p.model_copy(update={
        "kernel_classes": {n: k.model_copy(update={"bandwidth_fraction": e}) for n, k in p.kernel_classes.items()},
        "active_power": e * 100})), paper_workload, context=[1024], scope="layer") for e in etas]
    assert_allclose(result.latency, [r.latency[0] for r in one], rtol=1e-12)
    assert_allclose(result.energy, [r.energy[0] for r in one], rtol=1e-12)


def test_a_working_set_that_fits_in_l2_is_read_from_l2(load_gpu, paper_workload):
    """The paper's layer at batch 1 re-reads 2·12·64·1024·4 B = 6.3 MB of KV per step: under the H100's 50 MB L2,
    so its KV reads cost no DRAM energy and move at the L2 bandwidth (8.986 TB/s, h100_sxm.json); at batch 64
    (403 MB) nothing changes.  Without an L2 bandwidth in the spec, no residency is modelled."""
    gpu = load_gpu("h100_sxm")
    no_l2 = with_overrides(gpu, {"on_chip.l2_bandwidth": None}, label="test")
    one = with_overrides(paper_workload, {"batch": 1}, label="test")
    resident, dram_only = estimate(gpu, one, scope="layer"), estimate(no_l2, one, scope="layer")
    score = resident.ledger.query("op == 'score' and component == 'dram_access'")["events"].sum()
    assert_allclose(score, 4 * 768, rtol=1e-12)  # only q is read from DRAM: 768 float32 elements
    assert resident.latency[0] < dram_only.latency[0] and resident.energy[0] < dram_only.energy[0]
    assert resident.floor_latency[0] <= resident.latency[0]
    big = estimate(gpu, paper_workload, scope="layer"), estimate(no_l2, paper_workload, scope="layer")
    assert_allclose(big[0].latency, big[1].latency, rtol=1e-12)


@pytest.mark.parametrize("path", GPU_SPECS, ids=lambda path: path.stem)
def test_every_gpu_but_the_jetson_nano_defaults_to_serving(path, load_gpu):
    gpu = load_gpu(path.stem)
    calibration = select_calibration(gpu).calibration
    if path.stem == "jetson_nano":
        assert calibration.name == "paper_pytorch_eager"
    else:
        assert calibration.name == "serving" and calibration.launch_overlap
