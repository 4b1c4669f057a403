"""Physical scaling of the gain-cell model (DESIGN.md §4; paper.md §4 'Scaling stated by the authors').

Expected values are derived from event counts: array energy ∝ live tokens
(H·d·n reads), periphery per live sub-tile ∝ ceil(n/64), digital ∝ active
cycles, latency grows with the adder-tree depth ceil(log2 S) only.
"""

import pytest
from numpy.testing import assert_allclose

from archmodel import estimate, with_overrides


def write_energy(chip) -> float:
    """One K/V write: DAC conversion + cell write [J] (chip JSON: 2.569 pJ + 8.9 fJ)."""
    return chip.dac.energy_per_conversion + chip.gain_cell.energy_per_write


def test_window_2048_doubles_array_groups_and_adds_one_adder_stage(chip, gpt2):
    base = estimate(chip, gpt2, context=4096, scope="head")
    wide = estimate(chip, with_overrides(gpt2, {"attention.window": 2048}), context=4096, scope="head")
    for group in ("qk", "sv"):
        assert_allclose(wide.energy_by_group[group] / base.energy_by_group[group], 2.0, rtol=1e-9)
    # one more adder stage: 1 cycle at 1 GHz on top of 65 ns
    assert_allclose(wide.latency - base.latency, 1e-9, rtol=1e-9)
    # the digital block is active one cycle longer: 36 vs 35 cycles
    assert_allclose(wide.energy_by_group["digital"] / base.energy_by_group["digital"], 36 / 35, rtol=1e-9)
    assert_allclose(wide.energy_by_group["dac"], base.energy_by_group["dac"], rtol=1e-12)
    assert_allclose(wide.area_by_component["key_array"] / base.area_by_component["key_array"], 2.0)


def test_head_dim_128_uses_two_arrays_per_subtile(chip, gpt2):
    wide = with_overrides(gpt2, {"model.head_dim": 128, "model.d_model": 1536})
    result = estimate(chip, wide, context=1024, scope="head")
    tiling = result.accounting.plan.tiling
    assert tiling.arrays_per_subtile == 2
    # 16 sub-tiles × 2 arrays × 4096 cells × 1 µm², for K and for V
    assert_allclose(result.area_by_component["key_array"], 16 * 2 * 4096 * 1e-12)
    base = estimate(chip, gpt2, context=1024, scope="head")
    # d·n cell reads and d pulses per sub-tile double; one conversion per token column does not
    for component, ratio in [("key_array", 2.0), ("query_driver", 2.0), ("signed_readout", 2.0), ("charge_to_pulse", 1.0)]:
        assert_allclose(result.energy_by_component[component] / base.energy_by_component[component], ratio, rtol=1e-9)


def test_short_context_spends_array_energy_only_in_live_subtiles(chip, gpt2):
    result = estimate(chip, gpt2, context=[64, 65, 1024], scope="head")
    reads = result.ledger.query("component == 'key_array'")["events"].to_numpy()
    assert_allclose(reads, [64 * 64, 65 * 64, 1024 * 64])  # d · n cell reads
    pulses = result.ledger.query("component == 'query_driver'")["events"].to_numpy()
    assert_allclose(pulses, [64 * 1, 64 * 2, 64 * 16])  # d per live sub-tile
    assert_allclose(result.latency, 65e-9)  # the pipeline does not shorten


def test_context_beyond_window_saturates(chip, gpt2):
    result = estimate(chip, gpt2, context=[1024, 16384], scope="head")
    assert_allclose(result.energy[0], result.energy[1], rtol=1e-12)


def test_gpt2_xl_maps_48_layers_of_25_heads(chip):
    from archmodel import load_workload
    from tests.conftest import WORKLOADS

    xl = load_workload(WORKLOADS / "gpt2-xl.json")
    head = estimate(chip, xl, context=1024, scope="head")
    model = estimate(chip, xl, context=1024, scope="model")
    tiling = model.accounting.plan.tiling
    assert (tiling.heads, xl.model.layers) == (25, 48)
    assert_allclose(model.energy / head.energy, 48 * 25, rtol=1e-9)
    assert_allclose(model.area / head.area, 48 * 25, rtol=1e-9)
    assert_allclose(model.latency, 48 * 65e-9, rtol=0.01)


def test_batch_64_multiplies_arrays_not_latency(chip, gpt2):
    one = estimate(chip, gpt2, context=1024, batch=1)
    many = estimate(chip, gpt2, context=1024, batch=64)
    assert_allclose(many.latency, one.latency)
    assert_allclose(many.energy, 64 * one.energy, rtol=1e-12)
    assert_allclose(many.area, 64 * one.area, rtol=1e-12)
    assert_allclose(many.time_per_token, one.latency / 64)
    assert_allclose(many.energy_per_token, one.energy, rtol=1e-12)


def test_time_multiplexed_batch_shares_arrays_and_reloads_windows(chip, gpt2):
    shared = with_overrides(chip, {"schedule.batch_policy": "time_multiplex"})
    one = estimate(chip, gpt2, context=1024, batch=1)
    many = estimate(shared, gpt2, context=1024, batch=4)
    assert_allclose(many.area, one.area)
    # each of the 4 sequences: its 65 ns plus reloading 64 slots × one DAC conversion time
    assert_allclose(many.latency, 4 * (65e-9 + 64 * chip.dac.conversion_time), rtol=1e-9)
    reload = many.energy_by_component["window_reload"]
    # 4 sequences × 12 heads × 2 × 64 × 1024 writes
    assert_allclose(reload, 4 * 12 * 2 * 64 * 1024 * write_energy(chip), rtol=1e-9)


