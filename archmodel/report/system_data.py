"""Per-system figures of a report: token interval, retention budget, refresh, device shares, dies.

One row per (system chip, scenario, context), from one system estimate per
(system, scenario).  Empty when the recipe has no system.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from archmodel.engine import estimate
from archmodel.mapping.gaincell import tile
from archmodel.specs import with_overrides
from archmodel.system.partition import attention_workload

#: columns of :func:`system_table` and their units
SYSTEM_COLUMNS = {
    "scenario": "", "scenario_label": "", "chip_key": "", "chip_label": "", "batch": "sequence", "context": "token",
    "token_interval": "s", "retention_time": "s", "window": "token", "wall_interval": "s",
    "refresh_energy_per_token": "J", "attention_energy_per_token": "J", "host_share": "", "link_share": "",
    "attention_share": "", "chips": "", "attention_area": "m^2",
}


def _rows(chip, scenario) -> pd.DataFrame:
    system = chip.spec
    workload = scenario.workload
    if scenario.batch is not None and scenario.batch != workload.batch:
        workload = with_overrides(workload, {"batch": scenario.batch}, label="batch")
    result = estimate(system, workload, context=scenario.contexts)
    cell, schedule = system.attention_chip.gain_cell, system.attention_chip.schedule
    window = tile(system.attention_chip, attention_workload(workload)).window
    refresh = result.energy_by_component.get("refresh", np.zeros_like(result.context))
    return pd.DataFrame({
        "scenario": scenario.key, "scenario_label": scenario.label, "chip_key": chip.key, "chip_label": chip.label,
        "batch": result.batch, "context": result.context.astype(np.int64), "token_interval": result.latency,
        "retention_time": cell.retention_time, "window": window,
        "wall_interval": schedule.refresh_threshold * cell.retention_time / (window - 1),
        "refresh_energy_per_token": refresh / result.batch,
        "attention_energy_per_token": (result.energy_by_device["attention"] - refresh) / result.batch,
        **{f"{device}_share": values / result.latency for device, values in result.latency_by_device.items()},
        "chips": result.chips.chips, "attention_area": result.area,
    })


def system_table(chips: list, scenarios: list) -> pd.DataFrame:
    """The rows of every system chip of the recipe on every scenario (module docstring)."""
    frames = [_rows(chip, scenario) for chip in chips if chip.spec.kind == "system" for scenario in scenarios]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(SYSTEM_COLUMNS))
    frame = frame[list(SYSTEM_COLUMNS)]
    frame.attrs["units"] = SYSTEM_COLUMNS
    return frame
