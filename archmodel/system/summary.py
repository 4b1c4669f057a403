"""A system against its host alone on the whole model: speed-up, energy ratio, Amdahl breakdown.

One row per (batch, context).  ``speedup`` and ``energy_ratio`` are the host
alone's time and energy per token divided by the system's (above 1: the
attention chips help).  ``host_alone_attention_share`` is the fraction of
the host's own token time spent in the attention core: Amdahl's law caps
any attention hardware's speed-up at 1 / (1 − that share).  Where the host
alone cannot hold the KV cache, its columns are NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from archmodel.engine.estimate import estimate
from archmodel.graph.build import build_graph, live_tokens
from archmodel.mapping import map_workload
from archmodel.specs.loading import with_overrides
from archmodel.system.amdahl import time_shares

#: columns of :func:`summary_table` and their units
SUMMARY_COLUMNS = {
    "batch": "sequence", "context": "token",
    "host_alone_time_per_token": "s", "system_time_per_token": "s", "speedup": "", "amdahl_limit": "",
    "host_alone_energy_per_token": "J", "system_energy_per_token": "J", "energy_ratio": "",
    "host_alone_attention_share": "", "host_share": "", "link_share": "", "attention_share": "",
    "refresh_share_of_attention_energy": "", "chips": "", "attention_area": "m^2",
}


def host_alone(host, workload, contexts: np.ndarray, batch: int) -> dict[str, np.ndarray]:
    """Time and energy per token of the host running the whole model, and its attention share [s], [J], [-].

    NaN at contexts whose KV cache the host cannot hold beside the weights
    (the system keeps it on the attention chips).
    """
    at_batch = workload if workload.batch == batch else with_overrides(workload, {"batch": batch}, label="batch")
    capacity = map_workload(host, at_batch, build_graph(at_batch)).token_capacity
    fits = np.ones(contexts.shape, bool) if capacity is None else live_tokens(at_batch, contexts) <= capacity
    values = {name: np.full(contexts.shape, np.nan) for name in ("time_per_token", "energy_per_token", "attention")}
    if fits.any():
        alone = estimate(host, at_batch, context=contexts[fits], scope="model")
        values["time_per_token"][fits] = alone.time_per_token
        values["energy_per_token"][fits] = alone.energy_per_token
        values["attention"][fits] = time_shares(alone)["attention"]
    return values


def _rows(system, workload, contexts, batch: int) -> pd.DataFrame:
    whole = with_overrides(workload, {"scope": "full"}, label="whole model")
    combined = estimate(system, whole, context=contexts, batch=batch)
    alone = host_alone(system.host_spec, whole, combined.context, batch)
    alone_share = alone["attention"]
    shares = time_shares(combined)
    refresh = combined.energy_by_component.get("refresh", np.zeros_like(combined.context))
    return pd.DataFrame({
        "batch": batch, "context": combined.context.astype(np.int64),
        "host_alone_time_per_token": alone["time_per_token"], "system_time_per_token": combined.time_per_token,
        "speedup": alone["time_per_token"] / combined.time_per_token, "amdahl_limit": 1 / (1 - alone_share),
        "host_alone_energy_per_token": alone["energy_per_token"], "system_energy_per_token": combined.energy_per_token,
        "energy_ratio": alone["energy_per_token"] / combined.energy_per_token,
        "host_alone_attention_share": alone_share,
        **{f"{device}_share": share for device, share in shares.items()},
        "refresh_share_of_attention_energy": refresh / combined.energy_by_device["attention"],
        "chips": combined.chips.chips, "attention_area": combined.area,
    })


def summary_table(system, workload, contexts, batches) -> pd.DataFrame:
    """The system against its host alone at every batch and context (module docstring)."""
    frame = pd.concat([_rows(system, workload, contexts, int(batch)) for batch in batches], ignore_index=True)
    frame = frame[list(SUMMARY_COLUMNS)]
    frame.attrs["units"] = SUMMARY_COLUMNS
    return frame
