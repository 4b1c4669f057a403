"""Shared specs of the sweep tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import archmodel

ROOT = Path(__file__).resolve().parents[2]
GAINCELL = ROOT / "hardware_specs" / "gaincell_leroux2025.json"
GPT2 = ROOT / "workloads" / "gpt2.json"
GPT2_XL = ROOT / "workloads" / "gpt2-xl.json"


@pytest.fixture(scope="session")
def chip():
    return archmodel.load_chip(GAINCELL)


@pytest.fixture(scope="session")
def gpt2():
    return archmodel.load_workload(GPT2)


@pytest.fixture(scope="session")
def gpt2_xl():
    return archmodel.load_workload(GPT2_XL)
