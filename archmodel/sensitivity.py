"""What each spec field does: elasticities, the fields table and spec diffs.

Elasticity of an output y (latency, energy, area) to a numeric field x at one
point, by central finite differences in ln x::

    e = [ln y(x·(1+h)) − ln y(x·(1−h))] / [ln(1+h) − ln(1−h)]       [-]

All numeric (float) fields are perturbed in one engine call: field i gets
x·(1+h) at point 2i+1 and x·(1−h) at point 2i+2 of a point axis that the
cost models evaluate elementwise (the BRIEF's sweep contract), every other
point keeps the base value.  A field whose value is 0 is perturbed by
+h × the top of its plausible range instead (its elasticity is reported as
NaN, its effect still detected).

Structural (integer) fields are probed one at a time by stepping them
(+1, else ×2) and re-running the estimate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel

from archmodel.engine import estimate
from archmodel.specs.arrays import is_numeric, with_arrays
from archmodel.specs.errors import ArchmodelError
from archmodel.specs.loading import with_overrides
from archmodel.specs.plausibility import field_range, field_unit_of, quiet_warnings, spec_fields

#: relative step of the finite differences [-]
STEP = 1e-3
OUTPUTS = ("latency", "energy", "area")
#: fields the functional emulator reads (archmodel.emulator.parameters.HardwareParameters.from_chip)
EMULATOR_FIELDS = frozenset({
    "query_driver.levels", "gain_cell.levels", "signed_readout.levels", "gain_cell.storage_min",
    "gain_cell.storage_max", "gain_cell.rest_voltage", "gain_cell.read_voltage",
    "gain_cell.read_current.linear_slope", "gain_cell.read_current.polynomial", "charge_to_pulse.saturation",
    "signed_readout.saturation", "array.columns", "array.rows", "gain_cell.retention_time",
})
#: fields that act only in some regimes, and which
CONDITIONAL = {
    "gain_cell.retention_time": "energy via refresh, once a window outlives τ",
    "schedule.refresh_threshold": "energy via refresh, once a window outlives θ·τ",
    "technology.threshold_voltage": "latency and leakage energy, once supply_voltage differs from reference_supply_voltage",
    "technology.velocity_saturation_index": "latency and leakage energy, once supply_voltage differs from reference_supply_voltage",
}


def numeric_fields(spec: BaseModel) -> list[tuple[str, object, float]]:
    """(path, field info, value) of every float field of ``spec`` (ints, flags, text and lists are structural)."""
    return [(path, info, value) for path, info, value in spec_fields(spec)
            if isinstance(value, float) and info.annotation is not int]


def _outputs(result) -> dict[str, np.ndarray]:
    area = sum(np.broadcast_to(np.asarray(value, dtype=float), result.context.shape)
               for value in result.area_by_component.values()) if result.area_by_component else np.full(result.context.shape, np.nan)
    return {"latency": np.asarray(result.latency, dtype=float), "energy": np.asarray(result.energy, dtype=float),
            "area": np.asarray(area, dtype=float)}


def elasticities(chip, workload, context: int = 1024, scope: str = "head", step: float = STEP) -> pd.DataFrame:
    """Elasticity of latency, energy and area to every numeric field of ``chip`` at one point.

    Columns: path, value, unit, latency, energy, area (elasticities [-]; NaN for a
    zero-valued field), acts_on (outputs that change).
    """
    fields = numeric_fields(chip)
    points = 2 * len(fields) + 1
    columns = {}
    for index, (path, info, value) in enumerate(fields):
        span = field_range(info)
        delta = value * step if value else step * (span[1] if span else 1.0)
        column = np.full(points, value, dtype=float)
        column[2 * index + 1], column[2 * index + 2] = value + delta, value - delta if value else value
        columns[path] = column
    result = estimate(with_arrays(chip, columns), workload, context=[context] * points, scope=scope)
    outputs = _outputs(result)
    rows = []
    for index, (path, info, value) in enumerate(fields):
        row = {"path": path, "value": value, "unit": field_unit_of(info)}
        acts = []
        for name, series in outputs.items():
            up, down, base = series[2 * index + 1], series[2 * index + 2], series[0]
            changed = not np.isclose(up, down, rtol=1e-12, atol=0.0) if np.isfinite(base) else False
            if changed:
                acts.append(name)
            with np.errstate(divide="ignore", invalid="ignore"):
                row[name] = (float(np.log(up / down) / (np.log1p(step) - np.log1p(-step)))
                             if value and base > 0 and changed else (np.nan if changed else 0.0))
        row["acts_on"] = acts
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["path", "value", "unit", *OUTPUTS, "acts_on"])
    frame.attrs["point"] = {"context": context, "scope": scope, **{name: float(series[0]) for name, series in outputs.items()}}
    return frame


def _structural_effect(chip, workload, path: str, value: int, context: int, scope: str, base: dict) -> list[str]:
    for candidate in (value + 1, value * 2, value - 1):
        try:
            with quiet_warnings():  # probed values, not the user's: no plausibility warnings about them
                varied = _outputs(estimate(with_overrides(chip, {path: candidate}), workload, context=context, scope=scope))
        except ArchmodelError:
            continue
        return [name for name in OUTPUTS if not np.allclose(varied[name], base[name], rtol=1e-12, atol=0.0, equal_nan=True)]
    return []


def field_table(chip, workload, context: int = 1024, scope: str = "head") -> pd.DataFrame:
    """Every leaf field of ``chip``: path, value, unit, range, how a sweep treats it (``swept``: numeric fields
    "as arrays", structural ones "rebuilt", :mod:`archmodel.specs.arrays`), provenance and the outputs it acts on."""
    numeric = elasticities(chip, workload, context=context, scope=scope).set_index("path")
    base = _outputs(estimate(chip, workload, context=context, scope=scope))
    provenance = chip.provenance
    rows = []
    for path, info, value in spec_fields(chip):
        record = provenance.get(f"$.{path}")
        if path in numeric.index:
            acts = list(numeric.loc[path, "acts_on"])
        elif isinstance(value, int) and not isinstance(value, bool):
            acts = _structural_effect(chip, workload, path, value, context, scope, base)
        else:
            acts = []
        if path in EMULATOR_FIELDS:
            acts.append("emulator")
        if path in CONDITIONAL:
            acts.append(CONDITIONAL[path])
        span = field_range(info)
        rows.append({
            "path": path, "value": value, "unit": field_unit_of(info),
            "range": "" if span is None else f"[{span[0]:g}, {span[1]:g}]",
            "swept": "as arrays" if is_numeric(chip, path) else "rebuilt",
            "provenance": f"{record.kind}: {record.text}" if record else "",
            "acts_on": ", ".join(acts) if acts else ("—" if isinstance(value, (str, bool)) or value is None else "nothing at this point"),
        })
    return pd.DataFrame(rows)


def _leaves(document: object, prefix: str = ""):
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _leaves(value, f"{prefix}{key}.")
    else:
        yield prefix.rstrip("."), document


def spec_diff(first, second) -> pd.DataFrame:
    """Fields whose values differ between two specs: path, first, second (JSON values as validated)."""
    left, right = dict(_leaves(first.raw)), dict(_leaves(second.raw))
    rows = [{"path": path, "first": left.get(path), "second": right.get(path)}
            for path in dict.fromkeys([*left, *right])
            if left.get(path) != right.get(path) and path not in ("name", "description")]
    return pd.DataFrame(rows, columns=["path", "first", "second"])


def diff_effects(first, second, workload, context: int = 1024, scope: str = "head") -> tuple[pd.DataFrame, dict]:
    """The differing fields with the effect of each alone (first → second value) on the outputs, and the totals.

    Returns (table with columns path, first, second, latency, energy, area as
    ratios second/first with only that field changed, or NaN where it cannot
    change alone), and {output: (first, second)} of the whole specs.
    """
    table = spec_diff(first, second)
    base = _outputs(estimate(first, workload, context=context, scope=scope))
    other = _outputs(estimate(second, workload, context=context, scope=scope))
    ratios = {name: [] for name in OUTPUTS}
    for path, value in zip(table["path"], table["second"]):
        try:
            alone = _outputs(estimate(with_overrides(first, {path: value}, label="diff"), workload, context=context, scope=scope))
        except ArchmodelError:
            alone = {name: np.full(1, np.nan) for name in OUTPUTS}
        for name in OUTPUTS:
            ratios[name].append(float(alone[name][0] / base[name][0]) if base[name][0] else np.nan)
    table = table.assign(**ratios)
    return table, {name: (float(base[name][0]), float(other[name][0])) for name in OUTPUTS}
