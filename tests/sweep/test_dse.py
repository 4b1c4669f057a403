"""Design-space exploration at scale (issue 12): variants as arrays, sampling, datasets with resume, memory guard."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import archmodel
from archmodel.cli import run
from archmodel.sensitivity import numeric_fields
from archmodel.specs import UsageError
from archmodel.specs.arrays import is_numeric
from archmodel.sweep import Grid, Setting, parse_setting, read_table
from archmodel.sweep.dataset import Dataset
from archmodel.sweep.evaluate import evaluate_arrays
from archmodel.sweep.memory import check_memory
from archmodel.sweep.sampling import draw, parse_range

ROOT = Path(__file__).resolve().parents[2]
GAINCELL = str(ROOT / "hardware_specs" / "gaincell_leroux2025.json")
H100 = str(ROOT / "hardware_specs" / "gpu" / "h100_sxm.json")
GPT2 = str(ROOT / "workloads" / "gpt2.json")
BASE = ["sweep", "--chip", GAINCELL, "--workload", GPT2, "--quiet"]
CONTEXTS = np.array([1, 300, 1024, 5000])
OUTPUTS = ("latency", "time_per_token", "energy", "energy_per_token", "area", "floor_latency", "floor_energy")
#: fields whose ±5 % values the chip refuses (a DAC that can no longer write the storage range): left out
REFUSED = {"dac.reference_voltage", "interconnect.energy_per_bit", "memory.energy_per_bit"}


def _one_by_one(grid, points):
    """Each variant's rows against its own estimate() call from fully validated specs (expected values)."""
    for index in range(grid.size):
        variant = grid.variant(index)
        direct = archmodel.estimate(variant.chip, variant.workload, context=grid.contexts, batch=variant.batch,
                                    scope=grid.scope)
        rows = points[points["variant"] == index]
        for column in OUTPUTS[:4]:
            assert_allclose(rows[column], getattr(direct, column), rtol=1e-12, atol=0, err_msg=f"{index} {column}")
        if direct.area is not None:
            assert_allclose(rows["area"], direct.area, rtol=1e-12)


@pytest.mark.parametrize("chip_file", [GAINCELL, H100])
def test_every_numeric_field_evaluated_as_arrays_equals_one_by_one(chip_file):
    """Each float field at −5 %, 0, +5 % of its value: one engine call per field equals three estimate() calls."""
    chip, workload = archmodel.load_chip(chip_file), archmodel.load_workload(GPT2)
    fields = [(path, value) for path, _, value in numeric_fields(chip)
              if value and path not in REFUSED and is_numeric(chip, path)]
    assert len(fields) >= (35 if chip.kind == "gaincell_attention" else 6)
    as_arrays = 0
    for path, value in fields:
        grid = Grid((chip,), (workload,), CONTEXTS, settings=(Setting("chip", path, (0.95 * value, value, 1.05 * value)),))
        points = evaluate_arrays(grid.variants(), grid.contexts, "layer")
        as_arrays += points.attrs["groups"]["as_arrays"]
        _one_by_one(grid, points)
    assert as_arrays == len(fields)              # every numeric field took the array path (no probe fell back)


def test_structural_and_numeric_fields_mixed_with_batches():
    """Structural fields (array rows, window) regroup; numeric ones ride along as arrays; order is the grid's."""
    chip, workload = archmodel.load_chip(GAINCELL), archmodel.load_workload(GPT2)
    grid = Grid((chip,), (workload,), CONTEXTS, batches=(1, 3), settings=(
        parse_setting("chip.array.rows=32,64"), parse_setting("chip.technology.supply_voltage=0.8 V,0.9 V,1.0 V"),
        parse_setting("chip.query_driver.max_pulse_width=10 ns,15 ns,30 ns")))
    points = evaluate_arrays(grid.variants(), grid.contexts, "layer")
    assert points.attrs["groups"] == {"as_arrays": 4, "one_by_one": 0}        # rows × batch groups of 9
    assert points["variant"].tolist() == np.repeat(np.arange(36), CONTEXTS.size).tolist()
    _one_by_one(grid, points)
    assert points["overrides"].iloc[0] == ("chip.array.rows=32, chip.technology.supply_voltage=0.8 V, "
                                           "chip.query_driver.max_pulse_width=10 ns")


