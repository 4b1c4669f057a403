"""The event schedule of a decode step on the gain-cell chip (mapping/gaincell_tasks.py).

Expected times are derived by hand from the shipped chip's phase times at
M = 1024, d = 64 (docs/paper.md §4; chip JSON): score T_max = 15 ns, activation
15 ns, readout 16 counter steps at 1 GHz = 16 ns, reduction
ceil(log2 S) + 2 + 13 cycles (19 ns at S = 16), K/V write 10 ns.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel import estimate, load_workload, with_overrides
from tests.conftest import WORKLOADS

ns = 1e-9


@pytest.fixture(scope="module")
def llama():
    return load_workload(WORKLOADS / "llama-3-8b.json")


def test_paper_point_tasks_run_in_a_chain_of_65_ns(chip, gpt2):
    result = estimate(chip, gpt2, context=1024, scope="head")
    tasks = result.tasks.set_index("task")
    assert_allclose(tasks.loc["score[s0,t0]", ["start", "end"]], [0, 15 * ns], atol=1e-15)
    assert_allclose(tasks.loc["activation[s0,t0]", ["start", "end"]], [15 * ns, 30 * ns])
    assert_allclose(tasks.loc["weighted_sum[s0,t0]", ["start", "end"]], [30 * ns, 46 * ns])
    assert_allclose(tasks.loc["head_reduction[s0,t0]", ["start_cycle", "end_cycle"]], [46, 65])  # 1 GHz
    # the write has its own port and DACs: it runs alongside the score
    assert_allclose(tasks.loc["write_k[s0]", ["start", "end"]], [0, 10 * ns], atol=1e-15)
    assert_allclose(result.latency, 65 * ns, rtol=1e-9)
    phases = result.phases.set_index("op")
    assert_allclose(phases["latency"].sum(), result.latency[0], rtol=1e-12)
    assert_allclose(phases.loc["kv_write", ["latency", "hidden_latency"]], [0, 20 * ns], atol=1e-15)  # K and V writes


def test_one_sequence_cannot_start_its_next_token_early(chip, gpt2):
    """Replicated arrays: the next step of a sequence needs this one, so II = latency."""
    result = estimate(chip, gpt2, context=[64, 1024], scope="model")
    assert_allclose(result.initiation_interval, result.latency, rtol=1e-12)
    assert_allclose(result.throughput, 1 / result.latency, rtol=1e-12)
    point = result.to_dict()["points"][1]
    assert_allclose(point["throughput_tokens_per_s"], 1 / (12 * 65 * ns), rtol=1e-9)
    assert_allclose(point["initiation_interval_s"], 12 * 65 * ns, rtol=1e-9)


def test_llama_gqa_turns_pipeline_on_the_shared_kv_arrays(chip, llama):
    """Llama 3 8B: g = 32 / 8 = 4 turns, d = 128 (2 arrays per sub-tile), M = 8192 (S = 128,
    7 adder stages → 22-cycle reduction).  The reduction is the slowest stage: the layer takes
    one head's 15 + 15 + 16 + 22 = 68 ns plus 3 × 22 ns = 134 ns, less than 4 × 68 ns."""
    gqa = estimate(chip, llama, context=8192, scope="layer")
    single = estimate(chip, with_overrides(llama, {"model.kv_heads": 32}), context=8192, scope="layer")
    assert_allclose(single.latency, 68 * ns, rtol=1e-9)
    assert_allclose(gqa.latency, 68 * ns + 3 * 22 * ns, rtol=1e-9)
    assert gqa.latency[0] < 4 * single.latency[0]
    utilisation = gqa.utilisation.set_index("resource")
    assert_allclose(utilisation.loc["adder_tree", "busy"], 4 * 22 * ns, rtol=1e-9)
    assert_allclose(utilisation.loc["adder_tree", "utilisation"], 88 / 134, rtol=1e-9)
    assert np.all(gqa.throughput >= 1 / gqa.latency)


def test_write_without_a_separate_port_holds_the_arrays(chip, llama):
    """No write overlap: the 10 ns write precedes the first score (+10 ns), and later turns
    still pipeline behind the reduction: 10 + 134 ns."""
    serial = with_overrides(chip, {"schedule.write_overlap": False})
    assert_allclose(estimate(serial, llama, context=8192).latency, 144 * ns, rtol=1e-9)


