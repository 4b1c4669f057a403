"""Chip → model units (µA), the collapsed cubic model, λ from τ."""

import pytest
from numpy.testing import assert_allclose

from archmodel.emulator import HardwareParameters
from archmodel.specs import load_chip


def test_shipped_chip_gives_the_paper_numbers(chip_path):
    chip = HardwareParameters.from_chip(load_chip(chip_path))
    paper = HardwareParameters()
    assert (chip.query_levels, chip.storage_levels, chip.output_levels) == (16, 8, 32)
    assert chip.subtile_width == 64 and chip.array_rows == 64
    # 19.3e-6 A/V → 19.3 µA/V; 80e-6 A → 80 µA; 40e-6 A → 40 µA (chip JSON, Leroux 2025 Methods)
    assert_allclose(chip.linear_slope, 19.3, rtol=1e-12)
    assert_allclose(chip.phi_saturation, 80.0, rtol=1e-12)
    assert_allclose(chip.output_saturation, 40.0, rtol=1e-12)
    assert_allclose(chip.polynomial, paper.polynomial, rtol=1e-12)
    assert_allclose(chip.retention_time, 5e-3, rtol=1e-12)
    assert (chip.storage_min, chip.storage_max, chip.rest_voltage, chip.read_voltage) == pytest.approx((0, 0.9, 0.45, 0.9))


def test_cubic_model_collapses_to_published_polynomial():
    # docs/paper.md §3: I(y) ≈ 0.5214 + 13.612·y - 2.6204·y² + 46.055·y³ µA (V_in = 0.9 V)
    assert_allclose(HardwareParameters().cubic_coefficients, (0.5214, 13.612, -2.6204, 46.055), rtol=2e-4)


def test_decay_per_step_from_retention():
    # docs/paper.md §3: 0.78 µs per token (12 layers × 65 ns) over τ = 5 ms → λ = 1.56e-4 ≈ 1.6e-4
    assert_allclose(HardwareParameters().decay_per_step(12 * 65e-9), 1.56e-4, rtol=1e-12)
