"""The GPU model against published LLM decode measurements (tests/validation/gpu_public.json).

Every row of the data set cites the page its number was read from (setup and arithmetic stored with it).  The
H100 SXM 'serving' calibration was fitted to the rows marked ``fitted`` (and stores copies of them); every other
row is held out: its prediction uses no number of its own.  The issue asked for held-out median absolute errors
of ≤ 20 % (throughput) and ≤ 30 % (energy or power); docs/gpu_model.md tabulates every point.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from archmodel import load_chip
from archmodel.measure.public import read_public, validation_table
from archmodel.specs.gpu import select_calibration
from tests.conftest import ROOT
from tests.gpu.conftest import GPU_DIR

DATA = ROOT / "tests" / "validation" / "gpu_public.json"
#: held-out median absolute errors reached (docs/gpu_model.md), and the issue's aims they must stay within [-]
AIMS = {"time_per_token": 0.20, "energy": 0.30}


@pytest.fixture(scope="module")
def table():
    return validation_table(DATA, GPU_DIR)


def test_the_data_set_covers_what_the_issue_asks():
    """≥ 12 rows, ≥ 3 GPUs, batch 1 to ≥ 128, throughput and energy or power, a source URL each."""
    rows = read_public(DATA)
    assert len(rows) >= 12
    assert len({row["gpu"] for row, _ in rows}) >= 3
    batches = [point.batch for _, point in rows]
    assert min(batches) == 1 and max(batches) >= 128
    assert any(point.time_per_token for _, point in rows)
    assert any(point.board_energy_per_token or point.board_power for _, point in rows)
    assert all(point.source.startswith("https://") and point.setup for _, point in rows)
    assert sum(row["fitted"] for row, _ in rows) < len(rows) / 2  # most rows are held out


def test_fitted_rows_are_the_calibrations_own():
    """A fitted row is stored in its calibration's ``published`` list, and no held-out row is."""
    raw = json.loads(DATA.read_text())["rows"]
    for (row, point), document in zip(read_public(DATA), raw):
        calibration = select_calibration(load_chip(GPU_DIR / f"{row['gpu']}.json"), row["calibration"]).calibration
        stored = {p.label: p for p in calibration.published}
        if document["fitted"]:
            assert stored.get(point.label) == point, point.label
        else:
            assert point.label not in stored, point.label


def test_held_out_median_errors_within_the_aims(table):
    held_out = table[~table["fitted"]]
    time = held_out[held_out["quantity"] == "time_per_token"]["error"].abs()
    energy = held_out[held_out["quantity"] != "time_per_token"]["error"].abs()
    assert len(time) >= 8 and len(energy) >= 2
    assert np.median(time) <= AIMS["time_per_token"], held_out.to_string()
    assert np.median(energy) <= AIMS["energy"], held_out.to_string()


def test_every_point_within_a_factor_of_two(table):
    """No published point, fitted or not, is off by more than ×2 (the model's claim of coarse reliability)."""
    ratio = table["predicted"] / table["measured"]
    assert ratio.between(0.5, 2.0).all(), table.to_string()


def test_the_fit_reproduces_its_time_points(table):
    """The two fitted time points pin η_attention and t_h exactly: 2 unknowns, 2 equations (± 1 %)."""
    fitted = table[table["fitted"] & (table["quantity"] == "time_per_token")]
    assert len(fitted) == 2
    assert fitted["error"].abs().max() < 0.01
