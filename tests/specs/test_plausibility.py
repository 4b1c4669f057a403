"""Plausible ranges (warnings), impossible values (errors) and the reticle die split."""

import json

import pytest

from archmodel import estimate, load_chip, with_overrides
from archmodel.specs.plausibility import RETICLE_AREA, dies_needed, plausibility_warnings
from tests.conftest import CHIP, write_json


def test_the_shipped_chip_is_plausible(chip):
    assert plausibility_warnings(chip) == []


def test_every_numeric_gaincell_field_declares_a_range():
    from archmodel.specs.fields import field_info
    from archmodel.specs.gaincell import GainCellChip
    from archmodel.specs.plausibility import field_range, spec_fields

    chip = load_chip(CHIP)
    missing = [path for path, info, value in spec_fields(chip)
               if isinstance(value, (int, float)) and not isinstance(value, bool) and field_range(info) is None]
    assert missing == []
    assert field_range(field_info(GainCellChip, "technology.node")) == (5e-9, 65e-9)


def test_a_value_outside_its_range_is_a_warning_with_path_value_and_range(chip, gpt2):
    odd = with_overrides(chip, {"array.wire_capacitance": "0.9 fF/um"})
    warnings = estimate(odd, gpt2, context=1024).warnings
    assert len(warnings) == 1
    assert "$.array.wire_capacitance: 900 pF/m is outside the plausible range 50 pF/m to 500 pF/m" in warnings[0]
    assert estimate(odd, gpt2, context=1024).to_dict()["warnings"] == warnings


def test_warnings_go_to_stderr_and_json(cli, tmp_path):
    document = {"extends": str(CHIP), "clocks": {"digital": "20 GHz"}}
    path = write_json(tmp_path / "fast.json", document)
    code, out, err = cli("estimate", "--chip", path, "--workload", CHIP.parents[1] / "workloads" / "gpt2.json", "--json")
    assert code == 0
    assert "warning:" in err and "$.clocks.digital: 20 GHz is outside the plausible range" in err
    assert json.loads(out)["warnings"][0].endswith("check the value and its unit")
    assert err.count("$.clocks.digital") == 1  # logged once, not again by the estimate


def test_dac_resolution_above_the_cell_levels_is_a_warning(chip):
    warnings = plausibility_warnings(with_overrides(chip, {"dac.bits": 5}))
    assert any("$.dac.bits: 5 bits give 32 levels, more than the 8 gain_cell.levels" in text for text in warnings)


@pytest.mark.parametrize("path, value, message", [
    ("query_driver.max_pulse_width", "2 s", r"\$\.query_driver\.max_pulse_width: input should be less than or equal to 1"),
    ("gain_cell.area", "2 m^2", r"\$\.gain_cell\.area: input should be less than or equal to 0.000001, got 2.0"),
    ("array.rows", 0, r"\$\.array\.rows: input should be greater than 0"),
    ("gain_cell.storage_capacitance", "0 F", r"\$\.gain_cell\.storage_capacitance: input should be greater than 0"),
    ("clocks.digital", "1 THz", r"\$\.clocks\.digital: input should be less than or equal to 100000000000"),
])
def test_impossible_values_are_errors(chip, path, value, message):
    from archmodel import SpecError

    with pytest.raises(SpecError, match=message):
        with_overrides(chip, {path: value})


def test_impossible_value_in_a_file_is_one_line_exit_2(cli, tmp_path):
    path = write_json(tmp_path / "bad.json", {"extends": str(CHIP), "technology": {"node": "250 nm"}})
    code, _, err = cli("estimate", "--chip", path, "--workload", CHIP.parents[1] / "workloads" / "gpt2.json")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "$.technology: node must be within [1, 130] nm (the range of the scaling laws), got 250 nm" in err


def test_reticle_is_26_by_33_mm():
    assert RETICLE_AREA == pytest.approx(858e-6)
    assert (dies_needed(857e-6), dies_needed(859e-6), dies_needed(3 * 858e-6)) == (1, 2, 3)


def test_over_reticle_chip_is_split_into_dies(chip, gpt2):
    """GPT-2, batch 64, replicated arrays: 64 × 12 layers × 12 heads × 0.398 mm² = 3,671 mm² → 5 dies."""
    result = estimate(chip, gpt2, context=1024, batch=64, scope="head")
    assert result.area == pytest.approx(64 * 0.398e-6, rel=0.01)  # one head's arrays for each of 64 sequences
    assert result.chip_area == pytest.approx(144 * result.area, rel=1e-9)
    assert result.dies == 5
    assert any("split into 5 dies" in text for text in result.warnings)
    assert result.to_dict()["dies"] == 5
    assert estimate(chip, gpt2, context=1024, batch=1).dies == 1


def test_warnings_accept_swept_arrays(chip):
    """Sweeps put arrays into float fields without validation: the checks stay elementwise."""
    import numpy as np

    from archmodel.specs.arrays import with_arrays

    swept = with_arrays(chip, {"gain_cell.read_voltage": np.array([0.9, 1.5]), "dac.reference_voltage": np.array([0.9, 0.5])})
    warnings = plausibility_warnings(swept)
    assert any("$.gain_cell.read_voltage: 900 mV..1.5 V is outside the plausible range 300 mV to 1.3 V" in text for text in warnings)
    assert any("$.dac.reference_voltage: 0.5 V cannot write" in text for text in warnings)
    assert any("$.gain_cell.read_voltage: 1.5 V is far above the supply" in text for text in warnings)
