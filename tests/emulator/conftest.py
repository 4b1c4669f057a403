"""Fixtures of the emulator tests: small random inputs and the shipped chip."""

from pathlib import Path

import numpy as np
import pytest

CHIP_PATH = Path(__file__).resolve().parents[2] / "hardware_specs" / "gaincell_leroux2025.json"


def random_qkv(batch=1, heads=2, tokens=40, dim=8, seed=0):
    """q around 0.5 and k, v around 0 with spreads that exercise clipping a little, float32 (B, H, T, d)."""
    generator = np.random.default_rng(seed)
    shape = (batch, heads, tokens, dim)
    q = generator.normal(0.5, 0.35, shape).astype(np.float32)
    k = generator.normal(0.0, 0.2, shape).astype(np.float32)
    v = generator.normal(0.0, 0.2, shape).astype(np.float32)
    return q, k, v


@pytest.fixture(scope="session")
def chip_path():
    return CHIP_PATH
