"""Technology scaling of CMOS periphery: energy, area and delay with node and supply.

Periphery capacitances, areas and the digital clock are stated at
``technology.reference_node`` (node N₀) and ``technology.reference_supply_voltage``
(V₀); the chip is evaluated at ``technology.node`` (N) and
``technology.supply_voltage`` (V).

Energy (switched capacitance)::

    C(N) = C(N₀) · F(N, V₀) / F(N₀, V₀)         F(N, V) = a_N·V² + b_N·V + c_N
    E    = C(N) · V²

with the Stillmaker & Baas coefficients (Integration 58, 2017, 74–81) as
tabulated in Accelergy's ``hwcomponents.scaling.techscaling``; between table
nodes ln F is interpolated linearly in ln N (monotonic, unlike a linear
interpolation in table index); below 7 nm F ∝ √N down to 1 nm (hwcomponents,
after IRDS 2016/2017 fJ/switch).  Area: the same table's area factors
(45 nm row), log-log interpolated, ∝ N below 7 nm.

Delay: gate delay ∝ N (hwcomponents ``tech_node_latency``) times the
alpha-power law of Sakurai & Newton (IEEE JSSC 25(2), 1990)::

    t_d ∝ N · V / (V − V_th)^α   (``technology.threshold_voltage``, ``technology.velocity_saturation_index``)

so clocks and converter times at (N, V) are those at (N₀, V₀) divided or
multiplied by :func:`delay_factor`.  Leakage power scales with F (hwcomponents
``tech_node_leak``) and with V/V₀.

All functions are elementwise in float spec values (numpy arrays allowed).
"""

from __future__ import annotations

import numpy as np

from archmodel.specs.gaincell import GainCellChip

#: Stillmaker-Baas table nodes [m] and energy polynomials (a, b, c) (hwcomponents techscaling.py)
TABLE_NODES = np.array([130e-9, 90e-9, 65e-9, 45e-9, 32e-9, 20e-9, 16e-9, 14e-9, 10e-9, 7e-9])
ENERGY_COEFFICIENTS = np.array([
    [7.171, -6.709, 2.904], [4.762, -4.781, 2.092], [3.755, -4.398, 1.975], [1.103, -0.362, 0.2767],
    [0.9559, -0.7823, 0.471], [0.373, -0.1582, 0.04104], [0.2958, -0.1241, 0.03024],
    [0.2363, -0.09675, 0.02239], [0.2068, -0.09311, 0.02375], [0.1776, -0.09097, 0.02447],
])
#: area relative to 45 nm (hwcomponents AREA_SCALING, 45 nm row)
AREA_FROM_45NM = np.array([6.4, 2.8, 1.5, 1, 0.46, 0.21, 0.19, 0.17, 0.1, 0.059])
SMALLEST_TABLE_NODE = 7e-9


def _log_interp(node, table) -> np.ndarray:
    """ln(table) interpolated linearly in ln(node) between the table nodes, clamped at their ends.

    ``table`` has the table nodes on its last axis; leading axes broadcast with ``node``.
    """
    log_nodes = np.log(TABLE_NODES[::-1])  # ascending
    log_table = np.log(np.asarray(table, dtype=float)[..., ::-1])
    x = np.clip(np.log(np.asarray(node, dtype=float)), log_nodes[0], log_nodes[-1])
    index = np.clip(np.searchsorted(log_nodes, x, side="right") - 1, 0, len(log_nodes) - 2)
    weight = (x - log_nodes[index]) / (log_nodes[index + 1] - log_nodes[index])
    lower = np.take_along_axis(*np.broadcast_arrays(log_table, index[..., None]), -1)[..., 0]
    upper = np.take_along_axis(*np.broadcast_arrays(log_table, index[..., None] + 1), -1)[..., 0]
    return np.exp(lower + weight * (upper - lower))


def energy_law(node, voltage) -> np.ndarray:
    """F(N, V): Stillmaker-Baas relative switching energy at node N [m], supply V [V] [-]."""
    a, b, c = ENERGY_COEFFICIENTS.T
    voltage = np.asarray(voltage, dtype=float)[..., None]
    node = np.asarray(node, dtype=float)
    below_table = np.sqrt(np.minimum(np.maximum(node, 1e-9), SMALLEST_TABLE_NODE) / SMALLEST_TABLE_NODE)
    return _log_interp(node, a * voltage**2 + b * voltage + c) * below_table


def area_law(node) -> np.ndarray:
    """Relative area of the same circuit at node N [m] (1 at 45 nm) [-]."""
    node = np.asarray(node, dtype=float)
    return _log_interp(node, AREA_FROM_45NM) * np.minimum(node, SMALLEST_TABLE_NODE) / SMALLEST_TABLE_NODE


def alpha_power_delay(voltage, threshold, alpha) -> np.ndarray:
    """V / (V − V_th)^α: relative gate delay at supply V [V], threshold V_th [V] (Sakurai & Newton 1990) [-]."""
    voltage = np.asarray(voltage, dtype=float)
    return voltage / (voltage - threshold) ** alpha


def capacitance_factor(chip: GainCellChip) -> np.ndarray:
    """Multiplier of periphery capacitances from the reference node to the chip's node [-]."""
    technology = chip.technology
    reference = technology.reference_supply_voltage
    return energy_law(technology.node, reference) / energy_law(technology.reference_node, reference)


def energy_factor(chip: GainCellChip) -> np.ndarray:
    """Multiplier of a periphery energy stated at (N₀, V₀) to the chip's (N, V) [-]:
    C(N)/C(N₀) · (V/V₀)²."""
    technology = chip.technology
    return capacitance_factor(chip) * (technology.supply_voltage / technology.reference_supply_voltage) ** 2


def switching_energy(chip: GainCellChip, capacitance) -> np.ndarray:
    """E = C(N)·V_DD² of a periphery capacitance stated at the reference node [J]."""
    return capacitance * capacitance_factor(chip) * chip.technology.supply_voltage**2


def area_factor(chip: GainCellChip) -> np.ndarray:
    """Area multiplier from the reference node to the chip's node [-]."""
    technology = chip.technology
    return area_law(technology.node) / area_law(technology.reference_node)


def node_delay_factor(chip: GainCellChip) -> np.ndarray:
    """Gate-delay multiplier of the node alone, N/N₀ (hwcomponents ``tech_node_latency``) [-]."""
    return chip.technology.node / chip.technology.reference_node


def delay_factor(chip: GainCellChip) -> np.ndarray:
    """Gate-delay multiplier from (N₀, V₀) to (N, V) [-]: (N/N₀) · α-power(V)/α-power(V₀)."""
    technology = chip.technology
    law = (technology.threshold_voltage, technology.velocity_saturation_index)
    return node_delay_factor(chip) * (
        alpha_power_delay(technology.supply_voltage, *law) / alpha_power_delay(technology.reference_supply_voltage, *law))


def digital_clock(chip: GainCellChip) -> np.ndarray:
    """Clock of the digital periphery at the chip's node and supply [Hz]."""
    return chip.clocks.digital / delay_factor(chip)


def leakage_factor(chip: GainCellChip) -> np.ndarray:
    """Leakage-power multiplier from (N₀, V₀) to (N, V): F ratio × V/V₀ [-]."""
    technology = chip.technology
    return capacitance_factor(chip) * technology.supply_voltage / technology.reference_supply_voltage
