"""Acceptance of the system model (issue 10): host bound, link energy, chip count, reduction to the chips alone."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel import MappingError, estimate, with_overrides
from archmodel.system.parts import HostPart, host_part
from archmodel.system.partition import host_workload

CONTEXTS = [128, 1024, 4096, 8192]


@pytest.mark.parametrize("batch", [1, 8, 32])
def test_token_time_is_never_below_the_hosts_time_for_its_ops(system, llama, batch):
    """The host runs all non-attention ops of every sequence; nothing can finish a token faster."""
    result = estimate(system, llama, context=CONTEXTS, batch=batch)
    host = host_part(system.host_spec, host_workload(llama), np.asarray(CONTEXTS, float), batch)
    assert np.all(result.latency >= host.in_layers + host.outside)
    assert_allclose(sum(result.latency_by_device.values()), result.latency, rtol=1e-12)


def test_link_energy_is_bits_moved_times_energy_per_bit(system, llama):
    """Llama 3 8B: (32 + 2·8)·128 bf16 values to the chips and 32·128 back, per layer and sequence.

    (48·128 + 32·128)·16 bit = 163,840 bit × 32 layers × 4 sequences × 1.3 pJ/bit (NVLink-C2C spec).
    """
    result = estimate(system, llama, context=CONTEXTS, batch=4)
    bits = (48 * 128 + 32 * 128) * 16 * 32 * 4
    assert_allclose(result.energy_by_device["link"], bits * 1.3e-12, rtol=1e-12)
    assert_allclose(result.ledger.query("group == 'link'").groupby("context")["events"].sum(), bits, rtol=1e-12)


def test_chip_count_from_capacity_and_die_limit(system, llama):
    """Batch 1: 32 layers × 8 KV heads = 256 head windows; the chip alone gives their area.

    Each must sit on one die: ⌊858 mm² / A_unit⌋ per die, ⌈256 / that⌉ dies.
    """
    alone = estimate(system.attention_chip, llama, context=[8192], scope="model")
    unit = alone.area / 256
    per_die = int(858e-6 // unit)
    result = estimate(system, llama, context=[8192], batch=1)
    assert result.chips.units == 256 and result.chips.units_per_die == per_die
    assert result.chips.chips == -(-256 // per_die) == 2  # 1,234 mm² of attention: two reticle-sized dies
    assert_allclose(result.area, alone.area, rtol=1e-12)
    replicated = estimate(system, llama, context=[8192], batch=4)
    assert replicated.chips.units == 4 * 256 and replicated.chips.chips == -(-1024 // per_die)


def test_a_fixed_chip_count_below_the_need_is_refused(system, llama):
    from archmodel.specs.system import System

    few = System.model_validate({**system.raw, "attention": {**system.raw["attention"], "count": 1}})
    few._file, few._parts = system.file, system._parts
    with pytest.raises(MappingError, match=r"\$\.attention\.count: 256 KV-head windows .* need 2 dies .* got 1"):
        estimate(few, llama, context=[1024])


def _free_system(system):
    """The system with a link that costs nothing and takes no time."""
    from archmodel.specs.system import System

    free = System.model_validate(system.raw)
    link = with_overrides(system.link_spec, {"lane_bandwidth": 1e30, "latency": 0.0, "energy_per_bit": 0.0})
    free._file, free._parts = system.file, {**system._parts, "link": link}
    return free


def _zero_host(spec, workload, context, batch):
    zero = np.zeros_like(context)
    return HostPart(batch, zero, zero, frozenset(), {}, (), ())


@pytest.mark.parametrize("retention", ["5 ms", "20 us"])
def test_free_link_and_free_host_reduce_to_the_chips_alone(system, llama, monkeypatch, retention):
    """With nothing but the chips costing time, Δt is the chips' own step, so refresh matches too.

    20 µs: the window outlives retention (Δt = 32 × 272 ns = 8.7 µs), refresh is charged in both.
    """
    monkeypatch.setattr("archmodel.system.estimate.host_part", _zero_host)
    chip = with_overrides(system.attention_chip, {"gain_cell.retention_time": retention})
    free = _free_system(system)
    free._parts = {**free._parts, "attention": chip}
    result = estimate(free, llama, context=CONTEXTS, batch=1)
    alone = estimate(chip, llama, context=CONTEXTS, scope="model")
    assert_allclose(result.latency, alone.latency, rtol=1e-12)
    assert_allclose(result.energy, alone.energy, rtol=1e-12)
    if retention == "20 us":
        assert np.all(alone.energy_by_component["refresh"][1:] > 0)


def test_the_workload_scope_does_not_matter(system, llama):
    """A system always runs the whole model."""
    attention_only = estimate(system, llama, context=[1024])
    full = estimate(system, with_overrides(llama, {"scope": "full"}), context=[1024])
    assert_allclose(attention_only.latency, full.latency, rtol=1e-12)
    assert attention_only.energy_by_device["host"][0] > 0 and attention_only.not_mapped == []


def test_batch_32_long_context_speeds_up_more_than_batch_1_short(system, llama):
    """issue 10 acceptance: the attention share grows with batch and context, so does the gain."""
    full = with_overrides(llama, {"scope": "full"})

    def speedup(batch, context):
        alone = estimate(system.host_spec, full, context=[context], batch=batch, scope="model")
        return alone.latency[0] / estimate(system, llama, context=[context], batch=batch).latency[0]

    assert speedup(32, 8192) > speedup(1, 1024)


def test_micro_batches_divide_the_batch_and_never_lose_to_one(system, llama, monkeypatch):
    from archmodel.system.estimate import estimate_system

    result = estimate_system(system, llama, context=CONTEXTS, batch=12)
    assert np.all(12 % result.micro_batches == 0)
    monkeypatch.setattr("archmodel.system.estimate.micro_batch_counts", lambda batch: [1])
    assert np.all(result.latency <= estimate_system(system, llama, context=CONTEXTS, batch=12).latency)


def test_overrides_of_a_system_reload_its_parts(system, llama):
    """A fixed die count set by override; the parts come back loaded."""
    fixed = with_overrides(system, {"attention.count": 3})
    assert fixed.attention.count == 3 and fixed.link_spec.name == system.link_spec.name
    assert estimate(fixed, llama, context=[1024]).chips.chips == 3


def test_the_edge_system_runs_gpt2(llama):
    """Jetson Orin Nano + chiplets over UCIe: GPT-2's 12 layers × 12 heads of 1,024 tokens need one die."""
    from archmodel import load_chip, load_workload
    from tests.conftest import WORKLOADS
    from tests.system.conftest import SYSTEMS

    edge = load_chip(SYSTEMS / "orin_nano_gaincell.json")
    gpt2 = load_workload(WORKLOADS / "gpt2.json")
    result = estimate(edge, gpt2, context=[256, 1024])
    alone = estimate(edge.host_spec, with_overrides(gpt2, {"scope": "full"}), context=[256, 1024], scope="model")
    assert result.chips.chips == 1
    assert np.all(result.latency < alone.latency) and np.all(result.latency_by_device["link"] > 0)


def test_a_sweep_over_a_system(cli, tmp_path):
    from tests.conftest import WORKLOADS
    from tests.system.conftest import H100_SYSTEM

    out = tmp_path / "sweep.csv"
    code, _, err = cli("sweep", "--chip", H100_SYSTEM, "--workload", WORKLOADS / "llama-3-8b.json",
                       "--set", "chip.attention.count=2,3", "--context", 1024, "--out", out)
    assert code == 0, err
