"""The comparison table, its ratio convention, caveats and the ``compare`` command."""

from __future__ import annotations

import json

import pytest
from numpy.testing import assert_allclose

from archmodel import UsageError, load_chip
from archmodel.compare import COLUMNS, compare
from tests.conftest import CHIP
from tests.gpu.conftest import GPU_DIR, PAPER_WORKLOAD


def test_ratios_are_each_chip_over_the_first(load_gpu, paper_workload):
    result = compare([load_gpu("rtx4090"), load_gpu("jetson_nano")], paper_workload, context=[512, 1024])
    table = result.table
    assert list(table.columns) == list(COLUMNS)
    first, second = table[table["chip"] == "NVIDIA GeForce RTX 4090"], table[table["chip"] == "NVIDIA Jetson Nano 4 GB"]
    assert_allclose(first["latency_ratio"], 1.0)
    assert_allclose(second["latency_ratio"].to_numpy(), second["time_per_token"].to_numpy() / first["time_per_token"].to_numpy())
    assert_allclose(second["energy_ratio"].to_numpy(), second["energy_per_token"].to_numpy() / first["energy_per_token"].to_numpy())
    assert "ratio = chip's per-token figure / NVIDIA GeForce RTX 4090's" in result.convention


def test_a_replicating_analog_chip_is_costed_for_one_sequence(paper_workload, load_gpu):
    result = compare([load_chip(CHIP), load_gpu("rtx4090")], paper_workload)
    assert result.table["batch"].tolist() == [1, 64]
    assert any("batches differ (1, 64)" in caveat for caveat in result.caveats)


def test_floors_are_reported_for_gpus_only(paper_workload, load_gpu):
    table = compare([load_chip(CHIP), load_gpu("h100_sxm")], paper_workload).table
    assert table["floor_time_per_token"].isna().tolist() == [True, False]
    assert (table["floor_time_per_token"].iloc[1] <= table["time_per_token"].iloc[1])


def test_no_chip_is_a_usage_error(paper_workload):
    with pytest.raises(UsageError, match="compare needs at least one chip"):
        compare([], paper_workload)


def test_cli_json_with_a_chosen_calibration(cli):
    code, out, err = cli("compare", "--chip", CHIP, "--chip", f"{GPU_DIR / 'rtx4090.json'}#paper_pytorch_eager",
                         "--workload", PAPER_WORKLOAD, "--json")
    assert code == 0, err
    document = json.loads(out)
    assert [row["calibration"] for row in document["rows"]] == ["", "paper_pytorch_eager"]
    assert document["rows"][0]["floor_time_per_token"] is None
    assert any("(measured: Leroux 2025" in label for label in document["labels"])
    assert document["units"]["time_per_token"] == "s"


def test_cli_table_prints_labels_and_caveats(cli):
    code, out, _ = cli("compare", "--chip", CHIP, "--chip", GPU_DIR / "h100_sxm.json", "--workload", PAPER_WORKLOAD)
    assert code == 0
    assert "calibration: H100 SXM: calibration 'serving' (fitted to 4 published point(s)" in out
    assert "caveat: attention only" in out


def test_cli_calibration_of_a_non_gpu(cli):
    code, _, err = cli("compare", "--chip", f"{CHIP}#x", "--workload", PAPER_WORKLOAD)
    assert code == 2 and "only GPU specs have calibrations, cannot select 'x'" in err


def test_board_energy_per_token_for_gpus_only(paper_workload, load_gpu):
    """Whole-board energy per token = (energy above idle + idle × step) / batch for a GPU; NaN for the analog chip."""
    gpu = load_gpu("h100_sxm")
    table = compare([load_chip(CHIP), gpu], paper_workload).table
    assert table["board_energy_per_token"].isna().tolist() == [True, False]
    row = table.iloc[1]
    assert_allclose(row["board_energy_per_token"], row["energy_per_token"] + gpu.power.idle * row["time_per_token"],
                    rtol=1e-12)