def test_time_multiplexed_sequences_pipeline_through_the_layers(chip, gpt2):
    """4 sequences share the arrays; each sequence's own span is its 10.24 µs reload + 65 ns,
    but the K arrays are held 4 × (10.24 µs + 15 ns) per layer step: that bounds the interval."""
    shared = with_overrides(chip, {"schedule.batch_policy": "time_multiplex"})
    result = estimate(shared, gpt2, context=1024, batch=4, scope="model")
    reload = 1024 * chip.dac.conversion_time
    assert_allclose(result.initiation_interval, max(4 * (reload + 15 * ns), 12 * (reload + 65 * ns)), rtol=1e-9)
    assert np.all(result.initiation_interval < result.latency)
    assert np.all(result.throughput > 4 / result.latency)


@pytest.mark.parametrize("override, counted", [
    ({"model.head_dim": 128, "model.d_model": 1536}, {"k_dacs": ["dac"], "query_drivers": ["query_driver"],
                                                      "readout": ["signed_readout"]}),
    ({"attention.window": 2048}, {"charge_to_pulse": ["charge_to_pulse"], "k_arrays": ["key_array"],
                                  "v_arrays": ["value_array"]}),
])
def test_shared_units_grow_alike_in_the_area_and_the_schedule(chip, gpt2, override, counted):
    """Doubling d doubles the per-row DACs, drivers and readouts; doubling the window doubles the
    sub-tiles' arrays and column circuits — in the schedule's resource counts and in the area."""
    base = estimate(chip, gpt2, context=1024, scope="layer")
    grown = estimate(chip, with_overrides(gpt2, override), context=1024, scope="layer")
    for resource, components in counted.items():
        count = grown.accounting.plan.tasks.resource(resource).count / base.accounting.plan.tasks.resource(resource).count
        assert count == 2
        for component in components:
            assert_allclose(grown.area_by_component[component] / base.area_by_component[component], count, rtol=1e-9)


def test_dac_count_is_the_one_the_area_holds(chip, gpt2):
    plan = estimate(chip, gpt2, context=1024).accounting.plan
    tasks = plan.tasks
    assert tasks.resource("k_dacs").count + tasks.resource("v_dacs").count == plan.tiling.dacs_per_kv_head == 2 * 64
    assert tasks.copies == 12  # one unit per KV head


def test_per_point_spec_arrays_schedule_like_separate_chips(chip, gpt2):
    """A sweep puts arrays of spec values on the context axis; each point must match its own chip."""
    clocks = np.array([0.5e9, 1e9, 2e9])
    variant = chip.model_copy(update={"clocks": chip.clocks.model_copy(update={"digital": clocks})})
    together = estimate(variant, with_overrides(gpt2, {"model.kv_heads": 4}), context=[1024] * 3, scope="layer")
    for index, clock in enumerate(clocks):
        alone = with_overrides(chip, {"clocks.digital": float(clock)})
        single = estimate(alone, with_overrides(gpt2, {"model.kv_heads": 4}), context=1024, scope="layer")
        assert_allclose(together.latency[index], single.latency[0], rtol=1e-12)
        assert_allclose(together.initiation_interval[index], single.initiation_interval[0], rtol=1e-12)


def test_a_gpu_has_no_event_schedule(gpt2):
    """GPU ops run one after another: no tasks, and a step starts when the previous ends."""
    from archmodel import load_chip
    from tests.conftest import ROOT

    gpu = load_chip(ROOT / "hardware_specs" / "gpu" / "h100_sxm.json")
    result = estimate(gpu, gpt2, context=[128, 1024], batch=8, scope="layer")
    assert result.tasks.empty and result.utilisation.empty
    assert list(result.tasks.columns)[:3] == ["context", "task", "op"]
    assert_allclose(result.initiation_interval, result.latency, rtol=1e-12)
    assert_allclose(result.throughput, 8 / result.latency, rtol=1e-12)


def test_schedule_tables_carry_units_and_cover_every_task(chip, gpt2):
    result = estimate(chip, gpt2, context=[64, 1024], scope="layer")
    tasks, resources = result.tasks, result.utilisation
    assert tasks.attrs["units"]["start"] == "s" and resources.attrs["units"]["busy"] == "s"
    assert len(tasks) == 2 * 6  # write_k, write_v and four turn tasks at each context
    assert len(resources) == 2 * 11
    assert_allclose(tasks.groupby("context")["end"].max().to_numpy(), result.latency, rtol=1e-12)
    assert resources["utilisation"].between(0, 1).all()
