"""The decode step of one gain-cell layer as schedulable tasks.

One *unit* serves one KV head: its K and V sub-tile arrays, the per-row
DACs that write them, the query drivers, charge-to-pulse circuits and
readouts of its sub-tiles, an adder tree and a digital controller.  The
H_kv units of a layer are identical and run the same tasks at the same
times, so the schedule places one unit (``TaskGraph.copies`` = H_kv).

Per sequence sharing the arrays (B when time-multiplexed, else 1):

- ``reload_k``, ``reload_v`` (time-multiplexed only): the sequence's window,
  written through the same DACs and write port as the token write; they
  also hold the arrays, which must not change while another sequence reads;
- ``write_k``, ``write_v``: the new token's k and v, each on its own DACs.
  With ``schedule.write_overlap`` the arrays have a separate write port and
  the reads do not wait (the paper's 65 ns holds no write time); without
  it the write holds the arrays and the reads wait for it;
- per GQA turn j (g = H / H_kv query heads take turns on the unit):
  ``score`` (query drivers + K arrays) → ``activation`` (charge-to-pulse
  circuits; their φ pulses drive the V rows, so + V arrays) →
  ``weighted_sum`` (readouts count the V columns' charge) →
  ``head_reduction`` (adder tree + controller).

The charge-to-pulse circuit holds the score on its own capacitor, so
turn j+1's score starts as soon as turn j's score frees the K arrays:
turns pipeline, bounded by the busiest resource.  Layers run one after
another (the host's projections sit between them), so the schedule of one
layer is repeated ``layers`` times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archmodel.schedule import Resource, Task, TaskGraph
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling


def unit_resources(chip: GainCellChip, tiling: GainCellTiling) -> tuple[Resource, ...]:
    """Resources of one KV head's unit, with the instance counts the area counts [-]."""
    arrays = tiling.subtiles * tiling.arrays_per_subtile
    columns = tiling.subtiles * tiling.padded_head_dim
    readout = "ADCs" if chip.adc is not None else "signed readouts"
    return (
        Resource("k_dacs", tiling.dacs_per_kv_head // 2, "per-row DACs of the K arrays, shared by the sub-tiles"),
        Resource("v_dacs", tiling.dacs_per_kv_head // 2, "per-column DACs of the V arrays, shared by the sub-tiles"),
        Resource("k_write_port", arrays, "write word and bit lines of the K arrays"),
        Resource("v_write_port", arrays, "write word and bit lines of the V arrays"),
        Resource("k_arrays", arrays, "K sub-tile arrays (read port)"),
        Resource("v_arrays", arrays, "V sub-tile arrays (read port)"),
        Resource("query_drivers", columns, "PWM query drivers, one per K row of each sub-tile"),
        Resource("charge_to_pulse", tiling.subtiles * tiling.subtile_width, "charge-to-pulse circuits, one per token column"),
        Resource("readout", columns, f"{readout}, one per V column of each sub-tile"),
        Resource("adder_tree", 1, "adder tree over the sub-tiles"),
        Resource("controller", 1, "digital controller: scale, control and routing"),
    )


def _writes(sequence: int, op: str, overlap: bool, reload: bool) -> tuple[list[Task], dict[str, tuple[str, ...]]]:
    """The K and V writes of one sequence, and what the reads of each half must wait for."""
    tasks, waits = [], {}
    for half in ("k", "v"):
        holds = (f"{half}_dacs", f"{half}_write_port")
        loaded: tuple[str, ...] = ()
        if reload:
            tasks.append(Task(f"reload_{half}[s{sequence}]", op, ("window_reload",), holds + (f"{half}_arrays",),
                              sequence=sequence))
            loaded = (tasks[-1].name,)
        write = Task(f"write_{half}[s{sequence}]", op, ("dac_write",), holds + (() if overlap else (f"{half}_arrays",)),
                     after=loaded, sequence=sequence)
        tasks.append(write)
        waits[half] = loaded if overlap else loaded + (write.name,)
    return tasks, waits


def _turn(sequence: int, turn: int, turns: int, units: dict, ready: dict[str, tuple[str, ...]]) -> list[Task]:
    label = f"[s{sequence},t{turn}]"

    def task(kind, resources, after):
        op, op_units = units[kind]
        return Task(f"{kind}{label}", op, op_units, resources, after, 1 / turns, sequence, turn)

    score = task("score", ("query_drivers", "k_arrays"), ready["k"])
    activation = task("activation", ("charge_to_pulse", "v_arrays"), (score.name, *ready["v"]))
    weighted = task("weighted_sum", ("readout",), (activation.name,))
    reduction = task("head_reduction", ("adder_tree", "controller"), (weighted.name,))
    return [score, activation, weighted, reduction]


def decode_tasks(chip: GainCellChip, tiling: GainCellTiling, units: dict[str, tuple[str, tuple[str, ...]]]) -> TaskGraph:
    """Tasks of one layer's decode step on one KV head's unit.

    ``units``: op kind → (op name, cost-model units that time it).
    """
    overlap = chip.schedule.write_overlap
    reload = tiling.sequential_sequences > 1
    turns = tiling.query_heads_per_kv_head
    tasks: list[Task] = []
    for sequence in range(tiling.sequential_sequences):
        writes, waits = _writes(sequence, units["kv_write"][0], overlap, reload)
        tasks += writes
        for turn in range(turns):
            tasks += _turn(sequence, turn, turns, units, waits)
    return TaskGraph(tuple(tasks), unit_resources(chip, tiling), copies=tiling.kv_heads)
