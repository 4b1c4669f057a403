"""Assign the ops of a decode-step graph to the units of a chip."""

from archmodel.mapping.plan import MappedOp, Plan
from archmodel.mapping.registry import MAPPERS

__all__ = ["MAPPERS", "MappedOp", "Plan", "map_workload"]


def map_workload(chip, workload, graph) -> Plan:
    """Map ``graph`` of ``workload`` onto ``chip`` with the mapper of the chip's kind."""
    return MAPPERS[chip.kind](chip, workload, graph)
