"""Physical trends of the gain-cell cost models away from the paper's point.

Each expected value is derived from the model's equations (archmodel/costs/*,
docs/gaincell_derivation.md) with the shipped chip's numbers: 1 GHz clock,
16 readout + 19 reduction cycles, 4 mW digital leakage, T_max = 15 ns,
V_DD = V_R = 0.9 V, 1 µm cells, 0.2 fF/µm wires, 0.1 fF per cell on a line.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel import SpecError, estimate, with_overrides


def head(chip, workload, context=1024):
    return estimate(chip, workload, context=context, scope="head")


def test_clock_sets_latency_and_the_leakage_share_only(chip, gpt2):
    base = head(chip, gpt2)
    fast = head(with_overrides(chip, {"clocks.digital": "2 GHz"}), gpt2)
    # 2 × 15 ns of pulses + 35 digital cycles at 2 GHz
    assert_allclose(fast.latency, 30e-9 + 35e-9 / 2, rtol=1e-9)
    # only the 4 mW leakage runs for a shorter time: 4 mW × 17.5 ns = 70 pJ less
    assert_allclose(base.energy - fast.energy, 4e-3 * 17.5e-9, rtol=1e-6)
    assert abs(fast.energy[0] / base.energy[0] - 1) < 0.02


def test_key_array_energy_proportional_to_the_pulse_width(chip, gpt2):
    energies = [head(with_overrides(chip, {"query_driver.max_pulse_width": width}), gpt2) for width in ("5 ns", "15 ns", "150 ns")]
    cells = [result.energy_by_component["key_array"][0] for result in energies]
    assert_allclose(np.array(cells) / cells[1], [1 / 3, 1, 10], rtol=1e-9)
    qk = [result.energy_by_group["qk"][0] for result in energies]
    assert 0.85 * 10 < qk[2] / qk[1] < 10  # periphery (14 % of qk) does not grow with T_max
    assert_allclose([result.latency[0] for result in energies], [45e-9, 65e-9, 335e-9], rtol=1e-9)


def test_array_energies_grow_with_the_read_voltage(chip, gpt2):
    results = [head(with_overrides(chip, {"gain_cell.read_voltage": volts}), gpt2) for volts in ("0.3 V", "0.6 V", "0.9 V")]
    for group in ("qk", "sv"):
        values = [result.energy_by_group[group][0] for result in results]
        assert values[0] < values[1] < values[2]
    # word lines charge C·V_R²: ×9 from 0.3 to 0.9 V
    lines = [result.energy_by_component["key_word_line"][0] for result in results]
    assert_allclose(lines[2] / lines[0], 9.0, rtol=1e-9)


def test_line_energy_per_event_grows_with_array_length(chip, gpt2):
    base = head(chip, gpt2)
    long_rows = head(with_overrides(chip, {"array.columns": 128}), gpt2)
    for component in ("key_word_line", "value_bit_line"):
        per_event = [result.energy_by_component[component][0] / result.ledger.query(f"component == '{component}'")["events"].iloc[0]
                     for result in (base, long_rows)]
        # a line over 128 instead of 64 cells: 128 × (1 µm × 0.2 fF/µm + 0.1 fF) × (0.9 V)²
        assert_allclose(per_event[1], 128 * 0.3e-15 * 0.81, rtol=1e-9)
        assert_allclose(per_event[1] / per_event[0], 2.0, rtol=1e-9)


def test_digital_energy_grows_with_head_dim_and_subtiles(chip, gpt2):
    digital = {}
    for dim in (32, 64, 128):
        workload = with_overrides(gpt2, {"model.head_dim": dim, "model.d_model": 12 * dim})
        digital[dim] = head(chip, workload).energy_by_group["digital"][0]
    # register bits and additions ∝ d; the 140 pJ of leakage is not
    assert 1.85 < digital[128] / digital[64] < 2.0 and 1.85 < digital[64] / digital[32] < 2.0
    wide = head(chip, with_overrides(gpt2, {"attention.window": 2048}), context=4096)
    # 32 instead of 16 sub-tiles: 24,320 vs 12,096 register bits, 36 vs 35 cycles
    assert 1.9 < wide.energy_by_group["digital"][0] / digital[64] < 24320 * 36 / (12096 * 35)


def test_switching_energy_scales_as_supply_squared(chip, gpt2):
    base = head(chip, gpt2)
    high = head(with_overrides(chip, {"technology.supply_voltage": "1.2 V"}), gpt2)
    low = head(with_overrides(chip, {"technology.supply_voltage": "0.6 V"}), gpt2)
    for component in ("query_driver", "charge_to_pulse", "signed_readout", "key_bit_line"):
        assert_allclose(high.energy_by_component[component] / base.energy_by_component[component], (1.2 / 0.9) ** 2, rtol=1e-9)
    # cell reads and word lines follow V_R, the DACs V_ref: the total grows less than V², more than V
    ratio = high.energy[0] / base.energy[0]
    assert 1.2 / 0.9 < ratio < (1.2 / 0.9) ** 2
    assert low.energy[0] < base.energy[0] < high.energy[0]
    # alpha-power law: a lower supply is slower
    assert low.latency[0] > base.latency[0] > high.latency[0]


def test_smaller_node_cuts_delay_energy_and_area(chip, gpt2):
    results = [head(with_overrides(chip, {"technology.node": node}), gpt2) for node in ("65 nm", "28 nm", "16 nm", "7 nm")]
    for quantity in ("latency", "energy", "area"):
        values = [np.max(getattr(result, quantity)) for result in results]
        assert values == sorted(values, reverse=True), quantity
    # the 30 ns of pulses are a cell-current design choice and do not scale
    assert results[-1].latency[0] > 30e-9


@pytest.mark.parametrize("path, value, message", [
    ("technology.node", "0.5 nm", r"node must be within \[1, 130\] nm .*got 0.5 nm"),
    ("technology.node", "180 nm", r"node must be within \[1, 130\] nm"),
    ("technology.supply_voltage", "0.3 V", r"supply_voltage must be within \[0.5, 1.3\] V"),
    ("technology.threshold_voltage", "0.75 V", r"needs supplies ≥ threshold_voltage \+ 0.2 V = 0.95 V"),
    ("dac.bits", 2, r"dac.bits = 2 gives 4 levels, fewer than the 8 gain_cell.levels"),
])
def test_outside_the_laws_is_refused_with_the_range(chip, path, value, message):
    with pytest.raises(SpecError, match=message):
        with_overrides(chip, {path: value})


def test_dac_bits_change_energy_and_area(chip, gpt2):
    base = head(chip, gpt2)
    finer = head(with_overrides(chip, {"dac.bits": 4}), gpt2)
    # 8 more 1 fF ladder units per conversion at 0.9 V, 128 conversions; 8 more 2 µm² units on 128 DACs
    assert_allclose(finer.energy_by_group["dac"] - base.energy_by_group["dac"], 128 * 8 * 1e-15 * 0.81, rtol=1e-9)
    assert_allclose(finer.area_by_component["dac"] - base.area_by_component["dac"], 128 * 8 * 2e-12, rtol=1e-9)


def test_storage_node_write_energy(chip):
    """C_SN·V_max² = 1 fF × (0.9 V)² (docs/hardware_data.md §4.3: storage node ≈ 1 fF, < 1 fJ)."""
    assert_allclose(chip.gain_cell.energy_per_write, 0.81e-15)


def test_cost_models_accept_arrays_in_float_fields(chip, gpt2):
    """Sweeps put numpy arrays into float fields (BRIEF contract): results are elementwise."""
    from archmodel.costs import UNIT_COSTS
    from archmodel.costs.cost import Step
    from archmodel.mapping.gaincell import tile

    supplies = np.array([0.6, 0.9, 1.2])
    technology = chip.technology.model_copy(update={"supply_voltage": supplies})
    swept = chip.model_copy(update={"technology": technology})
    tiling = tile(chip, gpt2)
    step = Step(context=np.full(3, 1024.0), live_tokens=np.full(3, 1024.0))
    for unit in ("query_pulses", "signed_readout", "digital_periphery", "dac_write", "key_array_read", "value_array_read"):
        together = UNIT_COSTS[unit](swept, tiling, None, step)
        for index, supply in enumerate(supplies):
            single = with_overrides(chip, {"technology.supply_voltage": float(supply)})
            alone = UNIT_COSTS[unit](single, tiling, None, Step(context=np.array([1024.0]), live_tokens=np.array([1024.0])))
            for key, energy in alone.energy.items():
                assert_allclose(together.energy[key][index], energy[0], rtol=1e-12)
            assert_allclose(together.latency[index], alone.latency[0], rtol=1e-12)
