"""The orchestrator: build_graph → map_workload → account → Estimate.

Each step is public and returns data, so each can be tested alone.
"""

from __future__ import annotations

import numpy as np

from archmodel.engine.account import account
from archmodel.engine.results import Estimate
from archmodel.engine.schema import check_batch, check_scope
from archmodel.graph.build import build_graph
from archmodel.mapping import map_workload
from archmodel.specs.errors import UsageError
from archmodel.specs.loading import with_overrides


def context_array(context) -> np.ndarray:
    """Validate context lengths: positive integers, at least one [-]."""
    values = np.atleast_1d(np.asarray(context))
    if values.size == 0:
        raise UsageError("no context length given")
    if values.ndim != 1 or not np.issubdtype(values.dtype, np.number) or not np.all(np.isfinite(values)):
        raise UsageError(f"context lengths must be a list of positive integers, got {context!r}")
    if np.any(values < 1) or np.any(values != np.round(values)):
        raise UsageError(f"context lengths must be positive integers, got {values[(values < 1) | (values != np.round(values))][:3].tolist()}")
    return values.astype(float)


def estimate(chip, workload, context=1024, batch: int | None = None, scope: str = "layer") -> Estimate:
    """Estimate one decode step of ``workload`` on ``chip``.

    Parameters
    ----------
    chip : GainCellChip, GPU or System spec
        From :func:`archmodel.load_chip`; a system returns a
        :class:`~archmodel.system.SystemEstimate` of the whole model.
    workload : Workload
        From :func:`archmodel.load_workload`.
    context : int or sequence of int
        Context lengths t (tokens in the cache including the new one) [-];
        evaluated together as one numpy axis.
    batch : int, optional
        Sequences decoded together; defaults to the workload's.
    scope : {"head", "layer", "model"}
        One attention head, one layer, or all layers.
    """
    if chip.kind == "system":  # host + attention chips + link: always the whole model (archmodel.system)
        from archmodel.system import estimate_system

        return estimate_system(chip, workload, context=context, batch=batch)
    contexts = context_array(context)
    check_scope(scope)
    if batch is not None and check_batch(batch) != workload.batch:
        workload = with_overrides(workload, {"batch": int(batch)}, label="batch")
    graph = build_graph(workload)
    plan = map_workload(chip, workload, graph)
    accounting = account(plan, contexts)
    return Estimate(chip, workload, scope, accounting, plan.labels)
