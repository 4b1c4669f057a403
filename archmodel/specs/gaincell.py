"""Spec of a gain-cell analog attention chip (Leroux 2025 and variants).

One class per kind of JSON object.  Every energy-bearing component carries a
``group`` label: the breakdown the paper reports (``qk``, ``sv``,
``digital``, ``dac``) or any other a user chooses.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt, model_validator

from archmodel.specs.quantities import (
    Area,
    Conductance,
    Current,
    Energy,
    Fraction,
    Frequency,
    Length,
    Power,
    Document,
    Spec,
    Time,
    Voltage,
)


class Technology(Spec):
    node: Length = Field(gt=0, description="CMOS technology node the chip is evaluated at [m]")
    reference_node: Length = Field(gt=0, description="node at which the periphery energies and areas below are stated [m]")
    supply_voltage: Voltage = Field(gt=0, description="V_DD [V]")


class Clocks(Spec):
    digital: Frequency = Field(gt=0, description="clock of the digital periphery (adders, control, counters) [Hz]")


class ReadCurrent(Spec):
    """Cell read current as a function of the stored deviation y = V_stored - V_rest.

    ``linear_slope``: I = g·y [A], g [A/V] (the paper's linear model, 19.3 µA/V).
    ``polynomial``: I = Σ_{i+j≤3} C_ij·y^i·V_in^j [A], coefficients in the
    paper's order (i=0: j=0..3; i=1: j=0..2; i=2: j=0..1; i=3: j=0).
    """

    linear_slope: Conductance = Field(gt=0, description="slope of the linear current model [A/V]")
    polynomial: list[Current] = Field(min_length=10, max_length=10, description="C_ij of Methods eq. 4 [A]")


class GainCell(Spec):
    storage_min: Voltage = Field(ge=0, description="lowest stored voltage [V]")
    storage_max: Voltage = Field(gt=0, description="highest stored voltage [V]")
    rest_voltage: Voltage = Field(gt=0, description="voltage the storage node relaxes to, zero weight [V]")
    read_voltage: Voltage = Field(gt=0, description="read word-line pulse amplitude V_in [V]")
    levels: int = Field(ge=2, description="write levels of a stored K/V value [-]")
    read_current: ReadCurrent
    retention_time: Time = Field(gt=0, description="time constant τ of the decay toward the rest voltage [s]")
    area: Area = Field(gt=0, description="area of one cell [m²]")
    energy_per_write: Energy = Field(ge=0, description="energy to write one cell (bit-line + storage node) [J]")
    energy_per_read: Energy = Field(ge=0, description="energy of one cell read under a full-scale (T_max) input pulse [J]")

    @model_validator(mode="after")
    def _range(self):
        if not self.storage_min < self.rest_voltage < self.storage_max:
            raise ValueError(
                f"need storage_min < rest_voltage < storage_max, got {self.storage_min} < {self.rest_voltage} < {self.storage_max} V"
            )
        return self


class Array(Spec):
    rows: PositiveInt = Field(description="cells per column [-]")
    columns: PositiveInt = Field(description="cells per row [-]; a K array holds this many tokens, a sub-tile's width")
    key_group: str = Field(min_length=1, description="energy breakdown group of K-array reads")
    value_group: str = Field(min_length=1, description="energy breakdown group of V-array reads")


class Component(Spec):
    """Fields every periphery component shares."""

    group: str = Field(min_length=1, description="energy breakdown group")
    area: Area = Field(ge=0, description="area of one instance [m²]")


class PulseDriver(Component):
    """PWM query driver: one per K-array row, drives a pulse of width q·T_max."""

    levels: int = Field(ge=2, description="input levels (16 = 4 bits) [-]")
    max_pulse_width: Time = Field(gt=0, description="T_max [s]")
    energy_per_pulse: Energy = Field(ge=0, description="energy of one row pulse (driver + word line) [J]")


class ChargeToPulse(Component):
    """HardSigmoid charge-to-pulse circuit: one per K-array column.

    φ(S) = 0 for S ≤ 0; T_max·S/S_sat for 0 < S < S_sat; T_max for S ≥ S_sat.
    """

    saturation: Current = Field(gt=0, description="S_sat, column signal Σ q·I at which φ saturates [A]")
    max_pulse_width: Time = Field(gt=0, description="T_max of the φ pulse [s]")
    energy_per_conversion: Energy = Field(ge=0, description="energy of one column conversion [J]")


class SignedReadout(Component):
    """Signed charge-to-pulse plus counter: one per V-array column, per sub-tile."""

    levels: int = Field(ge=2, description="output levels (32 = 5 bits signed) [-]")
    saturation: Current = Field(gt=0, description="column signal at which the output clips [A]")
    counter_steps: PositiveInt = Field(description="counter periods of the digital clock per conversion [-]")
    energy_per_conversion: Energy = Field(ge=0, description="energy of one signed conversion [J]")


class Converter(Component):
    """A DAC (K/V write) or ADC."""

    bits: PositiveInt = Field(description="resolution [bit]")
    energy_per_conversion: Energy = Field(ge=0, description="energy of one conversion [J]")
    conversion_time: Time = Field(gt=0, description="time of one conversion (and write pulse for a DAC) [s]")


class AnalogToDigital(Spec):
    """An ADC digitising each V-array column of a sub-tile, replacing the signed counter readout.

    When ``energy_per_conversion`` or ``area`` is omitted, it is estimated with
    hwcomponents-adc (Andrulis et al., arXiv 2404.06553) from bits, node and
    the throughput the readout phase demands.
    """

    group: str = Field(min_length=1, description="energy breakdown group")
    bits: int = Field(ge=4, le=16, description="effective resolution [bit]")
    conversion_time: Time = Field(gt=0, description="time of one conversion [s]")
    energy_per_conversion: Energy | None = Field(default=None, ge=0, description="energy of one conversion [J]")
    area: Area | None = Field(default=None, ge=0, description="area of one ADC [m²]")


class DigitalPeriphery(Component):
    """Per-head digital control, sub-tile adder tree, output scaling and routing.

    Energy = power × active time; active from the start of the readout count
    until the head's result leaves (cycles below, at ``clocks.digital``).
    """

    power: Power = Field(ge=0, description="power of the per-head digital block while active [W]")
    adder_stage_cycles: PositiveInt = Field(description="cycles per adder-tree stage [-]")
    scale_cycles: int = Field(ge=0, description="cycles of the per-head scale and offset [-]")
    control_cycles: int = Field(ge=0, description="cycles of control and routing per token [-]")


class Interconnect(Spec):
    group: str = Field(min_length=1, description="energy breakdown group")
    energy_per_bit: Energy = Field(ge=0, description="energy to move one bit of q, k, v or output to/from a head [J]")
    bits_per_value: PositiveInt = Field(description="bits of each value moved [-]")


class Activity(Spec):
    """Mean data-dependent activity; the emulator can measure these (``activity_statistics``)."""

    query_pulse_fraction: Fraction = Field(ge=0, le=1, description="mean q pulse width / T_max [-]")
    phi_pulse_fraction: Fraction = Field(ge=0, le=1, description="mean φ pulse width / T_max [-]")


class Schedule(Spec):
    write_overlap: bool = Field(description="the K/V write runs during the previous token's compute [-]")
    batch_policy: Literal["replicate", "time_multiplex"] = Field(
        description="replicate: one set of KV arrays per sequence; time_multiplex: sequences share arrays in turn, reloading their window"
    )
    refresh_threshold: Fraction = Field(
        gt=0, description="refresh when a window lasts longer than this fraction of τ [-]"
    )


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

    @property
    def subtile_width(self) -> int:
        """Tokens per sub-tile = columns of a K array [-]."""
        return self.array.columns
