"""Sweep results against direct engine calls; executors agree; tables carry their units."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import archmodel
from archmodel.sweep import DaskExecutor, Grid, LocalExecutor, parse_contexts, parse_setting, run_sweep
from archmodel.sweep.schema import AREA_COLUMNS, ENERGY_COLUMNS, PHASE_COLUMNS, POINT_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = parse_contexts("1:4096:log24")


@pytest.fixture(scope="module")
def swept(chip, gpt2):
    """Array rows × window on the gain-cell chip, GPT-2, every context at once."""
    grid = Grid((chip,), (gpt2,), CONTEXTS, scope="layer", settings=(
        parse_setting("chip.array.rows=32,64,128"), parse_setting("workload.attention.window=512,1024,2048")))
    return grid, run_sweep(grid, executor="local")


def test_one_row_per_variant_and_context(swept):
    grid, result = swept
    points = result.points
    assert len(points) == 9 * CONTEXTS.size
    assert points.groupby(["chip.array.rows", "workload.attention.window"]).size().tolist() == [CONTEXTS.size] * 9
    assert list(points.columns) == [*list(POINT_COLUMNS)[:6], "chip.array.rows", "workload.attention.window",
                                    *list(POINT_COLUMNS)[6:]]


def test_rows_equal_direct_estimates(swept, chip, gpt2):
    """Each variant's rows equal archmodel.estimate on the same overridden specs (relative 1e-12)."""
    _, result = swept
    for (rows, window), frame in result.points.groupby(["chip.array.rows", "workload.attention.window"]):
        direct = archmodel.estimate(
            archmodel.with_overrides(chip, {"array.rows": int(rows)}),
            archmodel.with_overrides(gpt2, {"attention.window": int(window)}),
            context=CONTEXTS, scope="layer")
        assert_allclose(frame["context"], CONTEXTS)
        for column in ("latency", "time_per_token", "energy", "energy_per_token"):
            assert_allclose(frame[column], getattr(direct, column), rtol=1e-12, err_msg=column)
        assert_allclose(frame["area"], direct.area, rtol=1e-12)


def test_window_and_rows_really_change_the_results(swept):
    """The sweep applies its overrides: a window of 512 spends less at t = 4096 than one of 2048."""
    _, result = swept
    last = result.points[result.points["context"] == CONTEXTS[-1]].set_index(["chip.array.rows", "workload.attention.window"])
    assert last.loc[(64, 512), "energy"] < last.loc[(64, 2048), "energy"]
    assert last.loc[(32, 1024), "area"] != last.loc[(128, 1024), "area"]


def test_breakdown_tables_add_up(swept):
    _, result = swept
    points = result.points.set_index(["variant", "context"])
    for breakdown in ("group", "component"):
        summed = result.energy[result.energy["breakdown"] == breakdown].groupby(["variant", "context"])["energy"].sum()
        assert_allclose(summed.loc[points.index], points["energy"], rtol=1e-12)
    assert_allclose(result.areas.groupby("variant")["area"].sum(), points.groupby("variant")["area"].first(), rtol=1e-12)
    assert list(result.energy.columns) == list(ENERGY_COLUMNS)
    assert list(result.phases.columns) == list(PHASE_COLUMNS)
    assert list(result.areas.columns) == list(AREA_COLUMNS)


def test_units_in_attrs(swept):
    _, result = swept
    units = result.points.attrs["units"]
    assert units["latency"] == "s" and units["energy_per_token"] == "J" and units["area"] == "m^2"
    assert units["context"] == "token" and units["chip.array.rows"] == ""
    assert result.energy.attrs["units"]["energy"] == "J"
    assert set(units) == set(result.points.columns)


def test_batch_axis_matches_direct_estimates(chip, gpt2):
    result = run_sweep(Grid((chip,), (gpt2,), [1, 1024], batches=(1, 8)), executor="local", breakdown=False)
    assert result.energy is None
    eight = result.points[result.points["batch"] == 8]
    direct = archmodel.estimate(chip, gpt2, context=[1, 1024], batch=8)
    assert_allclose(eight["time_per_token"], direct.time_per_token, rtol=1e-12)
    assert_allclose(eight["energy"], direct.energy, rtol=1e-12)


def test_local_and_dask_give_the_same_tables(chip, gpt2, gpt2_xl):
    """The Dask executor (LocalCluster, 2 worker processes) returns exactly the local tables."""
    grid = Grid((chip,), (gpt2, gpt2_xl), parse_contexts("1:8192:log40"),
                settings=(parse_setting("chip.array.rows=32,64"),), batches=(1, 2))
    local = run_sweep(grid, executor=LocalExecutor())
    progress = []
    dask = run_sweep(grid, executor=DaskExecutor(workers=2, chunks_per_worker=2),
                     progress=lambda done, total: progress.append((done, total)))
    assert dask.executor == "dask" and local.executor == "local"
    for name, table in local.tables().items():
        pd.testing.assert_frame_equal(dask.tables()[name], table, check_exact=True)
        assert dask.tables()[name].attrs == table.attrs
    assert progress[-1] == (8, 8) and len(progress) == 4


def test_auto_picks_local_for_small_grids(chip, gpt2):
    assert run_sweep(Grid((chip,), (gpt2,), [1024]), executor="auto").executor == "local"


def test_gpu_rows_carry_floor_and_calibration_label(chip, gpt2):
    gpu = archmodel.load_chip(ROOT / "hardware_specs" / "gpu" / "rtx4090.json")
    points = run_sweep(Grid((chip, gpu), (gpt2,), [1, 1024]), executor="local", breakdown=False).points
    analog, rtx = points[points["variant"] == 0], points[points["variant"] == 1]
    assert analog["floor_latency"].isna().all() and (analog["labels"] == "").all()
    direct = archmodel.estimate(gpu, gpt2, context=[1, 1024])
    assert_allclose(rtx["floor_latency"], direct.floor_latency, rtol=1e-12)
    assert_allclose(rtx["floor_time_per_token"], direct.floor_latency / direct.batch, rtol=1e-12)
    assert (rtx["labels"] == "; ".join(direct.labels)).all() and "calibration" in rtx["labels"].iloc[0]
    assert np.all(np.isfinite(rtx["floor_energy_per_token"]))


def test_mapping_errors_come_back_from_workers_as_values(chip, gpt2):
    """A Dask task returns a user error instead of raising it (no worker traceback); the driver raises it."""
    from archmodel import MappingError
    from archmodel.sweep.executors import evaluate_or_error

    variants = Grid((chip,), (gpt2,), [1024], settings=(parse_setting("workload.attention.window=1000"),)).variants()
    error = evaluate_or_error(variants, np.array([1024]), "layer", False)
    assert isinstance(error, MappingError) and "must be a multiple of the sub-tile width 64" in str(error)
    with pytest.raises(MappingError, match=r"\$\.attention\.window: must be a multiple"):
        run_sweep(Grid((chip,), (gpt2,), [1024], settings=(parse_setting("workload.attention.window=1000"),)),
                  executor="local")
