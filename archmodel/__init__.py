"""archmodel: latency, energy and area of analog in-memory-computing attention, next to GPUs.

Public API::

    chip = archmodel.load_chip("hardware_specs/gaincell_leroux2025.json")
    workload = archmodel.load_workload("workloads/gpt2.json")
    result = archmodel.estimate(chip, workload, context=[128, 1024], scope="head")
    result.latency, result.energy, result.energy_by_group, result.area, result.ledger
"""

from archmodel.engine import Estimate, estimate
from archmodel.specs import (
    ArchmodelError,
    MappingError,
    SpecError,
    UsageError,
    load_chip,
    load_workload,
    with_overrides,
)

__all__ = [
    "ArchmodelError",
    "Estimate",
    "MappingError",
    "SpecError",
    "UsageError",
    "estimate",
    "load_chip",
    "load_workload",
    "with_overrides",
]
