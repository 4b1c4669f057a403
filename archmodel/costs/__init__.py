"""Cost models, one module per family of units; pure functions of spec and counts."""

from archmodel.costs.cost import Component, Cost, Step, parallel, serial
from archmodel.costs.registry import UNIT_COSTS

__all__ = ["Component", "Cost", "Step", "UNIT_COSTS", "parallel", "serial"]
