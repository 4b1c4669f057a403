"""A system's parts are addressable by path: ``parts.host.*``, ``parts.attention.*``, ``parts.link.*``."""

from __future__ import annotations

import json

import pytest
from numpy.testing import assert_allclose

import archmodel
from archmodel.cli import run
from archmodel.specs import SpecError, UsageError, with_overrides
from archmodel.specs.fields import field_unit, field_value
from archmodel.sweep import read_table
from tests.conftest import ROOT, WORKLOADS

SYSTEM = ROOT / "hardware_specs" / "systems" / "h100_gaincell.json"
CONTEXTS = [1024, 8192]


def test_a_part_override_equals_a_system_built_from_the_changed_part(tmp_path):
    """Expected: the same system written out with its attention chip at 16 nm and its link at 2 pJ/bit."""
    chip = json.loads((ROOT / "hardware_specs" / "gaincell_leroux2025.json").read_text())
    chip["technology"]["node"] = "16 nm"
    link = json.loads((ROOT / "hardware_specs" / "links" / "nvlink_c2c.json").read_text())
    link["energy_per_bit"] = "2 pJ/bit"
    system = json.loads(SYSTEM.read_text())
    system.update(host=str(ROOT / "hardware_specs" / "gpu" / "h100_sxm.json"), link=str(tmp_path / "link.json"))
    system["attention"]["chip"] = str(tmp_path / "chip.json")
    for name, document in (("chip", chip), ("link", link), ("system", system)):
        (tmp_path / f"{name}.json").write_text(json.dumps(document))
    workload = archmodel.load_workload(WORKLOADS / "llama-3-8b.json")
    original = archmodel.load_chip(SYSTEM)
    changed = with_overrides(original, {"parts.attention.technology.node": "16 nm", "parts.link.energy_per_bit": "2 pJ/bit"})
    written = archmodel.load_chip(tmp_path / "system.json")
    for batch in (1, 32):
        got = archmodel.estimate(changed, workload, context=CONTEXTS, batch=batch)
        expected = archmodel.estimate(written, workload, context=CONTEXTS, batch=batch)
        assert_allclose(got.energy_per_token, expected.energy_per_token, rtol=1e-12)
        assert_allclose(got.time_per_token, expected.time_per_token, rtol=1e-12)
    assert field_value(changed, "parts.attention.technology.node") == pytest.approx(16e-9)
    assert field_value(original, "parts.attention.technology.node") == pytest.approx(28e-9)   # the original is untouched
    assert field_unit(changed, "parts.link.energy_per_bit") == "J/bit"


@pytest.mark.parametrize(("path", "value", "error", "message"), [
    ("parts.attention.technology.nod", 1e-8, UsageError, "unknown spec path 'technology.nod' (not a field of GainCellChip)"),
    ("parts.attention.technology.node", "3 V", SpecError, "$.technology.node: expected a unit of length"),
    ("parts.cooler.power", 1.0, UsageError, "unknown spec path 'parts.cooler.power' (not a field of System)"),
])
def test_bad_part_paths_are_one_line_errors(path, value, error, message):
    with pytest.raises(error) as raised:
        with_overrides(archmodel.load_chip(SYSTEM), {path: value})
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_sweep_of_a_part_field(tmp_path, capsys):
    out = tmp_path / "system.csv"
    arguments = ["sweep", "--chip", str(SYSTEM), "--workload", str(WORKLOADS / "llama-3-8b.json"), "--context", "8192",
                 "--set", "chip.parts.attention.technology.node=7 nm,28 nm", "--scope", "model", "--batch", "32",
                 "--quiet", "--out", str(out)]
    assert run(arguments) == 0
    table = read_table(out)
    assert table["chip.parts.attention.technology.node"].tolist() == pytest.approx([7e-9, 28e-9])
    assert table.attrs["units"]["chip.parts.attention.technology.node"] == "m"
    assert table["energy_per_token"].iloc[0] < table["energy_per_token"].iloc[1]      # a smaller node spends less
