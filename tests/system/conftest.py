"""Fixtures of the system tests: the shipped H100 system and Llama 3 8B."""

import pytest

from tests.conftest import ROOT, WORKLOADS

SYSTEMS = ROOT / "hardware_specs" / "systems"
H100_SYSTEM = SYSTEMS / "h100_gaincell.json"


@pytest.fixture(scope="module")
def system():
    from archmodel import load_chip

    return load_chip(H100_SYSTEM)


@pytest.fixture(scope="module")
def llama():
    from archmodel import load_workload

    return load_workload(WORKLOADS / "llama-3-8b.json")
