"""Refresh against the real token interval (costs/retention.py) and the emulator's λ = Δt/τ."""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel import estimate, load_chip, with_overrides
from archmodel.costs import Step
from archmodel.costs.retention import refresh, stale_tokens
from archmodel.mapping.gaincell import tile
from tests.system.conftest import SYSTEMS

TAU = 5e-3  # Leroux 2025 silicon cell, θ = 1 in the shipped chip


def _refresh_energy(chip, workload, live, interval):
    live = np.asarray(live, dtype=float)
    step = Step(live, live, token_interval=np.full_like(live, interval))
    return refresh(chip, tile(chip, workload), None, step).energy[("refresh", chip.dac.group)]


def test_zero_while_every_live_token_is_younger_than_the_budget(chip, gpt2):
    """Δt = 1 ms, P = θ·τ = 5 ms: the oldest of n tokens is (n − 1) ms old, so n ≤ 6 costs nothing."""
    energy = _refresh_energy(chip, gpt2, [1, 2, 6, 6.5, 7, 100], 1e-3)
    assert_allclose(energy[:3], 0.0) and np.all(energy[3:] > 0)
    assert_allclose(stale_tokens(np.array([7.0, 100.0]), 1e-3, TAU), [1.0, 94.0])


def test_continuous_in_context(chip, gpt2):
    """No step: neighbouring contexts differ by at most one token's refresh, dE/dn = 2·H_kv·d·Δt/P·E_write."""
    live = np.linspace(1, 1024, 20001)
    energy = _refresh_energy(chip, gpt2, live, 0.8e-3)
    per_token = energy[-1] / stale_tokens(1024.0, 0.8e-3, TAU)  # energy of one stale token's refreshes per step
    assert np.max(np.abs(np.diff(energy))) <= per_token * (live[1] - live[0]) * (1 + 1e-9)


def test_the_paper_point_charges_no_refresh_but_a_host_interval_does(chip, gpt2):
    """1024 tokens × 0.78 µs ≪ 5 ms: none (paper); on the H100 system Δt ≈ 0.8 ms and the window is 0.8 s old."""
    assert_allclose(estimate(chip, gpt2, context=[1024]).energy_by_component["refresh"], 0.0)
    system = estimate(load_chip(SYSTEMS / "h100_gaincell.json"), gpt2, context=[64, 1024])
    refresh_energy = system.energy_by_component["refresh"]
    assert refresh_energy[1] > 0 and refresh_energy[1] > refresh_energy[0]


def test_the_oxide_cell_needs_no_refresh_on_the_same_system(gpt2):
    """τ ≈ 100 s: even 8,192 tokens × tens of ms stay younger than τ."""
    oxide = estimate(load_chip(SYSTEMS / "h100_gaincell_oxide.json"), gpt2, context=[1024])
    assert_allclose(oxide.energy_by_component.get("refresh", np.zeros(1)), 0.0)


def test_write_port_time_reaches_the_critical_path_only_past_the_interval(chip, gpt2):
    """Refresh slots × t_conversion is hidden while it fits in Δt − t_conversion."""
    busy = with_overrides(chip, {"gain_cell.retention_time": "1 us"})
    live = np.array([1024.0])
    cost = refresh(busy, tile(busy, gpt2), None, Step(live, live, token_interval=np.array([1e-6])))
    slots = (1024 - 1 - 1.0) * 1.0
    port = slots * busy.dac.conversion_time
    assert_allclose(cost.latency + cost.hidden_latency, port, rtol=1e-12)
    assert_allclose(cost.latency, max(0.0, port - (1e-6 - busy.dac.conversion_time)), rtol=1e-12)


@pytest.mark.parametrize("workload", ["gpt2.json", "llama-3-8b.json"])
def test_emulator_decay_is_the_systems_interval_over_tau(cli, workload):
    """archmodel emulate --system: λ = Δt/τ with Δt the system's token interval at the window."""
    from archmodel import load_workload
    from tests.conftest import WORKLOADS

    system = load_chip(SYSTEMS / "h100_gaincell.json")
    loaded = load_workload(WORKLOADS / workload)
    context = loaded.attention.window or loaded.model.max_context
    interval = estimate(system, loaded, context=[context]).latency[0]
    code, out, err = cli("emulate", "--mode", "gaincell_linear", "--system", SYSTEMS / "h100_gaincell.json",
                         "--workload", WORKLOADS / workload, "--tokens", 64, "--heads", 2, "--json")
    assert code == 0
    # Llama 3 8B at batch 1: 8.2 ms per token > τ = 5 ms, the retention wall: a warning, not a refusal
    assert ("retention times τ" in err) == (interval > system.attention_chip.gain_cell.retention_time)
    assert_allclose(json.loads(out)["decay_per_step"], interval / system.attention_chip.gain_cell.retention_time,
                    rtol=1e-12)
