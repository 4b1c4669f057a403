"""The emulator's leakage from a system: λ = Δt / τ with Δt the system's token interval.

Cost (refresh, :mod:`archmodel.costs.retention`) and accuracy (the
emulator's decay per step) then see the same interval: the time between two
tokens of a sequence on the whole system, at the workload's batch and the
given context.
"""

from __future__ import annotations

from pathlib import Path

from archmodel.engine.estimate import estimate
from archmodel.specs.errors import UsageError
from archmodel.specs.loading import load_chip, load_workload


def system_token_interval(system_path: str | Path, workload_path: str | Path, context: int | None = None
                          ) -> tuple[Path, float]:
    """The attention chip file of a system and its token interval Δt for a workload [s].

    ``context`` defaults to the tokens the chip holds: the workload's window,
    or its trained context for causal attention.
    """
    system = load_chip(system_path)
    if system.kind != "system":
        raise UsageError(f"--system: {system_path} is a {system.kind!r} spec, expected a system spec (kind 'system')")
    workload = load_workload(workload_path)
    if context is None:
        context = workload.attention.window or workload.model.max_context
    result = estimate(system, workload, context=[context])
    return system.attention_chip_file, float(result.latency[0])
