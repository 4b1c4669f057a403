"""DACs writing K and V into the gain cells.

Reference: Leroux 2025 (3-bit K/V writes through DACs; published DAC share
330 pJ per token per head, M = 1024, d = 64 — reproduced, see
docs/gaincell_derivation.md).

One DAC per K row and per V column of a KV head drives a write line along
its row (column) through all S sub-tiles, w·S = M cells; the ring buffer
writes one token slot at a time.  One write of one value::

    E_write = 2^b·C_unit(N)·V_ref² + I_bias·V_ref·t_conv      ladder + driver
            + C_line·V_ref²,  C_line = M·(√A_cell·c_wire + C_port)   write line
            + C_SN·V_max²                                       storage node

Per layer and sequence each new token writes 2·H_kv·d values.  Latency:
one conversion time (∝ node), hidden when
``schedule.write_overlap``.  Area: 2·H_kv·P DACs of 2^b·A_unit + A_buffer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archmodel.costs.cost import Cost, Step
from archmodel.costs.gaincell_arrays import line_capacitance
from archmodel.costs.technology import area_factor, capacitance_factor, digital_clock, node_delay_factor
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling

WRITE_SOURCES = ("$.dac.bits", "$.dac.unit_capacitance", "$.dac.reference_voltage", "$.dac.bias_current",
                 "$.dac.conversion_time", "$.array.wire_capacitance", "$.gain_cell.port_capacitance")


def conversion_time(chip: GainCellChip):
    """t_conv at the chip's node [s]: ∝ N/N₀ (the driver runs from V_ref, so V_DD does not set its speed)."""
    return chip.dac.conversion_time * node_delay_factor(chip)


def dac_energy(chip: GainCellChip, tiling: GainCellTiling):
    """Ladder, driver and write line of one conversion [J]."""
    dac = chip.dac
    ladder = 2**dac.bits * dac.unit_capacitance * capacitance_factor(chip) * dac.reference_voltage**2
    driver = dac.bias_current * dac.reference_voltage * conversion_time(chip)
    line = line_capacitance(chip, tiling.window) * dac.reference_voltage**2
    return ladder + driver + line


def write_energy(chip: GainCellChip, tiling: GainCellTiling):
    """Everything one K or V value write costs: DAC conversion and cell [J]."""
    return dac_energy(chip, tiling) + chip.gain_cell.energy_per_write


def dac_write(chip: GainCellChip, tiling: GainCellTiling, op, step: Step) -> Cost:
    dac = chip.dac
    writes = step.constant(2 * tiling.kv_heads * tiling.head_dim)
    duration = step.constant(conversion_time(chip))
    overlapped = chip.schedule.write_overlap
    dac_key, cell_key = ("dac", dac.group), ("cell_write", dac.group)
    return Cost(
        energy={dac_key: writes * dac_energy(chip, tiling), cell_key: writes * chip.gain_cell.energy_per_write},
        events={dac_key: writes, cell_key: writes},
        latency=step.zeros() if overlapped else duration,
        hidden_latency=duration if overlapped else step.zeros(),
        cycles=duration * digital_clock(chip),
        clock="digital",
        area={dac_key: tiling.kv_heads * tiling.dacs_per_kv_head * dac.area * area_factor(chip)},
        sources={
            dac_key: (*WRITE_SOURCES, "$.dac.unit_area", "$.dac.buffer_area", "$.schedule.write_overlap"),
            cell_key: ("$.gain_cell.storage_capacitance", "$.gain_cell.storage_max"),
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
    writes = 2 * tiling.kv_heads * tiling.head_dim * step.live_tokens
    key = ("window_reload", chip.dac.group)
    duration = step.live_tokens * conversion_time(chip)
    return Cost(
        energy={key: writes * write_energy(chip, tiling)},
        events={key: writes},
        latency=duration,
        cycles=duration * digital_clock(chip),
        clock="digital",
        sources={key: (*WRITE_SOURCES, "$.gain_cell.storage_capacitance")},
    )