def test_sampling_is_reproducible_and_stratified():
    chip, workload = archmodel.load_chip(GAINCELL), archmodel.load_workload(GPT2)
    ranges = [parse_range("chip.technology.supply_voltage=0.7 V:1.1 V"), parse_range("chip.clocks.digital=0.5 GHz:2 GHz:log"),
              parse_range("chip.array.rows=16:128")]
    first = draw(ranges, [chip], [workload], 40, seed=7)
    assert np.array_equal(first.values, draw(ranges, [chip], [workload], 40, seed=7).values)
    assert not np.array_equal(first.values, draw(ranges, [chip], [workload], 40, seed=8).values)
    # Latin hypercube: each of the 40 equal strata of every range (in ln x for :log) holds exactly one design
    voltage = np.floor((first.values[:, 0] - 0.7) / 0.4 * 40)
    clock = np.floor(np.log(first.values[:, 1] / 0.5e9) / np.log(4) * 40)
    assert sorted(voltage) == list(range(40)) and sorted(clock) == list(range(40))
    assert np.all(first.values[:, 2] == np.round(first.values[:, 2])) and first.values[:, 2].min() >= 16
    grid_design = draw(ranges[:2], [chip], [workload], 10, method="grid")
    assert len(grid_design) == 9 and sorted(set(grid_design.values[:, 0])) == pytest.approx([0.7, 0.9, 1.1])


def test_sampled_sweep_on_the_cli_is_reproducible(tmp_path, capsys):
    arguments = [*BASE, "--context", "1024", "--set", "chip.technology.supply_voltage=0.7 V:1.1 V",
                 "--set", "chip.array.rows=16:128", "--sample", "12", "--seed", "5"]
    assert run([*arguments, "--out", str(tmp_path / "a.parquet")]) == 0
    assert run([*arguments, "--out", str(tmp_path / "b.parquet")]) == 0
    first, second = read_table(tmp_path / "a.parquet"), read_table(tmp_path / "b.parquet")
    pd.testing.assert_frame_equal(first, second)
    assert len(first) == 12 and first["chip.technology.supply_voltage"].between(0.7, 1.1).all()
    assert first.attrs["units"]["chip.technology.supply_voltage"] == "V"


KILLED_RUN = textwrap.dedent("""
    import sys, time
    import archmodel.sweep.dataset as dataset
    dataset.ROWS_PER_CHUNK = 40                      # many small chunks
    write = dataset.Dataset.write_part
    def slow(self, chunk, points):
        write(self, chunk, points)
        time.sleep(0.2)                              # time for the test to kill it between chunks
    dataset.Dataset.write_part = slow
    from archmodel.cli import run
    sys.exit(run(sys.argv[1:]))
""")


