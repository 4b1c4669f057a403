"""Pareto fronts (archmodel.pareto) and ``archmodel pareto``: hand-worked tables, the dominance property on
random tables, 10⁵ rows in seconds, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from archmodel import pareto
from archmodel.pareto import pareto_front, pareto_mask
from archmodel.specs import UsageError
from archmodel.sweep import read_table, write_table

#: eight designs, worked out by hand (time and energy first, area for the 3-D front):
#:
#:   design  energy  time  area   front of (energy, time)              front of all three
#:   a       1       5     9      on: least energy (g ties, slower)     on
#:   b       2       3     9      on: nothing ≤ 2 and ≤ 3 but e          on
#:   c       3       4     1      off: b is 2 ≤ 3 and 3 < 4               on: least area
#:   d       4       1     9      on: least time (h is NaN)               on
#:   e       2       3     9      on: equal to b, equals don't dominate  on
#:   f       5       5     9      off: b                                  off: b (2, 3, 9) ≤ (5, 5, 9)
#:   g       1       6     8      off: a has equal energy, 5 < 6          on: a has area 9 > 8; none else ≤ in energy
#:   h       NaN     0     0      off: NaN is never on the front, and its time 0 does not push d off
DESIGNS = pd.DataFrame({
    "design": list("abcdefgh"),
    "energy": [1, 2, 3, 4, 2, 5, 1, np.nan],
    "time": [5, 3, 4, 1, 3, 5, 6, 0],
    "area": [9, 9, 1, 9, 9, 9, 8, 0],
    "context": [512, 512, 512, 1024, 1024, 1024, 1024, 1024],
})


def names(frame: pd.DataFrame, mask) -> str:
    return "".join(frame["design"][mask])


def test_two_objectives_by_hand():
    assert names(DESIGNS, pareto_mask(DESIGNS, ["energy", "time"])) == "abde"


def test_three_objectives_by_hand():
    assert names(DESIGNS, pareto_mask(DESIGNS, ["energy", "time", "area"])) == "abcdeg"


def test_one_front_per_group():
    # context 512: a (1, 5), b (2, 3), c (3, 4) — c dominated by b → a, b
    # context 1024: d (4, 1), e (2, 3), f (5, 5), g (1, 6), h NaN — f dominated by e → d, e, g
    # g is on its group's front although a (another group) dominates it
    assert names(DESIGNS, pareto_mask(DESIGNS, ["energy", "time"], by=["context"])) == "abdeg"


def test_nan_rows_are_never_on_the_front_and_dominate_nothing():
    frame = pd.DataFrame({"energy": [np.nan, 2.0, np.nan], "time": [0.0, 1.0, np.nan]})
    assert pareto_mask(frame, ["energy", "time"]).tolist() == [False, True, False]


def test_duplicates_stay_on_the_front_together():
    frame = pd.DataFrame({"energy": [1.0, 1.0, 1.0, 2.0], "time": [2.0, 2.0, 2.0, 1.0], "area": [3.0, 3.0, 3.0, 3.0]})
    assert pareto_mask(frame, ["energy", "time", "area"]).all()
    assert pareto_mask(frame, ["energy"]).tolist() == [True, True, True, False]


def test_pareto_front_rows_sorted_with_units():
    frame = DESIGNS.copy()
    frame.attrs["units"] = {"energy": "J", "time": "s"}
    front = pareto_front(frame, ["energy", "time"], by=["context"])
    assert list(front["design"]) == ["a", "b", "g", "e", "d"]  # by context, then energy, then time
    assert front.attrs["units"] == {"energy": "J", "time": "s"}


@pytest.mark.parametrize(("minimize", "by", "message"), [
    ([], [], "no objective to minimize"),
    (["power"], [], "no column 'power'; columns are design, energy, time, area, context"),
    (["energy"], ["chip"], "no column 'chip'"),
    (["design"], [], "objective 'design' is not numeric (its values are "),
    (["energy", "energy"], [], "objective 'energy' is named twice"),
])
def test_bad_columns_are_usage_errors(minimize, by, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        pareto_mask(DESIGNS, minimize, by)


def dominates(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[i, j]: row a[j] dominates row b[i] (≤ in every column, < in one)."""
    return (a[None, :, :] <= b[:, None, :]).all(axis=2) & (a[None, :, :] < b[:, None, :]).any(axis=2)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_front_is_exactly_the_undominated_rows(data):
    """Every complete row off the front is dominated by a front row; no front row is dominated by any row.

    Few distinct values (ties, duplicates, ±inf, NaN) and small blocks, so that the blocked and chunked
    methods cross block boundaries on small tables.
    """
    objectives = data.draw(st.integers(1, 4))
    values = data.draw(arrays(float, (data.draw(st.integers(0, 40)), objectives),
                              elements=st.sampled_from([0.0, 1.0, 2.0, -1.5, np.inf, -np.inf, np.nan])))
    block = data.draw(st.sampled_from([1, 3, 64]))
    frame = pd.DataFrame(values, columns=[f"objective{i}" for i in range(objectives)])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pareto, "BLOCK_ROWS", block)
        patch.setattr(pareto, "CHUNK_ROWS", block)
        mask = pareto_mask(frame, list(frame.columns))
    complete = ~np.isnan(values).any(axis=1)
    assert not mask[~complete].any()
    front, others = values[mask], values[complete & ~mask]
    assert not dominates(values[complete], front).any()
    assert dominates(front, others).any(axis=1).all()


