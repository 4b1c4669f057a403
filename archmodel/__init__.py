"""archmodel: latency, energy and area of analog in-memory-computing attention, next to GPUs.

Public API::

    chip = archmodel.load_chip("hardware_specs/gaincell_leroux2025.json")
    workload = archmodel.load_workload("workloads/gpt2.json")
    result = archmodel.estimate(chip, workload, context=[128, 1024], scope="head")
    result.latency, result.energy, result.energy_by_group, result.area, result.ledger

Names are resolved lazily, so importing a lower layer (``archmodel.specs``)
does not import the layers above it.
"""

import importlib

_EXPORTS = {
    "ArchmodelError": "archmodel.specs",
    "MappingError": "archmodel.specs",
    "SpecError": "archmodel.specs",
    "UsageError": "archmodel.specs",
    "load_chip": "archmodel.specs",
    "load_workload": "archmodel.specs",
    "with_overrides": "archmodel.specs",
    "Estimate": "archmodel.engine",
    "estimate": "archmodel.engine",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'archmodel' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
