"""A recipe with systems: the sweep, the Amdahl breakdown and the retention wall (report/system_*.py)."""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """reports/system_llama3.json cut to two scenarios of three contexts."""
    from archmodel.report.data import collect
    from archmodel.report.recipe import load_recipe

    document = json.loads((ROOT / "reports" / "system_llama3.json").read_text())
    document["scenarios"] = [dict(s, contexts=[128, 1024, 8192]) for s in document["scenarios"] if s["key"] in ("batch1", "batch32")]
    document["breakdown"] = {"scenario": "batch32", "context": 8192}
    for chip in document["chips"]:
        chip["file"] = str((ROOT / "reports" / chip["file"]).resolve())
    for scenario in document["scenarios"]:
        scenario["workload"] = str((ROOT / "reports" / scenario["workload"]).resolve())
    path = tmp_path_factory.mktemp("recipe") / "system.json"
    path.write_text(json.dumps(document))
    return collect(load_recipe(path))


def test_the_system_rows_match_a_direct_estimate(data):
    from archmodel import estimate, load_chip, load_workload

    rows = data.systems[(data.systems["chip_key"] == "system") & (data.systems["scenario"] == "batch32")]
    system = load_chip(ROOT / "hardware_specs" / "systems" / "h100_gaincell.json")
    direct = estimate(system, load_workload(ROOT / "workloads" / "llama-3-8b.json"), context=[128, 1024, 8192], batch=32)
    assert_allclose(rows["token_interval"], direct.latency, rtol=1e-12)
    assert (rows["chips"] == direct.chips.chips).all()
    # θ·τ/(M − 1) = 5 ms / 8191 for the silicon cell, 100 s / 8191 for the oxide one
    walls = data.systems.groupby("chip_key")["wall_interval"].first()
    assert_allclose(walls[["system", "system_oxide"]], [5e-3 / 8191, 100 / 8191], rtol=1e-12)


def test_silicon_hits_the_retention_wall_and_oxide_does_not(data):
    """Δt ≈ 17 ms: silicon refreshes more than it attends at 8,192 tokens; oxide (τ = 100 s) far less than it attends."""
    at = data.systems[data.systems["context"] == 8192].set_index(["chip_key", "scenario"])
    ratio = at["refresh_energy_per_token"] / at["attention_energy_per_token"]
    assert (ratio.loc["system"] > 1).all() and (ratio.loc["system_oxide"] < 0.01).all()


def test_system_sections_and_amdahl_shares(data):
    from archmodel.report.contents import sections
    from archmodel.report.system_contents import _shares

    keys = [section.key for section in sections(data)]
    assert keys[-2:] == ["amdahl", "retention_wall"]
    shares = _shares(data)
    assert_allclose(shares.groupby(["case", "chip_label"])["share"].sum(), 1.0, rtol=1e-12)
    gpu = shares[(shares["chip_label"] == "H100 SXM alone") & (shares["device"] == "attention")]
    assert np.all(gpu["share"].to_numpy() > 0)
