"""Physical scaling of the gain-cell model (DESIGN.md §4; docs/paper.md §4 'Scaling stated by the authors').

Expected values are derived from event counts: array energy ∝ live tokens
(H·d·n reads), periphery per live sub-tile ∝ ceil(n/64), digital ∝ register
bits × active cycles, latency grows with the adder-tree depth ceil(log2 S) only.
"""

import pytest
from numpy.testing import assert_allclose

from archmodel import estimate, with_overrides
from archmodel.costs.converters import write_energy


#: one K/V write at the paper point (M = 1024): the published DAC share 330 pJ over 2d = 128 writes
#: (Leroux 2025 Fig. 5), which the DAC driver bias was solved from
PAPER_WRITE_ENERGY = 330e-12 / 128


def test_window_2048_doubles_array_groups_and_adds_one_adder_stage(chip, gpt2):
    base = estimate(chip, gpt2, context=4096, scope="head")
    wide = estimate(chip, with_overrides(gpt2, {"attention.window": 2048}), context=4096, scope="head")
    for group in ("qk", "sv"):
        assert_allclose(wide.energy_by_group[group] / base.energy_by_group[group], 2.0, rtol=1e-9)
    # one more adder stage: 1 cycle at 1 GHz on top of 65 ns
    assert_allclose(wide.latency - base.latency, 1e-9, rtol=1e-9)
    # the digital block clocks 24,320 instead of 12,096 register bits (32 sub-tile results of 5 bits, 5 adder
    # stages of 6..10 bits, 64 8-bit outputs), one cycle longer: 36 vs 35 cycles; operations and leakage are < 5 %
    assert_allclose(wide.energy_by_group["digital"] / base.energy_by_group["digital"], 24320 * 36 / (12096 * 35), rtol=0.03)
    # each of the 128 write lines crosses 1024 more cells of 1 µm × 0.2 fF/µm + 0.1 fF at 0.9 V
    assert_allclose(wide.energy_by_group["dac"] - base.energy_by_group["dac"], 128 * 1024 * 0.3e-15 * 0.81, rtol=1e-9)
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
    # one DAC per row serves all 16 sub-tiles (the area counts 2 × 64 per KV head), so a
    # reload writes the 1024 slots one after another: 1024 × 10 ns.  The K arrays are held by
    # a sequence's reload and its 15 ns score before the next reload may start; the last
    # sequence then runs its whole 65 ns step: 3 × (10.24 µs + 15 ns) + 10.24 µs + 65 ns.
    reload = 1024 * chip.dac.conversion_time
    assert_allclose(many.latency, 3 * (reload + 15e-9) + reload + 65e-9, rtol=1e-9)
    energy = many.energy_by_component["window_reload"]
    # 4 sequences × 12 heads × 2 × 64 × 1024 writes
    assert_allclose(energy, 4 * 12 * 2 * 64 * 1024 * PAPER_WRITE_ENERGY, rtol=1e-4)


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
    # each refresh is a full K/V write: DAC ladder, driver, write line and storage node (costs/retention.py)
    per_refresh = write_energy(chip, result.accounting.plan.tiling)
    assert_allclose(result.energy_by_component["refresh"], refreshes * per_refresh, rtol=1e-9)


def test_activity_fractions_scale_array_energy(chip, gpt2):
    busy = with_overrides(chip, {"activity.query_pulse_fraction": 0.5})
    base = estimate(chip, gpt2, context=1024, scope="head").energy_by_component["key_array"]
    assert_allclose(estimate(busy, gpt2, context=1024, scope="head").energy_by_component["key_array"],
                    base * 0.5 / chip.activity.query_pulse_fraction, rtol=1e-9)


def test_grouped_query_attention_pipelines_the_turns_on_the_kv_arrays(chip, gpt2):
    gqa = with_overrides(gpt2, {"model.kv_heads": 4})
    result = estimate(chip, gqa, context=1024, scope="layer")
    # g = 3 query heads per KV head take turns: each turn's score starts when the previous
    # frees the K arrays; the 19-cycle reduction (4 adder stages + 2 + 13) is the slowest
    # stage, so turns 2 and 3 each add 19 ns to the first turn's 65 ns (not 3 × 65 ns)
    assert_allclose(result.latency, 65e-9 + 2 * 19e-9, rtol=1e-9)
    assert_allclose(result.energy_by_group["dac"], 4 * 2 * 64 * PAPER_WRITE_ENERGY, rtol=1e-4)


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
    """Periphery capacitances follow the Stillmaker-Baas energy law, areas its area table (as in hwcomponents at
    table nodes), delays ∝ node; gain cells and wires are device figures and keep their values."""
    from hwcomponents.scaling.techscaling import tech_node_area, tech_node_energy

    at_32 = with_overrides(chip, {"technology.reference_node": "32 nm", "technology.node": "32 nm"})
    at_16 = with_overrides(at_32, {"technology.node": "16 nm"})
    base = estimate(at_32, gpt2, context=1024, scope="head")
    small = estimate(at_16, gpt2, context=1024, scope="head")
    energy, area = tech_node_energy(16e-9, 32e-9, 0.9), tech_node_area(16e-9, 32e-9)
    assert 0.2 < energy < 0.6 and 0.3 < area < 0.7  # a smaller node is cheaper (sanity of the law)
    for component in ("query_driver", "charge_to_pulse", "signed_readout"):
        assert_allclose(small.energy_by_component[component] / base.energy_by_component[component], energy, rtol=1e-9)
        # areas come from the table's 45 nm row (0.19 / 0.46), hwcomponents reads the 32 nm row (0.41): 1 % apart
        assert_allclose(small.area_by_component[component] / base.area_by_component[component], area, rtol=0.01)
    # digital: switching scales with the law; leakage (4 mW × 35 ns = 140 pJ) also lasts half as long
    leakage = 4e-3 * 35e-9
    expected = (base.energy_by_component["digital_control"] - leakage) * energy + leakage * energy / 2
    assert_allclose(small.energy_by_component["digital_control"], expected, rtol=1e-9)
    assert_allclose(small.area_by_component["digital_control"] / base.area_by_component["digital_control"], area, rtol=0.01)
    for component in ("key_array", "value_array", "cell_write", "key_word_line", "value_bit_line"):
        assert_allclose(small.energy_by_component[component], base.energy_by_component[component], rtol=1e-12)
    assert_allclose(small.area_by_component["key_array"], base.area_by_component["key_array"])
    # half the gate delay: the 16-cycle readout and 19-cycle reduction take half as long, the 2 × 15 ns pulses do not
    assert_allclose(small.latency, 30e-9 + 35e-9 / 2, rtol=1e-9)


def test_causal_contexts_beyond_the_window_are_refused(chip, gpt2):
    """A causal workload keeps every token; the chip holds max_context = 1024 per sequence."""
    from archmodel import MappingError

    causal = with_overrides(gpt2, {"attention": {"kind": "causal"}})
    assert_allclose(estimate(chip, causal, context=1024, scope="head").energy, 6.13e-9, rtol=0.01)
    with pytest.raises(MappingError, match="causal attention needs 2048 live tokens, more than the 1024"):
        estimate(chip, causal, context=[512, 2048])
