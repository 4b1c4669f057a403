"""``archmodel fields``, ``diff``, ``sensitivity`` and the library behind them (archmodel.sensitivity).

Expected elasticities are shares of the paper point's figures (per head, M = 1024, d = 64):
energy shares from docs/gaincell_derivation.md (register clocking 3,836 of 6,151 pJ), latency
shares from the 65 ns phases (30 ns of pulses, 35 digital cycles), area shares from the
bottom-up table (cells 0.131 of 0.398 mm²).
"""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel import estimate, with_overrides
from archmodel.sensitivity import elasticities, field_table, numeric_fields, spec_diff
from tests.conftest import CHIP, ROOT, WORKLOADS, write_json

GPT2 = WORKLOADS / "gpt2.json"


@pytest.fixture(scope="module")
def table():
    from archmodel import load_chip, load_workload

    return elasticities(load_chip(CHIP), load_workload(GPT2)).set_index("path")


def test_elasticities_are_the_shares_the_equations_give(table):
    assert_allclose(table.loc["digital.register_capacitance", "energy"], 3836.3 / 6150.8, rtol=1e-3)
    assert_allclose(table.loc["query_driver.max_pulse_width", "latency"], 30 / 65, rtol=1e-6)
    assert_allclose(table.loc["clocks.digital", "latency"], -35 / 65, rtol=1e-6)
    assert_allclose(table.loc["gain_cell.area", "area"], 0.131072 / 0.3983104, rtol=1e-6)
    assert_allclose(table.loc["technology.node", "latency"], 35 / 65, rtol=1e-6)  # digital delay ∝ node
    assert np.isnan(table.loc["interconnect.energy_per_bit", "energy"])  # 0 J/bit: no elasticity, still acts
    assert table.loc["interconnect.energy_per_bit", "acts_on"] == ["energy"]


def test_vectorised_differences_match_one_field_at_a_time(chip, gpt2, table):
    base = estimate(chip, gpt2, context=1024, scope="head")
    for path in ("technology.supply_voltage", "gain_cell.read_voltage", "dac.bias_current"):
        value = table.loc[path, "value"]
        up = estimate(with_overrides(chip, {path: value * 1.001}), gpt2, context=1024, scope="head")
        down = estimate(with_overrides(chip, {path: value * 0.999}), gpt2, context=1024, scope="head")
        expected = np.log(up.energy[0] / down.energy[0]) / np.log(1.001 / 0.999)
        assert_allclose(table.loc[path, "energy"], expected, rtol=1e-6)
        assert base.energy[0] > 0


def test_no_numeric_field_is_inert(chip, gpt2):
    """Every float field changes latency, energy or area, feeds the emulator, or acts in a stated regime."""
    fields = field_table(chip, gpt2).set_index("path")
    numeric = [path for path, _, _ in numeric_fields(chip)]
    assert len(numeric) > 30
    inert = [path for path in numeric if fields.loc[path, "acts_on"] == "nothing at this point"]
    assert inert == []
    # the alpha-power parameters act once the supply leaves the reference supply
    low = with_overrides(chip, {"technology.supply_voltage": "0.7 V"})
    shifted = with_overrides(low, {"technology.threshold_voltage": "0.35 V"})
    assert estimate(shifted, gpt2, context=1024).latency[0] > estimate(low, gpt2, context=1024).latency[0]
    assert fields.loc["dac.bits", "acts_on"] == "energy, area"
    assert fields.loc["gain_cell.read_current.linear_slope", "acts_on"] == "emulator"


def test_emulator_fields_feed_the_emulator(chip):
    from archmodel.emulator.parameters import HardwareParameters
    from archmodel.sensitivity import EMULATOR_FIELDS
    from archmodel.specs.fields import field_value

    base = HardwareParameters.from_chip(chip)
    for path in sorted(EMULATOR_FIELDS - {"gain_cell.read_current.polynomial"}):
        value = field_value(chip, path)
        if isinstance(value, float):
            value = value * 0.9 if value else 0.1
        else:
            value = 7 if path == "gain_cell.levels" else value * 2
        changed = with_overrides(chip, {path: value})
        assert HardwareParameters.from_chip(changed) != base, path


def test_spec_diff_lists_only_the_changed_paths(chip):
    other = with_overrides(chip, {"clocks.digital": "2 GHz", "dac.bits": 4})
    assert sorted(spec_diff(chip, other)["path"]) == ["clocks.digital", "dac.bits"]


def test_fields_command_lists_every_field(cli):
    code, out, err = cli("fields", "--chip", CHIP, "--json")
    assert code == 0, err
    rows = {row["path"]: row for row in json.loads(out)["fields"]}
    assert rows["technology.node"]["unit"] == "m" and rows["technology.node"]["range"] == "[5e-09, 6.5e-08]"
    assert rows["technology.node"]["acts_on"] == "latency, energy, area"
    assert rows["digital.register_capacitance"]["provenance"].startswith("derivation: solved from the published")
    assert rows["technology.node"]["swept"] == "as arrays" and rows["array.rows"]["swept"] == "rebuilt"
    assert "warning" not in err        # values probed to find what structural fields act on are not the user's
    code, out, _ = cli("fields", "--chip", CHIP)
    assert code == 0 and "wire_capacitance" in out


def test_diff_command_reports_each_field_and_the_totals(cli, tmp_path):
    variant = write_json(tmp_path / "b.json", {"extends": str(CHIP), "clocks": {"digital": {"value": "2 GHz", "assumption": "faster"}}})
    code, out, err = cli("diff", CHIP, variant, "--workload", GPT2, "--json")
    assert code == 0, err
    document = json.loads(out)
    assert [row["path"] for row in document["fields"]] == ["clocks.digital"]
    # 30 ns + 35 cycles at 2 GHz = 47.5 ns
    assert_allclose(document["fields"][0]["latency"], 47.5 / 65, rtol=1e-9)
    assert_allclose(document["totals"]["latency"]["second"], 47.5e-9, rtol=1e-9)
    code, out, _ = cli("diff", CHIP, variant)
    assert code == 0 and "latency: 65 ns → 47.5 ns" in out


def test_sensitivity_command_json_table_and_figure(cli, tmp_path):
    figure = tmp_path / "tornado.html"
    code, out, err = cli("sensitivity", "--chip", CHIP, "--workload", GPT2, "--context", 512, "--scope", "layer",
                         "--json", "--figure", figure)
    assert code == 0, err
    document = json.loads(out)
    assert document["point"]["context"] == 512 and document["point"]["scope"] == "layer"
    assert document["elasticities"][0]["path"] in ("technology.node", "technology.reference_node")
    assert figure.stat().st_size > 1000 and "elasticity" in figure.read_text()
    code, out, _ = cli("sensitivity", "--chip", CHIP, "--workload", GPT2)
    assert code == 0 and "register_capacitance" in out


@pytest.mark.parametrize("args, message", [
    (("sensitivity", "--chip", CHIP, "--workload", GPT2, "--scope", "rack"), "scope"),
    (("sensitivity", "--chip", CHIP, "--workload", GPT2, "--context", 0), "context lengths must be positive integers"),
    (("diff", CHIP, "missing.json"), "missing.json: $: file not found"),
    (("fields", "--chip", ROOT / "hardware_specs" / "gpu" / "h100_sxm.json"), "--chip: expected a gain-cell chip spec"),
])
def test_bad_input_is_one_line_exit_2(cli, args, message):
    code, _, err = cli(*args)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert message in err, err
