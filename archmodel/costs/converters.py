"""DACs writing K and V into the gain cells.

Reference: Leroux 2025 (3-bit K/V writes through DACs; published DAC share
330 pJ per token per head, M = 1024, d = 64).

Per layer and sequence, each new token writes d values of k and d of v per
KV head: 2·H_kv·d conversions and as many cell writes::

    E = 2·H_kv·d × (E_dac + E_write)

Latency: one conversion time, hidden when ``schedule.write_overlap``.
Area: one DAC per K row and per V column of a KV head, shared by its
sub-tiles (the ring buffer writes one slot at a time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archmodel.costs.cost import Cost, Step
from archmodel.costs.technology import area_factor, energy_factor
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling


def dac_write(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    dac = chip.dac
    writes = step.constant(2 * tiling.kv_heads * tiling.head_dim)
    duration = step.constant(dac.conversion_time)
    overlapped = chip.schedule.write_overlap
    dac_key, cell_key = ("dac", dac.group), ("cell_write", dac.group)
    return Cost(
        energy={dac_key: writes * dac.energy_per_conversion * energy_factor(chip), cell_key: writes * chip.gain_cell.energy_per_write},
        events={dac_key: writes, cell_key: writes},
        latency=step.zeros() if overlapped else duration,
        hidden_latency=duration if overlapped else step.zeros(),
        cycles=duration * chip.clocks.digital,
        clock="digital",
        area={dac_key: tiling.kv_heads * tiling.dacs_per_kv_head * dac.area * area_factor(chip)},
        sources={
            dac_key: ("$.dac.energy_per_conversion", "$.dac.conversion_time", "$.dac.area", "$.schedule.write_overlap"),
            cell_key: ("$.gain_cell.energy_per_write",),
        },
    )


def window_reload(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    """Time-multiplexed batch: each sequence's window is rewritten before its turn.

    Per sequence: 2·H_kv·d·n writes.  One DAC per row serves all S sub-tiles
    (``tiling.dacs_per_kv_head``, the count the area holds), so the n live
    token slots are written one after another, K and V on their own DACs::

        t_reload = n · t_conversion   [s]

    The schedule runs one reload per sequence sharing the arrays.
    """
    dac = chip.dac
    writes = 2 * tiling.kv_heads * tiling.head_dim * step.live_tokens
    key = ("window_reload", dac.group)
    duration = step.live_tokens * dac.conversion_time
    return Cost(
        energy={key: writes * (dac.energy_per_conversion * energy_factor(chip) + chip.gain_cell.energy_per_write)},
        events={key: writes},
        latency=duration,
        cycles=duration * chip.clocks.digital,
        clock="digital",
        sources={key: ("$.dac.energy_per_conversion", "$.gain_cell.energy_per_write", "$.dac.conversion_time")},
    )
