"""Chip variants: ADC readout (hwcomponents-adc), oxide cells, and ``extends``."""


import pytest
from numpy.testing import assert_allclose

from archmodel import SpecError, estimate, load_chip
from tests.conftest import ROOT, write_json

SPECS = ROOT / "hardware_specs"


@pytest.fixture(scope="module")
def adc_chip():
    return load_chip(SPECS / "gaincell_adc_readout.json")


def test_adc_variant_replaces_the_counter_readout(adc_chip, chip, gpt2):
    from hwcomponents_adc import ADC

    result = estimate(adc_chip, gpt2, context=1024, scope="head")
    base = estimate(chip, gpt2, context=1024, scope="head")
    assert "signed_readout" not in result.energy_by_component
    # 12 heads × 16 sub-tiles × 64 columns ADCs per layer, all converting within 16 ns
    instances = 12 * 16 * 64
    model = ADC(n_bits=5, tech_node=28e-9, throughput=instances / 16e-9, n_adcs=instances)
    assert_allclose(result.energy_by_component["adc"], 64 * 16 * model.get_energy(), rtol=1e-9)
    assert_allclose(result.area_by_component["adc"], 1024 * model.area / instances, rtol=1e-9)
    assert_allclose(result.latency, base.latency)  # same 16 ns slot
    kinds = result.source_table.query("component == 'adc'")["kind"]
    assert "model" in set(kinds) and "unsourced" not in set(kinds)


def test_adc_with_stated_figures_uses_them(adc_chip, gpt2):
    from archmodel import with_overrides

    stated = with_overrides(adc_chip, {"adc.energy_per_conversion": "1 pJ", "adc.area": "500 um^2"})
    result = estimate(stated, gpt2, context=1024, scope="head")
    assert_allclose(result.energy_by_component["adc"], 1024 * 1e-12, rtol=1e-12)
    assert_allclose(result.area_by_component["adc"], 1024 * 500e-12, rtol=1e-12)


def test_oxide_cells_extend_the_silicon_chip(chip):
    oxide = load_chip(SPECS / "gaincell_oxide.json")
    assert oxide.gain_cell.retention_time == 100.0
    assert oxide.array == chip.array and oxide.digital == chip.digital
    assert "Science Advances" in oxide.provenance["$.gain_cell.retention_time"].text
    assert "Fig. 5" in oxide.provenance["$.digital.register_capacitance"].text  # inherited provenance


def test_circular_extends_is_refused(tmp_path):
    write_json(tmp_path / "a.json", {"extends": "b.json"})
    write_json(tmp_path / "b.json", {"extends": "a.json"})
    with pytest.raises(SpecError, match=r"\$\.extends: circular extends through 'a.json'"):
        load_chip(tmp_path / "a.json")


def test_extends_a_missing_file(tmp_path):
    write_json(tmp_path / "a.json", {"extends": "nowhere.json"})
    with pytest.raises(SpecError, match=r"nowhere.json: \$: file not found"):
        load_chip(tmp_path / "a.json")


def test_extends_with_a_bad_override_names_the_path(tmp_path):
    document = {"extends": str(SPECS / "gaincell_leroux2025.json"), "array": {"rows": -1}}
    path = write_json(tmp_path / "variant.json", document)
    with pytest.raises(SpecError, match=r"variant.json: \$\.array\.rows: input should be greater than 0"):
        load_chip(path)
