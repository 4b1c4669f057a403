"""Evaluate variants into tidy tables: numeric variants as arrays, the rest one engine call each.

A range of variants (:class:`~archmodel.sweep.grid.Variants`) is grouped by
structure (the axis positions of structural fields, chip, workload, batch).
Each group is one engine call over a (variant × context) point axis of
length V·C: contexts tiled V times, each numeric field an array repeating
each variant's value C times (:func:`~archmodel.specs.arrays.with_arrays`).

A group is *probed*: its first and last variants are also evaluated one by
one from fully validated specs, and the array result is kept only if they
agree to :data:`PROBE_RTOL`; otherwise (a cost model that is not
elementwise in that field, or a spec kind the array path does not serve,
such as a system) the group falls back to one engine call per variant.
Breakdown tables (energy, phases, areas) always take the per-variant path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from archmodel.engine import estimate
from archmodel.specs.arrays import with_arrays
from archmodel.sweep.grid import Variant, Variants
from archmodel.sweep.schema import AREA_COLUMNS, BREAKDOWNS, ENERGY_COLUMNS, PHASE_COLUMNS, point_columns

#: relative agreement the probed variants must reach for a group's array result to be kept [-]
PROBE_RTOL = 1e-12
#: point columns the probe compares
PROBED = ("latency", "time_per_token", "energy", "energy_per_token", "area", "floor_latency", "floor_energy")


def evaluate_variant(variant: Variant, contexts: np.ndarray, scope: str, breakdown: bool = True) -> dict[str, pd.DataFrame]:
    """Tables of one variant over every context length [token] (one vectorised engine call)."""
    result = estimate(variant.chip, variant.workload, context=contexts, batch=variant.batch, scope=scope)
    tables = {"points": _points(variant, result)}
    if breakdown:
        keys = {"variant": variant.index, "chip": variant.chip.name, "workload": variant.workload.name}
        tables["energy"] = _energy(keys, result)
        tables["phases"] = _phases(keys, result)
        tables["areas"] = _areas(keys, result)
    return tables


def evaluate_chunk(variants, contexts: np.ndarray, scope: str, breakdown: bool = True) -> dict[str, pd.DataFrame]:
    """Tables of several variants, concatenated in variant order (the unit of work of an executor).

    ``variants`` is a :class:`Variants` range (grouped, numeric fields as
    arrays) or a list of :class:`Variant` (one engine call each).
    """
    if isinstance(variants, Variants) and not breakdown and variants.grid.numeric and len(variants) > 1:
        return {"points": evaluate_arrays(variants, contexts, scope)}
    return concat_tables([evaluate_variant(variant, contexts, scope, breakdown) for variant in variants])


def evaluate_arrays(variants: Variants, contexts: np.ndarray, scope: str) -> pd.DataFrame:
    """The points table of a range of variants, one engine call per structure group (module docstring)."""
    grid, index = variants.grid, variants.indices()
    _, group_of = np.unique(grid.structure_keys(index), axis=0, return_inverse=True)
    group_of = group_of.ravel()
    groups = [_evaluate_group(grid, index[group_of == group], contexts, scope) for group in range(group_of.max() + 1)]
    parts = [part for part, _ in groups]
    points = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if len(parts) > 1:
        points = points.sort_values("variant", kind="stable", ignore_index=True)
    points.attrs["groups"] = {"as_arrays": sum(as_arrays for _, as_arrays in groups), "one_by_one": sum(not a for _, a in groups)}
    return points


def _evaluate_group(grid, members: np.ndarray, contexts: np.ndarray, scope: str) -> tuple[pd.DataFrame, bool]:
    """Points of variants that share a structure, and whether they were evaluated as arrays (else one call each)."""

    def one_by_one(member) -> pd.DataFrame:
        return evaluate_variant(grid.variant(member), contexts, scope, False)["points"]

    if len(members) <= 2:
        return pd.concat([one_by_one(member) for member in members], ignore_index=True), False
    first, last = grid.variant(members[0]), one_by_one(members[-1])
    probes = [evaluate_variant(first, contexts, scope, False)["points"], last]
    try:
        table = _array_points(grid, first, members, contexts, scope)
    except Exception:  # noqa: BLE001  (a cost model that is not elementwise: fall back, the probes passed one by one)
        table = None
    if table is not None and _agrees(table, probes, contexts.size):
        return table, True
    middle = [one_by_one(member) for member in members[1:-1]]  # the probes are the first and last variants already
    return pd.concat([probes[0], *middle, last], ignore_index=True), False


def _agrees(table: pd.DataFrame, probes: list[pd.DataFrame], contexts: int) -> bool:
    for probe, rows in zip(probes, (slice(0, contexts), slice(len(table) - contexts, len(table)))):
        got = table.iloc[rows]
        if (got["labels"].to_numpy() != probe["labels"].to_numpy()).any():
            return False
        for column in PROBED:
            if not np.allclose(got[column].to_numpy(float), probe[column].to_numpy(float), rtol=PROBE_RTOL, atol=0.0,
                               equal_nan=True):
                return False
    return True


def _array_points(grid, base: Variant, members: np.ndarray, contexts: np.ndarray, scope: str) -> pd.DataFrame:
    """One engine call for ``members`` (same structure as ``base``): numeric fields as arrays over (variant × context)."""
    count, size = len(members), contexts.size
    coordinates = grid.coordinates(members)
    specs = {"chip": base.chip, "workload": base.workload}
    values = dict(base.values)
    for target in ("chip", "workload"):
        arrays = {}
        for column in grid.columns:
            if column.target == target and column.numeric:
                per_variant = grid.numeric_values(column, specs[target])[grid.positions(column, coordinates)]
                values[column.name] = np.repeat(per_variant, size)
                arrays[column.path] = values[column.name]
        if arrays:
            specs[target] = with_arrays(specs[target], arrays)
    result = estimate(specs["chip"], specs["workload"], context=np.tile(contexts, count), batch=base.batch, scope=scope)
    overrides = np.repeat(grid.override_texts(coordinates), size)
    return _point_frame(result, np.repeat(members, size), base, values, overrides)


def concat_tables(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Concatenate per-variant tables, table by table, in the order given."""
    if not parts:
        return {}
    return {name: pd.concat([part[name] for part in parts], ignore_index=True) for name in parts[0]}


