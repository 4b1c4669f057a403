"""Specs: pydantic models of chips, GPUs and workloads, in SI units, with provenance.

Imports nothing else of archmodel.  Names are resolved lazily, so importing
:mod:`archmodel.specs.errors` (as the CLI does at start-up) does not import
pydantic models and pint.
"""

import importlib

_EXPORTS = {
    "ArchmodelError": "archmodel.specs.errors",
    "MappingError": "archmodel.specs.errors",
    "SpecError": "archmodel.specs.errors",
    "UsageError": "archmodel.specs.errors",
    "GainCellChip": "archmodel.specs.gaincell",
    "chip_from_dict": "archmodel.specs.loading",
    "load_chip": "archmodel.specs.loading",
    "load_workload": "archmodel.specs.loading",
    "read_json": "archmodel.specs.loading",
    "validate": "archmodel.specs.loading",
    "with_overrides": "archmodel.specs.loading",
    "Provenance": "archmodel.specs.provenance",
    "Workload": "archmodel.specs.workload",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'archmodel.specs' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
