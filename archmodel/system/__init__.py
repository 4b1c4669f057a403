"""Systems: a host running the whole model but the attention core, gain-cell chips running it, a link between.

::

    system = archmodel.load_chip("hardware_specs/systems/h100_gaincell.json")
    result = archmodel.estimate(system, workload, context=[1024, 8192], batch=32)
    result.latency_by_device, result.energy_by_device, result.chips.chips

Steps (each public): :mod:`~archmodel.system.partition` (who runs what, link
traffic, chip count), :mod:`~archmodel.system.parts` (each device costed by
its own model), :mod:`~archmodel.system.schedule` (micro-batch pipeline),
:mod:`~archmodel.system.estimate` (the orchestrator).
"""

from archmodel.system.estimate import estimate_system
from archmodel.system.results import SystemEstimate

__all__ = ["SystemEstimate", "estimate_system"]
