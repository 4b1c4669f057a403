"""Map the attention core of a workload onto gain-cell sub-tiles.

Tiling (per KV head):

- tokens → sub-tiles of ``array.columns`` tokens; a window of M tokens needs
  S = M / columns sub-tiles (M must be a multiple: the ring buffer writes
  slot t mod M, a partial sub-tile would break it, so we refuse rather than pad);
- head dim d → ceil(d / array.rows) arrays per K (and per V) sub-tile, their
  column lines joined, so a sub-tile still covers ``columns`` tokens;
- V-column readout: the signed counter, or an ADC when the chip has one;
- GQA: the g = heads / kv_heads query heads of a KV head take turns on its
  arrays (analog phases repeat g times, pipelined by the schedule);
- DACs: one per K row and one per V column of a KV head, shared by its
  sub-tiles (``dacs_per_kv_head``); the area and the schedule count the same;
- batch B: ``replicate`` gives each sequence its own arrays (area × B);
  ``time_multiplex`` shares one set and reloads each sequence's window.

The decode step becomes tasks on the resources of one KV head's unit
(:mod:`archmodel.mapping.gaincell_tasks`); the engine schedules them.

A causal workload keeps its whole trained context: M = ``model.max_context``.
Projections, MLP, norms and the LM head are not executed by the chip: a
workload of scope "full" is refused (a system spec, with a host, runs it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

from archmodel.graph.build import ops_in_order
from archmodel.mapping.gaincell_tasks import decode_tasks
from archmodel.mapping.plan import MappedOp, Plan
from archmodel.specs.errors import MappingError
from archmodel.specs.gaincell import GainCellChip
from archmodel.specs.workload import Workload

#: units of the chip executing each op of the attention core
UNITS_BY_KIND: dict[str, tuple[str, ...]] = {
    "kv_write": ("dac_write",),
    "score": ("key_array_read", "query_pulses"),
    "activation": ("charge_to_pulse",),
    "weighted_sum": ("value_array_read", "signed_readout"),
    "head_reduction": ("digital_periphery", "interconnect"),
}


@dataclass(frozen=True)
class GainCellTiling:
    """How one layer's attention is laid out on gain-cell arrays.

    All counts are per layer [-].
    """

    window: int
    subtile_width: int
    subtiles: int
    arrays_per_subtile: int
    padded_head_dim: int
    head_dim: int
    heads: int
    kv_heads: int
    batch: int
    batch_policy: str

    @property
    def query_heads_per_kv_head(self) -> int:
        """g: query heads taking turns on one KV head's arrays [-]."""
        return self.heads // self.kv_heads

    @property
    def array_copies(self) -> int:
        """Sets of KV arrays per layer: B when replicated, else 1 [-]."""
        return self.batch if self.batch_policy == "replicate" else 1

    @property
    def sequential_sequences(self) -> int:
        """Sequences processed one after another on the same arrays [-]."""
        return 1 if self.batch_policy == "replicate" else self.batch

    @property
    def dacs_per_kv_head(self) -> int:
        """DACs of one KV head: one per K row and one per V column, shared by the
        S sub-tiles (the ring buffer writes one token slot at a time) [-]."""
        return 2 * self.padded_head_dim

    @property
    def adder_stages(self) -> int:
        """Depth of the adder tree summing the sub-tiles: ceil(log2 S) [-]."""
        return math.ceil(math.log2(self.subtiles)) if self.subtiles > 1 else 0

    @property
    def cells(self) -> int:
        """Gain cells per layer and array copy: K and V, all sub-tiles [-]."""
        return 2 * self.kv_heads * self.subtiles * self.padded_head_dim * self.subtile_width


def tile(chip: GainCellChip, workload: Workload) -> GainCellTiling:
    """Lay out ``workload``'s attention on ``chip``; refuses what does not fit."""
    model = workload.model
    window = model.max_context if workload.attention.kind == "causal" else workload.attention.window
    width = chip.array.columns
    if window % width:
        path = "$.model.max_context" if workload.attention.kind == "causal" else "$.attention.window"
        raise MappingError(
            f"{workload.file}: {path}: must be a multiple of the sub-tile width {width} "
            f"({chip.file} $.array.columns), got {window}"
        )
    arrays = math.ceil(model.head_dim / chip.array.rows)
    return GainCellTiling(
        window=window,
        subtile_width=width,
        subtiles=window // width,
        arrays_per_subtile=arrays,
        padded_head_dim=arrays * chip.array.rows,
        head_dim=model.head_dim,
        heads=model.heads,
        kv_heads=model.kv_heads,
        batch=workload.batch,
        batch_policy=chip.schedule.batch_policy,
    )


def map_gaincell(chip: GainCellChip, workload: Workload, graph: nx.DiGraph) -> Plan:
    """Assign the attention core to gain-cell units; everything else is not mapped."""
    tiling = tile(chip, workload)
    mapped, not_mapped = [], []
    for op in ops_in_order(graph):
        units = UNITS_BY_KIND.get(op.kind)
        if units is not None and chip.adc is not None:
            units = tuple("adc_readout" if unit == "signed_readout" else unit for unit in units)
        if units is None:
            not_mapped.append(op)
            continue
        extra = ("window_reload",) if op.kind == "kv_write" and tiling.sequential_sequences > 1 else ()
        after = ("refresh",) if op.kind == "kv_write" else ()
        mapped.append(MappedOp(op, units + extra, after))
    if not_mapped and workload.scope == "full":
        raise MappingError(
            f"{workload.file}: $.scope: the attention chip {chip.name!r} cannot run a 'full' workload alone; not "
            f"mapped: {', '.join(op.name for op in not_mapped)} (use a system spec with a host, "
            "hardware_specs/systems/, or set scope to 'attention')")
    timed_by = {m.op.kind: (m.op.name, m.units) for m in mapped}
    notes = []
    if not_mapped:
        notes.append("not mapped (executed off-chip, not costed): " + ", ".join(op.name for op in not_mapped))
    return Plan(
        chip,
        workload,
        tiling,
        mapped,
        not_mapped,
        notes,
        batch_energy_factor=workload.batch,
        batch_latency_factor=1.0,
        batch_area_factor=tiling.array_copies,
        replicates_per_sequence=tiling.batch_policy == "replicate",
        token_capacity=tiling.window,
        tasks=decode_tasks(chip, tiling, timed_by),
    )
