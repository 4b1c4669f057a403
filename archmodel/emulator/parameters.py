"""The chip's numbers in the units of the paper's functional model.

The chip spec stores SI floats (A, V, s).  The functional model of Leroux
2025 (docs/paper.md §3) is written in µA and pulse fractions: a query
is a pulse width in [0, 1] of T_max, a cell current is in µA, a column
signal S = Σ_d q_d·I_d is in µA × pulse fraction and saturates at
S_sat = 80; a sub-tile output saturates at 40.  :class:`HardwareParameters`
holds those numbers, converted once by :meth:`HardwareParameters.from_chip`;
its defaults are the paper's.
"""

from __future__ import annotations

from dataclasses import dataclass

from archmodel.specs.units import micro

#: C_ij of Leroux 2025, Methods eq. 4, in the paper's order
#: (i=0: j=0..3; i=1: j=0..2; i=2: j=0..1; i=3: j=0) [µA].
PAPER_POLYNOMIAL = (
    0.17393044, 0.15653739, 0.14088365, 0.12679529, 5.51975209,
    4.96777688, 4.4709992, -1.44776001, -1.30298401, 46.05483778,
)


@dataclass(frozen=True)
class HardwareParameters:
    """Numbers of the functional model, in µA, volts and pulse fractions.

    Defaults are Leroux 2025 (docs/paper.md §2-3).
    """

    query_levels: int = 16  # PWM levels of a query pulse in [0, 1] [-]
    storage_levels: int = 8  # DAC levels of a stored K/V value [-]
    output_levels: int = 32  # signed readout levels in [-1, 1] [-]
    storage_min: float = 0.0  # lowest stored voltage [V]
    storage_max: float = 0.9  # highest stored voltage [V]
    rest_voltage: float = 0.45  # zero weight; stored values relax to it [V]
    read_voltage: float = 0.9  # V_in of the read pulse [V]
    linear_slope: float = 19.3  # linear cell model I = g·y [µA/V]
    polynomial: tuple[float, ...] = PAPER_POLYNOMIAL  # C_ij of eq. 4 [µA]
    phi_saturation: float = 80.0  # S_sat of the HardSigmoid [µA × pulse fraction]
    output_saturation: float = 40.0  # clip of a sub-tile output [µA × pulse fraction]
    subtile_width: int = 64  # tokens per sub-tile (K-array columns) [-]
    array_rows: int = 64  # rows of a K array = largest head dimension [-]
    retention_time: float = 5e-3  # τ of the decay toward rest [s]

    @classmethod
    def from_chip(cls, chip) -> HardwareParameters:
        """Convert a :class:`~archmodel.specs.GainCellChip` (SI) to model units (µA)."""
        cell = chip.gain_cell
        return cls(
            query_levels=chip.query_driver.levels,
            storage_levels=cell.levels,
            output_levels=chip.signed_readout.levels,
            storage_min=cell.storage_min,
            storage_max=cell.storage_max,
            rest_voltage=cell.rest_voltage,
            read_voltage=cell.read_voltage,
            linear_slope=cell.read_current.linear_slope / micro,
            polynomial=tuple(c / micro for c in cell.read_current.polynomial),
            phi_saturation=chip.charge_to_pulse.saturation / micro,
            output_saturation=chip.signed_readout.saturation / micro,
            subtile_width=chip.array.columns,
            array_rows=chip.array.rows,
            retention_time=cell.retention_time,
        )

    @property
    def input_ranges(self) -> dict[str, tuple[float, float]]:
        """Clamp range of each scaled input: q onto pulse fractions [0, 1], k and v onto stored voltages [V]."""
        storage = (self.storage_min, self.storage_max)
        return {"q": (0.0, 1.0), "k": storage, "v": storage}

    @property
    def cubic_coefficients(self) -> tuple[float, float, float, float]:
        """c_i = Σ_j C_ij·V_in^j, so that I(y) = Σ_i c_i·y^i [µA/V^i].

        For the paper's values: 0.5214, 13.612, -2.6204, 46.055
        (docs/paper.md §3, "collapsed").
        """
        coefficients = [0.0, 0.0, 0.0, 0.0]
        index = 0
        for power in range(4):
            for read_power in range(4 - power):
                coefficients[power] += self.polynomial[index] * self.read_voltage**read_power
                index += 1
        return tuple(coefficients)

    @property
    def linear_coefficients(self) -> tuple[float, float]:
        """I(y) = 0 + g·y of the linear (intermediate) model [µA, µA/V]."""
        return (0.0, self.linear_slope)

    def decay_per_step(self, time_per_token: float) -> float:
        """Leakage per token step λ = Δt / τ [-], Δt the time per generated token [s].

        The paper's λ = 1.6e-4 is 0.78 µs per token (12 layers × 65 ns) over
        τ = 5 ms (docs/paper.md §3).
        """
        return time_per_token / self.retention_time
