"""The model's value at each published point of Leroux 2025, side by side with the paper's.

For a published point the model is evaluated exactly where the paper
measured: same device (a recipe chip whose ``published`` key names it),
same scenario (a recipe scenario whose ``published`` key names it), scope
and context.  Ratios (speed-up, energy ratio) divide the GPU in its
scenario by the recipe's reference chip in the reference scenario, as the
paper did.  Points with no matching chip or scenario keep a NaN model value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from archmodel.engine import estimate

#: quantity → (Estimate attribute per token, unit)
PER_TOKEN = {"time_per_token": ("time_per_token", "s"), "energy_per_token": ("energy_per_token", "J")}
RATIOS = {"speedup": "time_per_token", "energy_ratio": "energy_per_token"}
UNITS = {"time_per_token": "s", "energy_per_token": "J", "energy_by_group": "J", "speedup": "", "energy_ratio": ""}

COMPARISON_COLUMNS = {
    "device": "", "device_name": "", "chip_key": "", "chip_label": "", "scenario": "", "scope": "",
    "context": "token", "quantity": "", "group": "", "published": "SI", "model": "SI",
    "model_over_published": "", "unit": "", "kind": "", "location": "",
}


def _per_token(chip, scenario, quantity: str, scope: str, context: int, group: str = "") -> float:
    result = estimate(chip.spec, scenario.workload, context=[context], batch=scenario.batch, scope=scope)
    if quantity == "energy_by_group":
        energy = result.energy_by_group.get(group)
        return float("nan") if energy is None else float(np.broadcast_to(energy, result.context.shape)[0] / result.batch)
    return float(getattr(result, PER_TOKEN[quantity][0])[0])


def model_value(point, chips: dict, scenarios: dict, reference) -> float:
    """The model's value for one published point; NaN where the recipe lacks its device or scenario."""
    chip, scenario = chips.get(point.device), scenarios.get(point.scenario)
    if chip is None or scenario is None:
        return float("nan")
    if point.quantity in RATIOS:
        base_scenario = scenarios.get(point.reference_scenario)
        if base_scenario is None:
            return float("nan")
        quantity = RATIOS[point.quantity]
        numerator = _per_token(chip, scenario, quantity, point.scope, point.context)
        return numerator / _per_token(reference, base_scenario, quantity, point.scope, point.context)
    return _per_token(chip, scenario, point.quantity, point.scope, point.context, point.group)


def compare_with_published(chip_infos: list, scenario_infos: list, reference_key: str, published: pd.DataFrame) -> pd.DataFrame:
    """One row per published point: published value, model value and their ratio (units in ``unit``)."""
    chips = {chip.published: chip for chip in chip_infos if chip.published}
    scenarios = {scenario.published: scenario for scenario in scenario_infos if scenario.published}
    reference = next(chip for chip in chip_infos if chip.key == reference_key)
    rows = []
    for point in published.itertuples(index=False):
        chip = chips.get(point.device)
        model = model_value(point, chips, scenarios, reference)
        rows.append({
            "device": point.device, "device_name": point.device_name,
            "chip_key": chip.key if chip else "", "chip_label": chip.label if chip else point.device_name,
            "scenario": point.scenario, "scope": point.scope, "context": point.context,
            "quantity": point.quantity, "group": point.group, "published": point.value, "model": model,
            "model_over_published": model / point.value, "unit": UNITS[point.quantity],
            "kind": point.kind, "location": point.location,
        })
    frame = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    frame.attrs["units"] = COMPARISON_COLUMNS
    return frame
