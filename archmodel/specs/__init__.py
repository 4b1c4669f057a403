"""Specs: pydantic models of chips, GPUs and workloads, in SI units, with provenance.

Imports nothing else of archmodel.
"""

from archmodel.specs.errors import ArchmodelError, MappingError, SpecError, UsageError
from archmodel.specs.gaincell import GainCellChip
from archmodel.specs.loading import chip_from_dict, load_chip, load_workload, read_json, validate, with_overrides
from archmodel.specs.provenance import Provenance
from archmodel.specs.workload import Workload

__all__ = [
    "ArchmodelError",
    "GainCellChip",
    "MappingError",
    "Provenance",
    "SpecError",
    "UsageError",
    "Workload",
    "chip_from_dict",
    "load_chip",
    "load_workload",
    "read_json",
    "validate",
    "with_overrides",
]
