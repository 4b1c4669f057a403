"""The result of mapping a workload graph onto a chip."""

from __future__ import annotations

from dataclasses import dataclass, field

from archmodel.graph.ops import Op
from archmodel.schedule import TaskGraph


@dataclass(frozen=True)
class MappedOp:
    """An op and the units of the chip that execute it (in parallel).

    ``units`` are keys of the cost-model registry (``archmodel.costs.UNIT_COSTS``).
    Units listed in ``after_latency`` need the time between tokens, known only
    once the rest of the step is accounted (refresh).
    """

    op: Op
    units: tuple[str, ...]
    after_latency: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """Everything the engine needs: chip, workload, tiling, mapped and unmapped ops.

    ``tiling`` is chip-kind specific (:class:`~archmodel.mapping.gaincell.GainCellTiling`
    or the GPU's); the cost models of that kind know how to read it.
    Unit costs are for one layer; the ``batch_*_factor`` fields turn them into
    the whole batch's (gain-cell costs are per sequence: energy × B, area × B
    when replicated; the sequences of a time-multiplexed batch are tasks of
    the schedule, so the latency factor stays 1; GPU costs already cover the
    batch: all 1).  ``replicates_per_sequence``: each sequence has
    its own hardware, so a per-sequence figure is the fair comparison.
    ``token_capacity``: most tokens the chip can attend per sequence (None: no
    fixed limit); the engine refuses contexts that would need more.
    ``labels``: what every result must show about how it was obtained
    (a GPU's calibration, measured or predicted).
    ``tasks``: the decode step of one layer as tasks on resources, which the
    engine schedules (None: the ops run one after another, as on a GPU).
    """

    chip: object
    workload: object
    tiling: object
    mapped: list[MappedOp]
    not_mapped: list[Op] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    batch_energy_factor: float = 1.0
    batch_latency_factor: float = 1.0
    batch_area_factor: float = 1.0
    replicates_per_sequence: bool = False
    token_capacity: int | None = None
    labels: tuple[str, ...] = ()
    tasks: TaskGraph | None = None
