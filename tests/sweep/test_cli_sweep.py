"""``archmodel sweep``: files written atomically with units, bad input exits 2 with one clear line."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from rich.console import Console

import archmodel
from archmodel.cli import run
from archmodel.cli.sweep import ProgressBar
from archmodel.specs import UsageError
from archmodel.sweep import read_table, write_table

ROOT = Path(__file__).resolve().parents[2]
GAINCELL = str(ROOT / "hardware_specs" / "gaincell_leroux2025.json")
GPT2 = str(ROOT / "workloads" / "gpt2.json")
BASE = ["sweep", "--chip", GAINCELL, "--workload", GPT2, "--quiet"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_sweep_writes_a_table_with_units(tmp_path, capsys, suffix):
    out = tmp_path / f"results{suffix}"
    code = run([*BASE, "--contexts", "1:16384:log16", "--set", "chip.array.rows=32,64", "--out", str(out)])
    assert code == 0
    assert capsys.readouterr().out.startswith(f"wrote {out}: 32 rows (2 variants × 16 contexts, local executor")
    table = read_table(out)
    assert len(table) == 32 and table.attrs["units"]["latency"] == "s"
    direct = archmodel.estimate(archmodel.with_overrides(archmodel.load_chip(GAINCELL), {"array.rows": 32}),
                                archmodel.load_workload(GPT2), context=table["context"][:16])
    assert_allclose(table["energy"][:16], direct.energy, rtol=1e-9)  # CSV keeps 17 significant digits
    assert [path.name for path in tmp_path.iterdir()] == [out.name]   # no temporary file left


def test_csv_header_carries_units(tmp_path):
    out = tmp_path / "r.csv"
    assert run([*BASE, "--context", "1024", "--out", str(out)]) == 0
    header = out.read_text().splitlines()[0].split(",")
    assert "latency [s]" in header and "energy_per_token [J]" in header and "context [token]" in header


def test_breakdown_and_batches(tmp_path):
    out, energy = tmp_path / "r.parquet", tmp_path / "e.parquet"
    assert run([*BASE, "--context", "1,1024", "--batch", "1,4", "--out", str(out), "--breakdown", str(energy)]) == 0
    assert sorted(read_table(out)["batch"].unique()) == [1, 4]
    breakdown = read_table(energy)
    assert set(breakdown["breakdown"]) == {"group", "component"}
    assert set(breakdown.loc[breakdown["breakdown"] == "group", "name"]) == {"qk", "sv", "digital", "dac"}


@pytest.mark.parametrize(("arguments", "message"), [
    (["--set", "chip.array.rowz=32"], "gaincell_leroux2025.json: unknown spec path 'array.rowz'"),
    (["--set", "chip.array.rows=many"], "$.array.rows: expected an integer, got a string"),
    (["--set", "chip.dac.conversion_time=10 mV"], "$.dac.conversion_time: expected a unit of time (like s), got '10 mV'"),
    (["--batch", ","], "empty sweep: --batch has no values"),
    (["--batch", "0"], "--batch: batch must be a positive integer, got 0"),
    (["--executor", "cloud"], "unknown executor 'cloud'"),
])
def test_bad_input_exits_2_with_one_line_and_no_file(tmp_path, capsys, arguments, message):
    out = tmp_path / "r.parquet"
    assert run([*BASE, *arguments, "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("archmodel: error: ") and message in error and error.count("\n") == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unknown_output_format(tmp_path, capsys):
    assert run([*BASE, "--out", str(tmp_path / "r.xlsx")]) == 2
    assert "unknown table format '.xlsx'; expected .parquet or .csv" in capsys.readouterr().err


def test_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert run([*BASE, "--out", str(tmp_path / "nowhere" / "r.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    out = tmp_path / "r.parquet"
    out.write_bytes(b"previous")

    def broken(self, path, **kwargs):
        Path(path).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(UsageError, match=r"r\.parquet: cannot write the output \(disk full\)"):
        write_table(pd.DataFrame({"a": [1]}), out)
    assert out.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["r.parquet"]


@pytest.mark.parametrize(("terminal", "enabled"), [(True, True), (True, False), (False, True), (False, False)])
def test_progress_bar_shows_only_on_a_terminal_and_unless_quiet(terminal, enabled):
    console = Console(file=io.StringIO(), force_terminal=terminal)
    bar = ProgressBar(enabled=enabled, delay=0.0, console=console)
    bar(1, 2)
    bar.close()
    shown = terminal and enabled
    assert bar.enabled is shown and (bar.bar is not None) is shown
    assert ("1/2" in console.file.getvalue()) is shown and (console.file.getvalue() == "") is not shown


def test_progress_bar_waits_for_its_delay():
    console = Console(file=io.StringIO(), force_terminal=True)
    bar = ProgressBar(enabled=True, delay=3600.0, console=console)
    bar(1, 2)
    assert bar.bar is None and console.file.getvalue() == ""
    bar.started -= 3600.0                       # as if the sweep had run for the whole delay
    bar(2, 2)
    bar.close()
    assert bar.bar is not None and "2/2" in console.file.getvalue()