def test_resume_after_sigkill_equals_an_uninterrupted_run(tmp_path, monkeypatch):
    import archmodel.sweep.dataset as dataset

    monkeypatch.setattr(dataset, "ROWS_PER_CHUNK", 40)
    arguments = [*BASE, "--contexts", "1:4096:log8", "--set", "chip.technology.supply_voltage=0.7 V:1.1 V",
                 "--set", "chip.array.rows=32,64", "--sample", "30", "--executor", "local"]
    interrupted = tmp_path / "interrupted"
    process = subprocess.Popen([sys.executable, "-c", KILLED_RUN, *arguments, "--out", str(interrupted)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(interrupted.glob("part-*.parquet"))) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    chunks = len(Dataset.open(interrupted).chunks)
    assert 2 <= len(list(interrupted.glob("part-*.parquet"))) < chunks    # stopped part way, parts whole
    with pytest.raises(UsageError, match="incomplete sweep dataset"):
        read_table(interrupted)
    assert run([*arguments, "--out", str(interrupted)]) == 2               # exists: needs --resume
    assert run([*arguments, "--out", str(interrupted), "--resume"]) == 0
    assert run([*arguments, "--out", str(tmp_path / "whole")]) == 0
    pd.testing.assert_frame_equal(read_table(interrupted), read_table(tmp_path / "whole"), check_exact=True)
    assert len(read_table(interrupted)) == 60 * 8


def test_resume_refuses_another_grid(tmp_path, capsys):
    out = tmp_path / "d"
    assert run([*BASE, "--context", "1024", "--set", "chip.array.rows=32,64", "--out", str(out)]) == 0
    capsys.readouterr()
    assert run([*BASE, "--context", "2048", "--set", "chip.array.rows=32,64", "--out", str(out), "--resume"]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "holds a sweep of another grid (differs in contexts)" in error


def test_memory_guard_refuses_before_any_work():
    """Expected sizes from the guard's rule: 2 × rows × 300 B (archmodel/sweep/memory.py), against half of 24 GB."""
    with pytest.raises(UsageError, match=r"makes 100,000,000 rows, about 60 GB in memory.*dataset directory"):
        check_memory(10**8, breakdown=False, available=24 * 10**9)
    check_memory(10**6, breakdown=False, available=24 * 10**9)            # 0.6 GB: fine


@pytest.mark.parametrize(("arguments", "message"), [
    (["--out", "r.parquet", "--workers", "0", "--executor", "dask"], "--workers: expected an integer ≥ 1, got 0"),
    (["--out", "r.parquet", "--workers", "-2"], "--workers: expected an integer ≥ 1, got -2"),
    (["--out", "r.parquet", "--breakdown", "r.parquet"], "--out and --breakdown are the same file"),
    (["--out", "d", "--breakdown", "e.parquet"], "--breakdown needs a single-file --out"),
    (["--out", "r.csv", "--resume"], "--resume needs a dataset directory"),
    (["--out", "r.parquet", "--set", "chip.technology.node=7 nm:65 nm"], "a range needs --sample N"),
    (["--out", "r.parquet", "--set", "chip.technology.node=65 nm:7 nm", "--sample", "4"], "expected LOW < HIGH"),
    (["--out", "r.parquet", "--set", "chip.gain_cell.storage_min=0 V:0.3 V:log", "--sample", "4"], "a log range needs LOW > 0"),
    (["--out", "r.parquet", "--set", "chip.technology.node=0 nm:7 nm", "--sample", "4"],
     "$.technology.node: input should be greater than 0"),
    (["--out", "r.parquet", "--set", "chip.name=a:b", "--sample", "4"], "cannot sample a field of type str"),
    (["--out", "r.parquet", "--set", "chip.technology.node=7 nm:65 nm", "--sample", "4", "--method", "sobol"],
     "unknown sampling method 'sobol'"),
    (["--out", "r.parquet", "--contexts", "1:1000000000"], "1,000,000,000 context lengths, more than the 10,000,000"),
    (["--out", "r.parquet", "--scheduler", "tcp://127.0.0.1:1", "--executor", "local"], "--scheduler needs --executor dask or auto"),
    (["--out", "r.parquet", "--set", "chip.technology.node=7 nm:65 nm", "--sample", "4", "--seed", "-1"],
     "--seed: expected an integer ≥ 0, got -1"),
    (["--out", "r.parquet", "--set", "chip.technology.node=7 nm:65 nm:cubic", "--sample", "4"],
     "cannot read range 'chip.technology.node=7 nm:65 nm:cubic'"),
    (["--out", "r.parquet", "--set", "chip.technology.node=7 nm:", "--sample", "4"], "cannot read range"),
])
def test_bad_sweep_options_are_one_line(tmp_path, monkeypatch, capsys, arguments, message):
    monkeypatch.chdir(tmp_path)
    assert run([*BASE, *arguments]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and message in error
    assert list(tmp_path.iterdir()) == []                                 # nothing written


def test_ctrl_c_says_what_is_kept_and_how_to_resume(tmp_path):
    """SIGINT (Ctrl-C) mid-sweep: exit 130 and one line naming the chunks on disk and --resume; the parts are whole."""
    arguments = [*BASE, "--contexts", "1:4096:log8", "--set", "chip.technology.supply_voltage=0.7 V:1.1 V",
                 "--sample", "30", "--executor", "local"]
    out = tmp_path / "interrupted"
    process = subprocess.Popen([sys.executable, "-c", KILLED_RUN, *arguments, "--out", str(out)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("part-*.parquet")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    error = process.communicate(timeout=60)[1].strip()
    assert process.returncode == 130
    assert error.startswith("archmodel: interrupted: ") and error.endswith("run the same command with --resume to complete it")
    assert "\n" not in error and f"chunks are in {out}" in error
    for part in out.glob("part-*.parquet"):
        assert len(pd.read_parquet(part)) > 0


def test_an_optional_integer_field_is_sampled_as_integers(tmp_path):
    """The window (``int | None``) of a workload on a GPU: rounded designs, each a valid window."""
    out = tmp_path / "w.parquet"
    assert run(["sweep", "--chip", H100, "--workload", GPT2, "--quiet", "--set", "workload.attention.window=512:2048",
                "--sample", "6", "--out", str(out)]) == 0
    windows = read_table(out)["workload.attention.window"]
    assert windows.between(512, 2048).all() and (windows == windows.round()).all()


@pytest.mark.parametrize(("name", "text"), [("bad.parquet", "not parquet"), ("bad.csv", 'a,b\n1,2,3\n"')])
def test_unreadable_results_are_one_line(tmp_path, capsys, name, text):
    path = tmp_path / name
    path.write_text(text)
    assert run(["pareto", str(path), "--minimize", "a"]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and f"{path}: cannot read it as a {path.suffix} table" in error
