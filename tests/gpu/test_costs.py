"""The GPU cost model against hand-derived numbers, and its floor never above the estimate."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from archmodel import MappingError, estimate, with_overrides
from archmodel.costs.gpu import op_traffic
from archmodel.graph import build_graph, ops_in_order
from archmodel.specs.gpu import select_calibration, with_calibration
from tests.gpu.conftest import GPU_SPECS

#: bytes of one step of the paper's benchmark, by op (batch 64, H = 12, d = 64, 1024 slots, 4-byte float32):
#: score and weighted_sum read K or V (64·768·1024) plus q or the output (64·768); kv_write reads k, v and
#: writes them (64·(1536 + 1536)); head_reduction reads and writes the outputs (64·1536); activation moves none
PAPER_BYTES = {
    "kv_write": 4 * 64 * (1536 + 1536),
    "score": 4 * 64 * (768 * 1024 + 768),
    "activation": 0,
    "weighted_sum": 4 * 64 * (768 * 1024 + 768),
    "head_reduction": 4 * 64 * 1536,
}
#: FLOPs: 2·H·d per token for each product, 5·H per token for softmax, 2·H·d for the reduction
PAPER_FLOPS = {"kv_write": 0, "score": 64 * 1536 * 1024, "activation": 64 * 60 * 1024,
               "weighted_sum": 64 * 1536 * 1024, "head_reduction": 64 * 1536}


def test_bytes_and_flops_of_the_paper_step(paper_workload):
    for op in ops_in_order(build_graph(paper_workload)):
        moved, flops = op_traffic(op, 64, 4.0, np.array([1024.0]))
        assert_allclose(moved, PAPER_BYTES[op.name], rtol=1e-12, err_msg=op.name)
        assert_allclose(flops, PAPER_FLOPS[op.name], rtol=1e-12, err_msg=op.name)


def test_rtx4090_floor_by_hand(load_gpu, paper_workload):
    """Floor = Σ max(Q/B_peak, F/F_peak): memory for every op but softmax (compute only), DRAM 7.25 pJ/bit."""
    result = estimate(with_calibration(load_gpu("rtx4090"), "paper_pytorch_eager"), paper_workload, context=1024,
                      scope="layer")
    moved = sum(PAPER_BYTES.values())
    expected_time = moved / 1.008e12 + PAPER_FLOPS["activation"] / 82.6e12
    assert_allclose(result.floor_latency, expected_time, rtol=1e-9)
    assert_allclose(result.floor_energy, moved * 8 * 7.25e-12, rtol=1e-9)
    assert_allclose(result.energy_by_group["dram"], moved * 8 * 7.25e-12, rtol=1e-9)


def test_rtx4090_estimate_by_hand(load_gpu, paper_workload):
    """Eager: t = Σ max(Q/(η·B), F/(κ·F_peak)) + 6·t0; E = 8·e_bit·Q + P_a·t_x (launch gaps at idle), t_x = t − 6·t0."""
    gpu = with_calibration(load_gpu("rtx4090"), "paper_pytorch_eager")
    p = select_calibration(gpu, "paper_pytorch_eager").calibration.parameters
    k = p.kernel_classes["attention"]
    moved = sum(PAPER_BYTES.values())
    busy = moved / (k.bandwidth_fraction * 1.008e12) + PAPER_FLOPS["activation"] / (k.compute_fraction * 82.6e12)
    result = estimate(gpu, paper_workload, context=1024, scope="layer")
    assert_allclose(result.latency, busy + 6 * k.launch_time, rtol=1e-9)
    assert_allclose(result.energy, moved * 8 * 7.25e-12 + p.active_power * busy, rtol=1e-9)
    assert_allclose(result.board_energy, result.energy + 20.0 * result.latency, rtol=1e-12)  # idle 20 W (rtx4090.json)


def test_head_and_model_scopes(load_gpu, paper_workload):
    """A head is 1/H of a layer's energy in the layer's time; the model is L layers one after another."""
    gpu = load_gpu("h100_sxm")
    four_layers = with_overrides(paper_workload, {"model.layers": 4}, label="test")
    layer = estimate(gpu, four_layers, scope="layer")
    head = estimate(gpu, four_layers, scope="head")
    model = estimate(gpu, four_layers, scope="model")
    assert_allclose(head.energy * 12, layer.energy, rtol=1e-12)
    assert_allclose(head.latency, layer.latency, rtol=1e-12)
    assert_allclose(model.energy, 4 * layer.energy, rtol=1e-12)
    assert_allclose(model.latency, 4 * layer.latency, rtol=1e-12)


def test_lm_head_is_counted_once_in_the_model_scope(load_gpu, paper_workload):
    """Ops outside the layers are charged 1/L per layer so that the model scope (×L) counts them once."""
    full = with_overrides(paper_workload, {"scope": "full", "model.layers": 4, "batch": 1}, label="test")
    result = estimate(load_gpu("h100_sxm"), full, scope="model")
    lm_head = result.ledger.query("op == 'lm_head' and component == 'dram_access'")["energy"].sum()
    weights, activations = 768 * 50257, 768 + 50257  # W_lm read once, x in and logits out (batch 1)
    assert_allclose(lm_head, (weights + activations) * 4 * 8 * 3.9e-12, rtol=1e-9)


def test_a_dtype_without_a_peak_is_refused(load_gpu, paper_workload):
    int4 = with_overrides(paper_workload, {"dtype": "int4"}, label="test")
    with pytest.raises(MappingError, match=r"h100_sxm\.json: \$\.peak_compute: H100 SXM lists no peak compute for dtype 'int4'"):
        estimate(load_gpu("h100_sxm"), int4)


STEMS = [path.stem for path in GPU_SPECS]


@st.composite
def workloads(draw, base):
    kv_heads = draw(st.sampled_from([1, 2, 4, 8]))
    kind = draw(st.sampled_from(["causal", "sliding_window", "full_buffer"]))
    overrides = {
        "model.kv_heads": kv_heads,
        "model.heads": kv_heads * draw(st.sampled_from([1, 2, 4])),
        "model.head_dim": draw(st.sampled_from([32, 64, 128])),
        "model.layers": draw(st.integers(1, 4)),
        "batch": draw(st.sampled_from([1, 3, 16, 64])),
        "dtype": draw(st.sampled_from(["float32", "float16"])),
        "scope": draw(st.sampled_from(["attention", "full"])),
        "attention": {"kind": kind, "window": None if kind == "causal" else draw(st.sampled_from([64, 1024, 4096]))},
    }
    return with_overrides(base, overrides, label="hypothesis")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_floor_never_above_the_estimate(data, load_gpu, paper_workload):
    workload = data.draw(workloads(paper_workload))
    gpu = load_gpu(data.draw(st.sampled_from(STEMS)))
    contexts = data.draw(st.lists(st.integers(1, 8192), min_size=1, max_size=4))
    scope = data.draw(st.sampled_from(["head", "layer", "model"]))
    try:
        result = estimate(gpu, workload, context=contexts, scope=scope)
    except MappingError:
        assume(False)
    assert np.all(result.floor_latency <= result.latency * (1 + 1e-12))
    assert np.all(result.floor_energy <= result.energy * (1 + 1e-12))
    assert np.all(result.floor_latency > 0) and np.all(result.floor_energy > 0)
