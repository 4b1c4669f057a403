"""Compare chips (analog and GPUs) on one workload, per generated token.

Convention: ``latency_ratio`` and ``energy_ratio`` are each chip's per-token
figure divided by the first chip's, so with the analog chip first they are
its speed-up and energy saving (Leroux 2025, Fig. 5c,d).

Per-token figures are for one instance of the hardware a spec describes:

- a GPU (or a chip sharing its arrays among sequences in turn) serves the
  whole batch: time per token = step latency / B, energy per token =
  step energy / B (batch-amortised, as the paper reports its GPUs);
- a chip that replicates its KV arrays for every sequence serves one
  sequence per instance: it is costed at batch 1, its time per token is
  the latency one sequence sees, and its energy per token is the same at
  any batch (the paper's 65 ns and 73.8 nJ per layer).

The ``batch`` column says which batch each chip was costed at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from archmodel.engine import estimate
from archmodel.mapping.gpu import ENERGY_NOTE, GPUTiling
from archmodel.specs.errors import UsageError
from archmodel.specs.loading import with_overrides
from archmodel.system.amdahl import time_shares

#: columns of the comparison table and their units
COLUMNS = {
    "chip": "",
    "kind": "",
    "calibration": "",
    "batch": "",
    "context": "token",
    "time_per_token": "s",
    "energy_per_token": "J",
    "floor_time_per_token": "s",
    "floor_energy_per_token": "J",
    "latency_ratio": "",
    "energy_ratio": "",
    "board_energy_per_token": "J",
    "host_share": "",
    "link_share": "",
    "attention_share": "",
    "chips": "",
    "area": "m^2",
    "area_kind": "",
}


@dataclass(frozen=True)
class Comparison:
    """The comparison table (one row per chip and context), caveats and calibration labels."""

    table: pd.DataFrame
    caveats: list[str]
    labels: list[str]
    convention: str

    def to_dict(self) -> dict:
        """JSON form of ``archmodel compare --json``."""
        rows = self.table.replace({np.nan: None}).to_dict(orient="records")
        return {"convention": self.convention, "rows": rows, "caveats": self.caveats, "labels": self.labels,
                "units": COLUMNS}


def per_instance(chip, workload, context, scope):
    """Estimate ``chip``; a chip replicating its arrays per sequence is costed for one sequence."""
    result = estimate(chip, workload, context=context, scope=scope)
    if chip.kind != "system" and result.accounting.plan.replicates_per_sequence and result.batch > 1:
        result = estimate(chip, workload, context=context, batch=1, scope=scope)
    return result


def _calibration_name(result) -> str:
    """Name of the calibration a GPU result used; empty for other chips."""
    if result.chip.kind == "system":
        return result.host_calibration
    tiling = result.accounting.plan.tiling
    return tiling.calibration.name if isinstance(tiling, GPUTiling) else ""


def _rows(result) -> pd.DataFrame:
    shares = time_shares(result)
    return pd.DataFrame({
        "chip": result.chip.name,
        "kind": result.chip.kind,
        "calibration": _calibration_name(result),
        "batch": result.batch,
        "context": result.context.astype(np.int64),
        "time_per_token": result.time_per_token,
        "energy_per_token": result.energy_per_token,
        "floor_time_per_token": result.floor_time_per_token,
        "floor_energy_per_token": result.floor_energy_per_token,
        "board_energy_per_token": (np.full(result.context.shape, np.nan) if result.board_energy_per_token is None
                                   else result.board_energy_per_token),
        **{f"{device}_share": share for device, share in shares.items()},
        "chips": result.chips.chips if result.chip.kind == "system" else np.nan,
        **_area(result),
    })


def _area(result) -> dict:
    """Area [m²] of the chip that ran ``result``: bottom-up for a modelled chip (``area_kind`` "model"),
    the datasheet die area for a GPU ("die, datasheet"); NaN where neither is known."""
    if result.area is not None:
        return {"area": result.area, "area_kind": "model"}
    die = getattr(result.chip, "die_area", None)
    return {"area": np.nan if die is None else die, "area_kind": "" if die is None else "die, datasheet"}


def caveats(results, workload) -> list[str]:
    """What a reader must know to compare ``results`` of ``workload`` fairly."""
    batches = sorted({result.batch for result in results})
    caveats = []
    if len(batches) > 1:
        caveats.append(
            f"batches differ ({', '.join(map(str, batches))}): per-token figures at batch > 1 are amortised over the "
            "batch (step / batch); chips replicating their KV arrays per sequence are costed for one sequence "
            "(batch 1), whose energy per token is the same at any batch")
    if workload.scope == "attention":
        caveats.append("attention only: projections, MLP, norms and LM head are outside the workload")
    if workload.attention.kind == "full_buffer":
        caveats.append(f"every step attends the full {workload.attention.window}-slot buffer (the paper's GPU "
                       "benchmark), whatever the context")
    unmapped = sorted({f"{result.chip.name}: {', '.join(result.not_mapped)}" for result in results if result.not_mapped})
    if unmapped:
        caveats.append("not mapped (executed off-chip, not costed): " + "; ".join(unmapped))
    if any(result.chip.kind == "system" for result in results):
        caveats.append("a system (host + attention chips + link) always runs the whole model, so every chip was "
                       "costed on the whole model (scope 'full', all layers); *_share columns: each device's share "
                       "of the token time on the critical path (a chip alone: attention-core ops vs the rest)")
    if any(result.chip.kind == "gpu" for result in results):
        caveats.append("calibrated GPU figures include what the calibration measured (framework and kernel launch "
                       "overhead for PyTorch eager)")
        caveats.append(ENERGY_NOTE)
    return caveats


def compare(chips: list, workload, context=1024, scope: str = "layer") -> Comparison:
    """Per-token latency and energy of each chip, and ratios to the first (see module docstring).

    Parameters
    ----------
    chips : list of chip specs
        The first is the reference of the ratios.
    workload : Workload
    context : int or sequence of int
        Context lengths [-].
    scope : {"head", "layer", "model"}
    """
    if not chips:
        raise UsageError("compare needs at least one chip")
    if any(chip.kind == "system" for chip in chips):  # a system runs the whole model: so must the others
        workload = with_overrides(workload, {"scope": "full"}, label="compare with a system")
        scope = "model"
    results = [per_instance(chip, workload, context, scope) for chip in chips]
    frames = [_rows(result) for result in results]
    for frame in frames:
        frame["latency_ratio"] = frame["time_per_token"].to_numpy() / frames[0]["time_per_token"].to_numpy()
        frame["energy_ratio"] = frame["energy_per_token"].to_numpy() / frames[0]["energy_per_token"].to_numpy()
    table = pd.concat(frames, ignore_index=True)
    table.attrs["units"] = COLUMNS
    convention = (f"ratio = chip's per-token figure / {results[0].chip.name}'s; with the analog chip first it is the "
                  "analog chip's speed-up and energy saving")
    labels = list(dict.fromkeys(label for result in results for label in result.labels))
    return Comparison(table[list(COLUMNS)], caveats(results, workload), labels, convention)
