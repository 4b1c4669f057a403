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

#: ratio quantity → the per-token Estimate attribute it divides
RATIOS = {"speedup": "time_per_token", "energy_ratio": "energy_per_token"}
UNITS = {"time_per_token": "s", "energy_per_token": "J", "energy_by_group": "J", "speedup": "", "energy_ratio": ""}

COMPARISON_COLUMNS = {
    "device": "", "device_name": "", "chip_key": "", "chip_label": "", "scenario": "", "scope": "",
    "context": "token", "quantity": "", "group": "", "published": "SI", "model": "SI",
    "model_over_published": "", "unit": "", "kind": "", "location": "", "fitted": "",
}
#: relative agreement under which a published value counts as one a calibration was fitted to [-]
FIT_MATCH = 0.01


def fitted_to(chip, point) -> bool:
    """True when ``chip`` is a GPU whose calibration was fitted to a measurement equal to the published ``point``
    (same buffer size, value within :data:`FIT_MATCH`): model and paper then agree by construction there."""
    if chip is None or getattr(chip.spec, "kind", None) != "gpu" or point.quantity not in UNITS or point.quantity in RATIOS:
        return False
    from archmodel.specs.gpu import selected_calibration

    calibration = selected_calibration(chip.spec).calibration
    if calibration.status != "measured":
        return False
    for measurement in calibration.measurements:
        value = getattr(measurement, point.quantity, None)
        if value and measurement.kv_slots == point.context and abs(value / point.value - 1) < FIT_MATCH:
            return True
    return False


def _inputs(point, chips: dict, scenarios: dict, reference) -> list[tuple]:
    """The (chip, scenario) pairs the model value of ``point`` needs; none where the recipe lacks one."""
    chip, scenario = chips.get(point.device), scenarios.get(point.scenario)
    if chip is None or scenario is None:
        return []
    if point.quantity not in RATIOS:
        return [(chip, scenario)]
    base_scenario = scenarios.get(point.reference_scenario)
    return [] if base_scenario is None else [(chip, scenario), (reference, base_scenario)]


def _per_token(result, quantity: str, context: int, group: str = "") -> float:
    """``quantity`` per token of ``result`` at ``context`` (one of the contexts it was evaluated at)."""
    index = int(np.flatnonzero(result.context == context)[0])
    if quantity == "energy_by_group":
        energy = result.energy_by_group.get(group)
        return float("nan") if energy is None else float(np.broadcast_to(energy, result.context.shape)[index] / result.batch)
    return float(getattr(result, quantity)[index])


def model_values(points: list, chips: dict, scenarios: dict, reference) -> list[float]:
    """The model's value at each published point; NaN where the recipe lacks its device or scenario.

    One engine call per (chip, scenario, scope) the points need, at all their contexts.
    """
    inputs = [_inputs(point, chips, scenarios, reference) for point in points]
    needed: dict[tuple, tuple] = {}   # (chip key, scenario key, scope) → (chip, scenario, contexts)
    for point, pairs in zip(points, inputs):
        for chip, scenario in pairs:
            needed.setdefault((chip.key, scenario.key, point.scope), (chip, scenario, set()))[2].add(point.context)
    results = {key: estimate(chip.spec, scenario.workload, context=sorted(contexts), batch=scenario.batch, scope=key[2])
               for key, (chip, scenario, contexts) in needed.items()}
    values = []
    for point, pairs in zip(points, inputs):
        quantity = RATIOS.get(point.quantity, point.quantity)
        found = [_per_token(results[chip.key, scenario.key, point.scope], quantity, point.context, point.group)
                 for chip, scenario in pairs]
        values.append(found[0] / found[1] if len(found) == 2 else found[0] if found else float("nan"))
    return values


def compare_with_published(chip_infos: list, scenario_infos: list, reference_key: str, published: pd.DataFrame) -> pd.DataFrame:
    """One row per published point: published value, model value and their ratio (units in ``unit``)."""
    chips = {chip.published: chip for chip in chip_infos if chip.published}
    scenarios = {scenario.published: scenario for scenario in scenario_infos if scenario.published}
    reference = next(chip for chip in chip_infos if chip.key == reference_key)
    points = list(published.itertuples(index=False))
    rows = []
    for point, model in zip(points, model_values(points, chips, scenarios, reference)):
        chip = chips.get(point.device)
        rows.append({
            "device": point.device, "device_name": point.device_name,
            "chip_key": chip.key if chip else "", "chip_label": chip.label if chip else point.device_name,
            "scenario": point.scenario, "scope": point.scope, "context": point.context,
            "quantity": point.quantity, "group": point.group, "published": point.value, "model": model,
            "model_over_published": model / point.value, "unit": UNITS[point.quantity],
            "kind": point.kind, "location": point.location, "fitted": fitted_to(chip, point),
        })
    frame = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    frame.attrs["units"] = COMPARISON_COLUMNS
    return frame