@pytest.mark.parametrize("objectives", [2, 3])
def test_hundred_thousand_rows_take_seconds(objectives):
    """10⁵ uniform random rows: measured 0.06 s (2 objectives) and 0.5 s (3) on 2 cores; the bound is generous."""
    values = np.random.default_rng(7).random((100_000, objectives))
    frame = pd.DataFrame(values, columns=[f"objective{i}" for i in range(objectives)])
    started = time.monotonic()
    mask = pareto_mask(frame, list(frame.columns))
    assert time.monotonic() - started < 10
    front = values[mask]
    assert 5 <= len(front) <= 500
    assert not dominates(values, front).any()
    assert dominates(front, values[~mask]).any(axis=1).all()


# --- archmodel pareto -------------------------------------------------------------------------------------


@pytest.fixture
def results(tmp_path):
    """The hand-worked designs as a sweep's points table (Parquet, SI units): design a is variant 0, …"""
    frame = pd.DataFrame({
        "variant": range(8), "chip": "Gain-cell", "workload": "gpt2",
        "overrides": [f"chip.technology.node={node:g}" for node in np.arange(8) * 1e-9 + 7e-9],
        "chip.technology.node": np.arange(8) * 1e-9 + 7e-9,
        "context": DESIGNS["context"],
        "energy_per_token": DESIGNS["energy"] * 1e-8, "time_per_token": DESIGNS["time"] * 1e-8,
        "area": DESIGNS["area"] * 1e-6,
    })
    frame.attrs["units"] = {"chip.technology.node": "m", "context": "token", "energy_per_token": "J",
                            "time_per_token": "s", "area": "m^2"}
    return write_table(frame, tmp_path / "results.parquet")


def test_cli_prints_the_front(cli, results):
    code, out, _ = cli("pareto", results, "--minimize", "energy_per_token,time_per_token,area")
    assert code == 0
    assert "6 of 8 designs on the front" in out
    assert "10 nJ" in out and "50 ns" in out and "9 mm²" in out   # design a: 1e-8 J, 5e-8 s, 9e-6 m²
    assert "9 nm" in out                                           # design c's swept node, with its unit
    assert "chip.technology.node" in out and "12 nm" not in out   # f (variant 5, 12 nm) is dominated


def test_cli_groups_json_and_out(cli, results, tmp_path):
    out_file = tmp_path / "front.csv"
    code, out, _ = cli("pareto", results, "--minimize", "energy_per_token,time_per_token", "--by", "context",
                       "--out", out_file, "--json")
    assert code == 0
    document = json.loads(out)
    assert (document["designs"], document["on_front"], document["missing_objective"]) == (8, 5, 1)
    assert [row["variant"] for row in document["front"]] == [0, 1, 6, 4, 3]   # a, b | g, e, d
    assert document["units"]["energy_per_token"] == "J"
    written = read_table(out_file)
    assert list(written["variant"]) == [0, 1, 6, 4, 3] and written.attrs["units"]["time_per_token"] == "s"
    code, out, _ = cli("pareto", results, "--minimize", "energy_per_token,time_per_token", "--by", "context")
    assert "5 of 8 designs on the front (2 groups by context); 1 with a missing objective are never on it" in out


@pytest.mark.parametrize(("arguments", "message"), [
    (["--minimize", "energy_per_token,power"], "results.parquet: no column 'power'; columns are variant, chip, workload"),
    (["--minimize", "energy_per_token", "--by", "batch"], "results.parquet: no column 'batch'; columns are"),
    (["--minimize", ""], "--minimize: no objective given"),
    (["--minimize", "energy_per_token,,area"], "--minimize: empty name between commas"),
    (["--minimize", "chip,area"], "results.parquet: objective 'chip' is not numeric"),
    (["--minimize", "area", "--out", "front.xlsx"], "front.xlsx: unknown table format '.xlsx'; expected .parquet or .csv"),
])
def test_cli_bad_input_is_one_line_and_exit_2(cli, results, arguments, message):
    code, out, error = cli("pareto", results, *arguments)
    assert code == 2 and out == ""
    assert error.startswith("archmodel: error: ") and message in error and error.count("\n") == 1


def test_cli_missing_results_file(cli, tmp_path):
    code, _, error = cli("pareto", tmp_path / "nowhere.parquet", "--minimize", "area")
    assert code == 2 and error == f"archmodel: error: {tmp_path / 'nowhere.parquet'}: no such file\n"