def _points(variant: Variant, result) -> pd.DataFrame:
    size = result.context.shape
    return _point_frame(result, np.full(size, variant.index, dtype=np.int64), variant, variant.values, variant.overrides)


def _point_frame(result, variant_index: np.ndarray, variant: Variant, values: dict, overrides) -> pd.DataFrame:
    """The points table of one engine call: ``variant_index``, ``values`` and ``overrides`` per row or scalar."""
    context = result.context
    size = context.shape
    floor_latency, floor_energy, area = result.floor_latency, result.floor_energy, result.area
    nan = np.full(size, np.nan)
    columns = {
        "variant": np.asarray(variant_index, dtype=np.int64),
        "chip": variant.chip.name,
        "chip_file": variant.chip.file,
        "workload": variant.workload.name,
        "workload_file": variant.workload.file,
        "overrides": overrides,
        **values,
        "scope": result.scope,
        "batch": np.full(size, result.batch, dtype=np.int64),
        "context": context.astype(np.int64),
        "latency": result.latency,
        "time_per_token": result.time_per_token,
        "energy": result.energy,
        "energy_per_token": result.energy_per_token,
        "area": np.full(size, np.nan) if area is None else np.broadcast_to(np.asarray(area, dtype=float), size),
        "floor_latency": nan if floor_latency is None else np.broadcast_to(floor_latency, size),
        "floor_time_per_token": np.broadcast_to(result.floor_time_per_token, size),
        "floor_energy": nan if floor_energy is None else np.broadcast_to(floor_energy, size),
        "floor_energy_per_token": np.broadcast_to(result.floor_energy_per_token, size),
        "labels": "; ".join(result.labels),
    }
    frame = pd.DataFrame(columns, index=pd.RangeIndex(context.size))
    return frame[list(point_columns(dict.fromkeys(variant.values, "")))]


def _energy(keys: dict, result) -> pd.DataFrame:
    context = result.context.astype(np.int64)
    blocks = []
    for breakdown in BREAKDOWNS:
        totals = getattr(result, f"energy_by_{breakdown}")
        for name in sorted(totals):
            energy = np.broadcast_to(totals[name], context.shape)
            blocks.append(pd.DataFrame({
                **keys, "context": context, "breakdown": breakdown, "name": name,
                "energy": energy, "energy_per_token": energy / result.batch,
            }))
    return pd.concat(blocks, ignore_index=True)[list(ENERGY_COLUMNS)]


def _phases(keys: dict, result) -> pd.DataFrame:
    frame = result.phases
    frame = frame.assign(**keys)
    return frame[list(PHASE_COLUMNS)].reset_index(drop=True)


def _areas(keys: dict, result) -> pd.DataFrame:
    frame = result.area_table.assign(**keys)
    return frame[list(AREA_COLUMNS)].reset_index(drop=True)
