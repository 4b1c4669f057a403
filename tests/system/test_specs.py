"""Shipped link and system specs: every number sourced, bandwidths from lanes × lane rate."""

import pytest
from numpy.testing import assert_allclose

from archmodel import load_chip
from archmodel.specs.system import load_link
from tests.conftest import ROOT
from tests.system.conftest import SYSTEMS

LINKS = ROOT / "hardware_specs" / "links"


def _numbers(node, path="$"):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _numbers(value, f"{path}.{key}")
    elif not isinstance(node, str):
        yield path


@pytest.mark.parametrize("name, per_direction, latency, energy", [
    ("pcie5_x16.json", 16 * 32e9 * 128 / 130 / 8, 1e-6, 6.5e-12),   # 32 GT/s, 128b/130b, 16 lanes
    ("nvlink_c2c.json", 450e9, 150e-9, 1.3e-12),                     # 900 GB/s both ways
    ("ucie_advanced.json", 64 * 4e9, 2e-9, 0.3e-12),                 # 64 lanes × 32 GT/s
])
def test_links(name, per_direction, latency, energy):
    link = load_link(LINKS / name)
    assert_allclose([link.bandwidth, link.latency, link.energy_per_bit], [per_direction, latency, energy], rtol=2e-3)
    assert [path for path in _numbers(link.raw) if path not in link.provenance] == []


@pytest.mark.parametrize("name", ["h100_gaincell.json", "h100_gaincell_oxide.json", "orin_nano_gaincell.json"])
def test_systems_load_with_their_parts(name):
    system = load_chip(SYSTEMS / name)
    assert system.host_spec.kind == "gpu" and system.attention_chip.kind == "gaincell_attention"
    assert_allclose(system.attention.max_die_area, 26e-3 * 33e-3)  # the reticle field
    assert [path for path in _numbers(system.raw) if path not in system.provenance] == []


def test_the_h100_system_uses_the_gpus_default_calibration(llama):
    """No '#calibration' in the host path: the system's labels are those of the H100 alone (its default)."""
    from archmodel import estimate, with_overrides

    system = load_chip(SYSTEMS / "h100_gaincell.json")
    alone = estimate(load_chip(ROOT / "hardware_specs" / "gpu" / "h100_sxm.json"), with_overrides(llama, {"scope": "full"}),
                     context=[1024], scope="model")
    assert "#" not in system.host and estimate(system, llama, context=[1024]).labels == tuple(alone.labels)
