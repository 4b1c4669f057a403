"""Spec of a gain-cell analog attention chip (Leroux 2025 and variants).

One class per kind of JSON object.  Every energy-bearing component carries a
``group`` label: the breakdown the paper reports (``qk``, ``sv``,
``digital``, ``dac``) or any other a user chooses.

Circuits are described by physical quantities (voltages, capacitances,
currents, pulse widths, bits, levels); the cost models in
:mod:`archmodel.costs` turn them into energies, latencies and areas.
Capacitances and areas of CMOS periphery, and the digital clock, are stated
at ``technology.reference_node`` and ``technology.reference_supply_voltage``
and scaled to the evaluated node and supply (:mod:`archmodel.costs.technology`).
Each numeric field has a plausible range (a warning outside it) and hard
limits (an error outside them).
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BeforeValidator, Field, model_validator

from archmodel.specs.plausibility import ranged
from archmodel.specs.provenance import Provenance
from archmodel.specs.quantities import (
    Area,
    Capacitance,
    Conductance,
    Current,
    Document,
    Energy,
    Fraction,
    Frequency,
    Length,
    Power,
    QuantityParser,
    Spec,
    Time,
    Voltage,
)

#: wire capacitance per length [F/m] ("0.2 fF/um")
CapacitancePerLength = Annotated[float, BeforeValidator(QuantityParser("capacitance_per_length"))]

#: the scaling laws' node range [m]: Stillmaker & Baas tables 130-7 nm, hwcomponents' extrapolation to 1 nm
NODE_LIMITS = (1e-9, 130e-9)
#: the supply range of the alpha-power delay law and the C·V² energies [V] (strong inversion above V_th + 0.2 V)
SUPPLY_LIMITS = (0.5, 1.3)


def _within(value: float, limits: tuple[float, float], unit_scale: float, unit: str, what: str) -> None:
    low, high = limits
    if not low <= value <= high:
        raise ValueError(
            f"{what} must be within [{low / unit_scale:g}, {high / unit_scale:g}] {unit} "
            f"(the range of the scaling laws), got {value / unit_scale:g} {unit}"
        )


class Technology(Spec):
    node: Length = ranged(5e-9, 65e-9, "CMOS technology node the chip is evaluated at [m]", gt=0)
    reference_node: Length = ranged(5e-9, 65e-9, "node at which periphery capacitances, areas and the clock are stated [m]", gt=0)
    supply_voltage: Voltage = ranged(0.6, 1.1, "V_DD of the periphery at the evaluated node [V]", gt=0)
    reference_supply_voltage: Voltage = ranged(0.6, 1.1, "V_DD at which the clock is stated [V]", gt=0)
    threshold_voltage: Voltage = ranged(0.2, 0.5, "V_th of the alpha-power delay law [V]", gt=0, le=1.0)
    velocity_saturation_index: Fraction = ranged(1.1, 2.0, "α of the alpha-power delay law [-]", ge=1.0, le=2.0)

    @model_validator(mode="after")
    def _laws(self):
        _within(self.node, NODE_LIMITS, 1e-9, "nm", "node")
        _within(self.reference_node, NODE_LIMITS, 1e-9, "nm", "reference_node")
        _within(self.supply_voltage, SUPPLY_LIMITS, 1.0, "V", "supply_voltage")
        _within(self.reference_supply_voltage, SUPPLY_LIMITS, 1.0, "V", "reference_supply_voltage")
        if min(self.supply_voltage, self.reference_supply_voltage) < self.threshold_voltage + 0.2:
            raise ValueError(f"the alpha-power delay law needs supplies ≥ threshold_voltage + 0.2 V = "
                             f"{self.threshold_voltage + 0.2:g} V (strong inversion), got "
                             f"{min(self.supply_voltage, self.reference_supply_voltage):g} V")
        return self


class Clocks(Spec):
    digital: Frequency = ranged(
        50e6, 5e9, "clock of the digital periphery (counters, adders, control) at the reference node and supply [Hz]",
        gt=0, le=100e9)


class ReadCurrent(Spec):
    """Cell read current as a function of the stored deviation y = V_stored - V_rest.

    ``linear_slope``: I = g·y [A], g [A/V] (the paper's linear model, 19.3 µA/V;
    used by the emulator's linear mode).
    ``polynomial``: I = Σ_{i+j≤3} C_ij·y^i·V_in^j [A], coefficients in the
    paper's order (i=0: j=0..3; i=1: j=0..2; i=2: j=0..1; i=3: j=0); read
    energy and the emulator's cubic mode.
    """

    linear_slope: Conductance = ranged(1e-6, 1e-4, "slope of the linear current model [A/V]", gt=0)
    polynomial: list[Current] = Field(min_length=10, max_length=10, description="C_ij of Methods eq. 4 [A]")


class GainCell(Spec):
    storage_min: Voltage = ranged(0.0, 1.5, "lowest stored voltage [V]", ge=0, le=5)
    storage_max: Voltage = ranged(0.3, 1.5, "highest stored voltage [V]", gt=0, le=5)
    rest_voltage: Voltage = ranged(0.1, 1.0, "voltage the storage node relaxes to, zero weight [V]", gt=0, le=5)
    read_voltage: Voltage = ranged(0.3, 1.3, "read word-line pulse amplitude V_in [V]", gt=0, le=5)
    levels: int = ranged(2, 64, "write levels of a stored K/V value [-]", ge=2, le=65536)
    read_current: ReadCurrent
    retention_time: Time = ranged(1e-6, 1e5, "time constant τ of the decay toward the rest voltage [s]", gt=0, le=1e9)
    area: Area = ranged(0.01e-12, 100e-12, "area of one cell [m²]; its pitch √area sets line lengths", gt=0, le=1e-6)
    storage_capacitance: Capacitance = ranged(0.1e-15, 100e-15, "capacitance of the storage node [F]", gt=0, le=1e-9)
    port_capacitance: Capacitance = ranged(
        0.01e-15, 5e-15, "capacitance one cell adds to each word or bit line through it (gate or junction) [F]",
        ge=0, le=1e-9)

    @model_validator(mode="after")
    def _range(self):
        if not self.storage_min < self.rest_voltage < self.storage_max:
            raise ValueError(
                f"need storage_min < rest_voltage < storage_max, got {self.storage_min} < {self.rest_voltage} < {self.storage_max} V"
            )
        return self

    @property
    def energy_per_write(self) -> float:
        """Energy to charge the storage node to the top level, C_SN·V_max² [J].

        (The write line is charged by the DAC; see :mod:`archmodel.costs.converters`.)
        """
        return self.storage_capacitance * self.storage_max**2


class Array(Spec):
    rows: int = ranged(8, 1024, "cells per column [-]", gt=0, le=65536)
    columns: int = ranged(8, 1024, "cells per row [-]; a K array holds this many tokens, a sub-tile's width", gt=0, le=65536)
    wire_capacitance: CapacitancePerLength = ranged(
        0.05e-9, 0.5e-9, "capacitance per length of word, bit and write lines [F/m]", gt=0, le=1e-6)
    key_group: str = Field(min_length=1, description="energy breakdown group of K-array reads")
    value_group: str = Field(min_length=1, description="energy breakdown group of V-array reads")


class Component(Spec):
    """Fields every periphery component shares."""

    group: str = Field(min_length=1, description="energy breakdown group")
    area: Area = ranged(0.1e-12, 1e-9, "area of one instance at the reference node [m²]", ge=0, le=1.0)


class PulseDriver(Component):
    """PWM query driver: one per K-array row; drives its word line for q·T_max.

    Its width counter steps through levels − 1 periods of T_max/(levels − 1).
    """

    levels: int = ranged(2, 256, "input levels (16 = 4 bits) [-]", ge=2, le=65536)
    max_pulse_width: Time = ranged(1e-9, 1e-6, "T_max, full-scale width of every PWM and φ pulse [s]", gt=0, le=1.0)


class ChargeToPulse(Component):
    """HardSigmoid charge-to-pulse circuit: one per K-array column.

    φ(S) = 0 for S ≤ 0; T_max·S/S_sat for 0 < S < S_sat; T_max for S ≥ S_sat
    (T_max = ``query_driver.max_pulse_width``).
    """

    saturation: Current = ranged(1e-6, 1e-3, "S_sat, column signal Σ q·I at which φ saturates [A] (emulator)", gt=0, le=1.0)
    comparator_capacitance: Capacitance = ranged(
        1e-15, 200e-15, "switched capacitance of one comparator decision, at the reference node [F]", gt=0, le=1e-9)


class SignedReadout(Component):
    """Signed charge-to-pulse plus counter: one per V-array column, per sub-tile."""

    levels: int = ranged(2, 256, "output levels (32 = 5 bits signed) [-]", ge=2, le=65536)
    saturation: Current = ranged(1e-6, 1e-3, "column signal at which the output clips [A] (emulator)", gt=0, le=1.0)
    counter_steps: int = ranged(2, 1024, "counter periods of the digital clock per conversion [-]", gt=0, le=1_000_000)
    comparator_capacitance: Capacitance = ranged(
        1e-15, 200e-15, "switched capacitance of the sign/threshold comparator, at the reference node [F]", gt=0, le=1e-9)


class Converter(Spec):
    """The DACs writing K and V: a capacitive ladder and a line driver.

    One conversion switches the 2^bits unit capacitors of the ladder and
    runs the driver's bias current for the conversion time, both from the
    reference voltage; the write line it charges is in the cost model.
    """

    group: str = Field(min_length=1, description="energy breakdown group")
    bits: int = ranged(1, 10, "resolution [bit]", ge=1, le=16)
    conversion_time: Time = ranged(0.1e-9, 1e-6, "settling plus write pulse, at the reference node and supply [s]", gt=0, le=1.0)
    reference_voltage: Voltage = ranged(0.3, 1.5, "full-scale output; the ladder and driver run from it [V]", gt=0, le=5)
    unit_capacitance: Capacitance = ranged(0.1e-15, 20e-15, "one ladder unit capacitor, at the reference node [F]", gt=0, le=1e-9)
    bias_current: Current = ranged(1e-6, 2e-3, "bias current of the line driver while converting [A]", ge=0, le=1.0)
    unit_area: Area = ranged(0.1e-12, 20e-12, "area of one ladder unit (capacitor and switch) at the reference node [m²]", ge=0, le=1.0)
    buffer_area: Area = ranged(1e-12, 1e-9, "area of the line driver at the reference node [m²]", ge=0, le=1.0)

    @property
    def energy_per_conversion(self) -> float:
        """Ladder and driver energy of one conversion, without the write line [J].

        E = 2^bits·C_unit·V_ref² + I_bias·V_ref·t_conv
        """
        return 2**self.bits * self.unit_capacitance * self.reference_voltage**2 + (
            self.bias_current * self.reference_voltage * self.conversion_time)

    @property
    def area(self) -> float:
        """Area of one DAC at the reference node: 2^bits·A_unit + A_buffer [m²]."""
        return 2**self.bits * self.unit_area + self.buffer_area


class AnalogToDigital(Spec):
    """An ADC digitising each V-array column of a sub-tile, replacing the signed counter readout.

    When ``energy_per_conversion`` or ``area`` is omitted, it is estimated with
    hwcomponents-adc (Andrulis et al., arXiv 2404.06553) from bits, node and
    the throughput the readout phase demands.
    """

    group: str = Field(min_length=1, description="energy breakdown group")
    bits: int = Field(ge=4, le=16, description="effective resolution [bit]")
    conversion_time: Time = ranged(0.1e-9, 1e-6, "time of one conversion [s]", gt=0, le=1.0)
    energy_per_conversion: Energy | None = Field(default=None, ge=0, description="energy of one conversion [J]")
    area: Area | None = Field(default=None, ge=0, le=1.0, description="area of one ADC [m²]")


class DigitalPeriphery(Component):
    """Per-head digital block: sub-tile result registers, adder tree, output scale, control.

    Energy = Σ operations × C_op·V_DD² + register bits × active cycles ×
    C_reg·V_DD² + P_leak × active time (:mod:`archmodel.costs.digital`).
    """

    area: Area = ranged(1e-9, 1e-6, "area of one head's digital block at the reference node [m²]", ge=0, le=1.0)
    adder_capacitance: Capacitance = ranged(
        0.2e-15, 20e-15, "switched capacitance of one full-adder bit operation, at the reference node [F]", gt=0, le=1e-9)
    multiplier_capacitance: Capacitance = ranged(
        0.2e-15, 20e-15, "switched capacitance per partial-product bit of a multiplier, at the reference node [F]",
        gt=0, le=1e-9)
    register_capacitance: Capacitance = ranged(
        0.5e-15, 30e-15, "switched capacitance per register bit and clock cycle (flip-flop, clock tree, control "
        "and routing share), at the reference node [F]", gt=0, le=1e-9)
    leakage_power: Power = ranged(0.0, 0.05, "leakage of one head's digital block at the reference node and supply [W]",
                                  ge=0, le=1e3)
    adder_stage_cycles: int = ranged(1, 8, "cycles per adder-tree stage [-]", gt=0, le=1000)
    scale_cycles: int = ranged(0, 16, "cycles of the per-head scale and offset [-]", ge=0, le=1000)
    control_cycles: int = ranged(0, 64, "cycles of control and routing per token [-]", ge=0, le=100_000)


class Interconnect(Spec):
    group: str = Field(min_length=1, description="energy breakdown group")
    energy_per_bit: Energy = ranged(0.0, 1e-12, "energy to move one bit of q, k, v or output to/from a head [J]", ge=0, le=1e-6)
    bits_per_value: int = ranged(4, 32, "bits of each value moved, and of the output scale factor [-]", gt=0, le=64)


class Activity(Spec):
    """Mean data-dependent activity; the emulator can measure these (``activity_statistics``)."""

    query_pulse_fraction: Fraction = ranged(0.01, 1.0, "mean q pulse width / T_max [-]", ge=0, le=1)
    phi_pulse_fraction: Fraction = ranged(0.01, 1.0, "mean φ pulse width / T_max [-]", ge=0, le=1)


class Schedule(Spec):
    write_overlap: bool = Field(description="the K/V write runs during the previous token's compute [-]")
    batch_policy: Literal["replicate", "time_multiplex"] = Field(
        description="replicate: one set of KV arrays per sequence; time_multiplex: sequences share arrays in turn, reloading their window"
    )
    refresh_threshold: Fraction = ranged(
        0.05, 1.0, "refresh when a window lasts longer than this fraction of τ [-]", gt=0, le=10)


class GainCellChip(Document):
    kind: Literal["gaincell_attention"]
    name: str = Field(min_length=1)
    description: str = ""
    technology: Technology
    clocks: Clocks
    gain_cell: GainCell
    array: Array
    query_driver: PulseDriver
    charge_to_pulse: ChargeToPulse
    signed_readout: SignedReadout
    dac: Converter
    adc: AnalogToDigital | None = None
    digital: DigitalPeriphery
    interconnect: Interconnect
    activity: Activity
    schedule: Schedule

    @model_validator(mode="after")
    def _dac_covers_cell_levels(self):
        if 2**self.dac.bits < self.gain_cell.levels:
            raise ValueError(
                f"dac.bits = {self.dac.bits} gives {2**self.dac.bits} levels, fewer than the "
                f"{self.gain_cell.levels} gain_cell.levels it must write"
            )
        return self

    @property
    def provenance(self) -> dict:
        """Records of the JSON values, plus the quantities computed from them (derivations)."""
        records = super().provenance
        derived = {
            "$.dac.energy_per_conversion": ("2^bits·C_unit·V_ref² + I_bias·V_ref·t_conv from $.dac",
                                            self.dac.energy_per_conversion),
            "$.dac.area": ("2^bits·unit_area + buffer_area from $.dac", self.dac.area),
            "$.gain_cell.energy_per_write": ("storage_capacitance·storage_max² from $.gain_cell",
                                             self.gain_cell.energy_per_write),
        }
        for path, (text, value) in derived.items():
            records.setdefault(path, Provenance("derivation", f"computed: {text}", value))
        return records

    @property
    def subtile_width(self) -> int:
        """Tokens per sub-tile = columns of a K array [-]."""
        return self.array.columns

    def consistency_warnings(self) -> list[str]:
        """Combinations of plausible values that are still suspicious."""
        warnings = []
        if 2**self.dac.bits > self.gain_cell.levels:
            warnings.append(f"$.dac.bits: {self.dac.bits} bits give {2**self.dac.bits} levels, more than the "
                            f"{self.gain_cell.levels} gain_cell.levels stored; the extra resolution costs ladder "
                            "energy and area for nothing")
        # np.any: sweeps may hold arrays in float fields
        if np.any(np.asarray(self.dac.reference_voltage) < self.gain_cell.storage_max):
            warnings.append(f"$.dac.reference_voltage: {np.min(self.dac.reference_voltage):g} V cannot write "
                            f"gain_cell.storage_max {np.max(self.gain_cell.storage_max):g} V")
        if np.any(np.asarray(self.gain_cell.read_voltage) > np.asarray(self.technology.supply_voltage) * 1.5):
            warnings.append(f"$.gain_cell.read_voltage: {np.max(self.gain_cell.read_voltage):g} V is far above the "
                            f"supply {np.min(self.technology.supply_voltage):g} V (needs a charge pump, not costed)")
        return warnings
