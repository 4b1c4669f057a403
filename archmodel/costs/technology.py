"""Technology scaling of CMOS periphery, with the Accelergy hwcomponents laws.

The chip states its per-event energies and per-instance areas at
``technology.reference_node``; a chip evaluated at another ``technology.node``
has its CMOS periphery (pulse circuits, DACs, digital, interconnect) scaled
with Stillmaker & Baas (Integration 58, 2017) as implemented in
``hwcomponents.scaling`` (below 7 nm: √node for energy, linear for area)::

    E(node) = E(reference) · F(node, V_DD) / F(reference, V_DD)
    A(node) = A(reference) · G(node) / G(reference)

Gain cells are not scaled: their area and read energy are device figures
(cell currents) that a user states directly.
"""

from __future__ import annotations

from hwcomponents.scaling.techscaling import tech_node_area, tech_node_energy

from archmodel.specs.gaincell import GainCellChip


def energy_factor(chip: GainCellChip) -> float:
    """Energy multiplier from the reference node to the chip's node [-]."""
    technology = chip.technology
    if technology.node == technology.reference_node:
        return 1.0
    return float(tech_node_energy(technology.node, technology.reference_node, technology.supply_voltage))


def area_factor(chip: GainCellChip) -> float:
    """Area multiplier from the reference node to the chip's node [-]."""
    technology = chip.technology
    if technology.node == technology.reference_node:
        return 1.0
    return float(tech_node_area(technology.node, technology.reference_node))
