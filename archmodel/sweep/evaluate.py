"""Evaluate variants: one engine call per variant, all contexts at once, into tidy tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from archmodel.engine import estimate
from archmodel.sweep.grid import Variant
from archmodel.sweep.schema import AREA_COLUMNS, BREAKDOWNS, ENERGY_COLUMNS, PHASE_COLUMNS, point_columns


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


def evaluate_chunk(variants: list[Variant], contexts: np.ndarray, scope: str, breakdown: bool = True) -> dict[str, pd.DataFrame]:
    """Tables of several variants, concatenated in variant order (the unit of work of an executor)."""
    parts = [evaluate_variant(variant, contexts, scope, breakdown) for variant in variants]
    return concat_tables(parts)


def concat_tables(parts: list[dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
    """Concatenate per-variant tables, table by table, in the order given."""
    if not parts:
        return {}
    return {name: pd.concat([part[name] for part in parts], ignore_index=True) for name in parts[0]}


def _points(variant: Variant, result) -> pd.DataFrame:
    context = result.context
    size = context.shape
    floor_latency, floor_energy, area = result.floor_latency, result.floor_energy, result.area
    nan = np.full(size, np.nan)
    columns = {
        "variant": np.full(size, variant.index, dtype=np.int64),
        "chip": variant.chip.name,
        "chip_file": variant.chip.file,
        "workload": variant.workload.name,
        "workload_file": variant.workload.file,
        "overrides": variant.overrides,
        **{column: value for column, value in variant.values.items()},
        "scope": result.scope,
        "batch": np.full(size, result.batch, dtype=np.int64),
        "context": context.astype(np.int64),
        "latency": result.latency,
        "time_per_token": result.time_per_token,
        "energy": result.energy,
        "energy_per_token": result.energy_per_token,
        "area": np.full(size, np.nan if area is None else area),
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
