"""Scopes: what head, layer and model count (engine/results.py scope_factors)."""

from numpy.testing import assert_allclose

from archmodel import with_overrides


def test_model_scope_counts_ops_outside_the_layers_once():
    """Full GPT-2 on a GPU: the LM head runs once per step, the layer ops 12 times."""
    from archmodel import estimate, load_chip, load_workload
    from tests.conftest import ROOT, WORKLOADS

    gpu = load_chip(ROOT / "hardware_specs" / "gpu" / "h100_sxm.json")
    full = with_overrides(load_workload(WORKLOADS / "gpt2.json"), {"scope": "full"})
    model = estimate(gpu, full, context=1024, scope="model")
    layer = estimate(gpu, full, context=1024, scope="layer")
    phases = model.phases.set_index("op")["latency"]
    per_layer = layer.phases.set_index("op")["latency"]
    assert "lm_head" not in per_layer.index
    assert_allclose(phases["mlp_up"], 12 * per_layer["mlp_up"], rtol=1e-12)
    assert_allclose(model.latency, 12 * layer.latency + phases["lm_head"] + phases["final_norm"] + phases["embedding"], rtol=1e-12)
