"""A system in ``compare``: whole model for every chip, Amdahl shares, chip count."""

import json

import numpy as np
from numpy.testing import assert_allclose

from archmodel.compare import compare
from tests.conftest import ROOT, WORKLOADS
from tests.system.conftest import H100_SYSTEM


def test_compare_costs_every_chip_on_the_whole_model(system, llama):
    result = compare([system, system.host_spec], llama, context=[1024, 8192])
    table = result.table
    gpu = table[table["kind"] == "gpu"]
    assert (table["batch"] == 1).all() and np.isnan(gpu["chips"]).all()
    assert (table.loc[table["kind"] == "system", "chips"] == 2).all()
    shares = table[["host_share", "link_share", "attention_share"]].sum(axis=1)
    assert_allclose(shares, 1.0, rtol=1e-12)
    # the GPU alone spends more of its token time in attention at 8,192 tokens than at 1,024
    assert gpu["attention_share"].iloc[1] > gpu["attention_share"].iloc[0] > 0
    assert any("always runs the whole model" in caveat for caveat in result.caveats)
    assert not any(caveat.startswith("attention only") for caveat in result.caveats)


def test_compare_cli_prints_the_breakdown(cli):
    code, out, _ = cli("compare", "--chip", H100_SYSTEM, "--chip", ROOT / "hardware_specs" / "gpu" / "h100_sxm.json",
                       "--workload", WORKLOADS / "llama-3-8b.json", "--context", 1024, "--json")
    rows = json.loads(out)["rows"]
    assert code == 0 and rows[0]["kind"] == "system" and rows[0]["chips"] == 2
    assert rows[1]["latency_ratio"] > 1  # the H100 alone is slower than the H100 with attention chips


def test_estimate_json_points_carry_the_device_split(cli):
    code, out, _ = cli("estimate", "--chip", H100_SYSTEM, "--workload", WORKLOADS / "llama-3-8b.json",
                       "--context", 1024, "--batch", 8, "--json")
    document = json.loads(out)
    point = document["points"][0]
    assert code == 0 and document["chips"] == point["chips"] >= 1
    assert set(point["energy_by_device_j"]) == set(point["latency_by_device_s"]) == {"host", "link", "attention"}
    assert_allclose(sum(point["latency_by_device_s"].values()), point["latency_s"], rtol=1e-12)
    assert_allclose(sum(point["energy_by_device_j"].values()), point["energy_j"], rtol=1e-12)


def test_system_summary_against_the_host_alone(system, llama):
    """speed-up = host-alone time / system time; the Amdahl limit 1 / (1 − a) bounds it (the chips are not free)."""
    from archmodel.system.summary import summary_table

    frame = summary_table(system, llama, [1024, 8192], [1, 32])
    assert_allclose(frame["speedup"], frame["host_alone_time_per_token"] / frame["system_time_per_token"], rtol=1e-12)
    assert (frame["speedup"] <= frame["amdahl_limit"] * (1 + 1e-9)).all()
    assert frame.set_index(["batch", "context"]).loc[(32, 8192), "speedup"] > frame.set_index(["batch", "context"]).loc[(1, 1024), "speedup"]


def test_system_command_refuses_a_chip(cli):
    code, _, err = cli("system", "--system", ROOT / "hardware_specs" / "gpu" / "h100_sxm.json",
                       "--workload", WORKLOADS / "llama-3-8b.json")
    assert code == 2 and "expected kind 'system'" in err


def test_summary_leaves_blank_where_the_host_alone_cannot_hold_the_kv_cache(system, llama):
    """Batch 128 × 8,192 tokens: 2·8192·128·32·8·128·2 B = 137 GB of KV cache > the H100's 80 GB; the system keeps
    it on the chips, the H100 alone cannot."""
    from archmodel.system.summary import summary_table

    frame = summary_table(system, llama, [1024, 8192], [128]).set_index("context")
    assert np.isfinite(frame.loc[1024, "speedup"]) and np.isnan(frame.loc[8192, "speedup"])
    assert np.isfinite(frame.loc[8192, "system_time_per_token"])
