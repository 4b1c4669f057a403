"""Export the activity the emulator measured as a chip variant the estimator reads.

The written JSON ``extends`` the emulated chip and replaces its ``activity``
section with the measured mean pulse fractions, each marked as a
measurement, so ``archmodel estimate --chip VARIANT.json`` prices the array
reads with data-dependent activity::

    E_read = energy_per_read × pulse_fraction     [J]
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from archmodel.emulator.modes import MODES, Mode
from archmodel.files import write_json
from archmodel.specs.errors import UsageError


def require_activity(mode: Mode) -> None:
    """A :class:`UsageError` unless ``mode`` runs the analog arrays (whose activity is exported); check before running."""
    if not mode.hardware:
        raise UsageError(f"mode {mode.name!r} has no analog arrays, so no activity to export; use a gain-cell mode")


def activity_chip_document(chip, chip_path: str | Path, out_path: str | Path, metrics: dict, inputs: str) -> dict:
    """A chip document extending ``chip_path`` (loaded: ``chip``) with the activity in ``metrics``.

    ``metrics`` is what :func:`archmodel.emulator.cli.run_emulate` returns;
    ``inputs`` says what the emulator ran on (for the provenance text).
    """
    parent = os.path.relpath(Path(chip_path).resolve(), Path(out_path).resolve().parent)
    shape = f"B={metrics['batch']}, H={metrics['heads']}, T={metrics['tokens']}, d={metrics['head_dim']}, M={metrics['window']}"
    how = (f"archmodel emulate --mode {metrics['mode']} ({metrics['path']}) on {inputs}, {shape}, "
           f"levels {metrics['q_levels']}/{metrics['kv_levels']}/{metrics['out_levels']}, "
           f"decay {metrics['decay_per_step']:g} per step, {datetime.date.today().isoformat()}")
    return {
        "extends": parent,
        "name": f"{chip.name} — activity measured by the emulator",
        "description": f"{chip.name} with its mean pulse fractions measured by the emulator ({how}).",
        "activity": {
            "query_pulse_fraction": {"value": metrics["query_pulse_fraction"], "measurement": f"mean q pulse / T_max: {how}"},
            "phi_pulse_fraction": {"value": metrics["phi_pulse_fraction"], "measurement": f"mean φ pulse / T_max over live entries: {how}"},
        },
    }


def write_activity_chip(chip, chip_path: str | Path, out_path: str | Path, metrics: dict, inputs: str) -> Path:
    """Write :func:`activity_chip_document` to ``out_path`` atomically."""
    require_activity(MODES[metrics["mode"]])
    return write_json(activity_chip_document(chip, chip_path, out_path, metrics, inputs), out_path)