def test_write_without_overlap_adds_the_dac_time(chip, gpt2):
    serial = with_overrides(chip, {"schedule.write_overlap": False})
    assert_allclose(estimate(serial, gpt2, context=1024).latency, 75e-9, rtol=1e-9)


def test_refresh_when_the_window_outlives_retention(chip, gpt2):
    """τ = 0.5 ms < window duration 1024 × 0.78 µs = 0.8 ms → tokens older than τ rewritten every τ.

    costs/retention.py: the tokens older than θ·τ = 0.5 ms are n − 1 − 0.5 ms / 0.78 µs = 381.97 of
    the 1024 live ones; each is rewritten Δt/τ times per step.
    """
    leaky = with_overrides(chip, {"gain_cell.retention_time": "0.5 ms"})
    result = estimate(leaky, gpt2, context=1024, scope="layer")
    interval = 12 * 65e-9
    stale = 1024 - 1 - 0.5e-3 / interval
    refreshes = 12 * 2 * 64 * stale * interval / 0.5e-3
    assert_allclose(result.energy_by_component["refresh"], refreshes * write_energy(chip), rtol=1e-9)


def test_activity_fractions_scale_array_energy(chip, gpt2):
    busy = with_overrides(chip, {"activity.query_pulse_fraction": 0.5})
    base = estimate(chip, gpt2, context=1024, scope="head").energy_by_component["key_array"]
    assert_allclose(estimate(busy, gpt2, context=1024, scope="head").energy_by_component["key_array"],
                    base * 0.5 / 0.2409, rtol=1e-9)


def test_grouped_query_attention_time_shares_the_kv_arrays(chip, gpt2):
    gqa = with_overrides(gpt2, {"model.kv_heads": 4})
    result = estimate(chip, gqa, context=1024, scope="layer")
    # g = 3 query heads per KV head: the analog phases and the reduction run 3 times
    assert_allclose(result.latency, 3 * 65e-9, rtol=1e-9)
    assert_allclose(result.energy_by_group["dac"], 4 * 2 * 64 * write_energy(chip), rtol=1e-9)


def test_many_contexts_in_one_call_match_single_calls(chip, gpt2):
    contexts = [1, 7, 64, 100, 1000, 1024, 5000]
    together = estimate(chip, gpt2, context=contexts, scope="model")
    for index, context in enumerate(contexts):
        alone = estimate(chip, gpt2, context=context, scope="model")
        assert_allclose(together.energy[index], alone.energy[0], rtol=1e-12)


@pytest.mark.parametrize("scope", ["head", "layer", "model"])
def test_json_output_follows_the_documented_schema(chip, gpt2, scope):
    document = estimate(chip, gpt2, context=[128, 1024], scope=scope).to_dict()
    assert set(document) >= {"chip", "workload", "scope", "batch", "points"}
    point = document["points"][1]
    assert set(point) >= {"context", "latency_s", "time_per_token_s", "energy_j", "energy_per_token_j",
                          "energy_by_group_j", "energy_by_component_j", "area_m2"}
    assert_allclose(sum(point["energy_by_group_j"].values()), point["energy_j"], rtol=1e-12)
    assert_allclose(sum(point["energy_by_component_j"].values()), point["energy_j"], rtol=1e-12)


def test_technology_node_scales_periphery_not_cells(chip, gpt2):
    """Periphery follows hwcomponents' Stillmaker-Baas laws; gain cells are device figures."""
    from hwcomponents.scaling.techscaling import tech_node_area, tech_node_energy

    base = estimate(chip, gpt2, context=1024, scope="head")
    small = estimate(with_overrides(chip, {"technology.node": "16 nm"}), gpt2, context=1024, scope="head")
    energy, area = tech_node_energy(16e-9, 28e-9, 0.9), tech_node_area(16e-9, 28e-9)
    assert 0.2 < energy < 0.6 and 0.3 < area < 0.7  # a smaller node is cheaper (sanity of the law)
    for component in ("digital_control", "dac", "query_driver", "charge_to_pulse", "signed_readout"):
        assert_allclose(small.energy_by_component[component] / base.energy_by_component[component], energy, rtol=1e-9)
        assert_allclose(small.area_by_component[component] / base.area_by_component[component], area, rtol=1e-9)
    for component in ("key_array", "value_array", "cell_write"):
        assert_allclose(small.energy_by_component[component], base.energy_by_component[component], rtol=1e-12)
    assert_allclose(small.area_by_component["key_array"], base.area_by_component["key_array"])


def test_causal_contexts_beyond_the_window_are_refused(chip, gpt2):
    """A causal workload keeps every token; the chip holds max_context = 1024 per sequence."""
    from archmodel import MappingError

    causal = with_overrides(gpt2, {"attention": {"kind": "causal"}})
    assert_allclose(estimate(chip, causal, context=1024, scope="head").energy, 6.13e-9, rtol=0.01)
    with pytest.raises(MappingError, match="causal attention needs 2048 live tokens, more than the 1024"):
        estimate(chip, causal, context=[512, 2048])
