"""The five attention modes, as data: which kernel, which stages apply.

===================  =========  ======  ==========================================
mode                 kernel     window  what it is
===================  =========  ======  ==========================================
``softmax``          softmax    no      ideal causal attention, scale d^-1/2
``softmax_window``   softmax    M       ideal sliding-window attention
``hardsigmoid``      analog     M       φ = clamp(q·k/√d, 0, 1), y = Σ φ·v; no
                                        scalers, quantisation, leakage or clamp
``gaincell_linear``  analog     M       paper's linear model, I = 19.3·y µA
``gaincell_cubic``   analog     M       paper's cubic model (Methods eq. 4)
===================  =========  ======  ==========================================

The analog kernel computes, for query i and live key j (docs/paper.md §3),
``S_ij = Σ_p c_p·D_ij^p·Σ_d q_id·y_jd^p`` (with ``y^0 = 1``, no D on p = 0),
``φ_ij = clamp(S_ij/S_sat, 0, 1)``, per sub-tile
``A_i = clamp(Σ_j φ_ij·Σ_p c_p·D_ij^p·y_jd^p / S_out, -1, 1)``; the current
model is the polynomial ``I(y) = Σ_p c_p·y^p`` [µA], y = stored - rest [V].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal
from collections.abc import Callable

from archmodel.emulator.parameters import HardwareParameters
from archmodel.emulator.quantization import readout_step


@dataclass(frozen=True)
class AnalogModel:
    """One head's charge-domain attention, normalised for the kernel.

    ``score_coefficients[p] = c_p / S_sat`` [1/V^p] so that the column sum
    is already S/S_sat.  ``output_coefficients[p] = c_p / (S_out·step)``
    so that a sub-tile sum comes out in readout steps, step = 2/(levels - 1)
    (1 without output quantisation): clamping g/S_out to [-1, 1] and
    rounding to the step is then ``rint(clip(u, -1/step, 1/step))``.
    """

    score_coefficients: tuple[float, ...]
    output_coefficients: tuple[float, ...]
    rest: float  # subtracted from a stored value to give y [V]
    subtile_clamp: bool  # clamp each sub-tile output to [-1, 1] before the sum
    output_levels: int | None  # quantisation of a clamped sub-tile output

    @property
    def order(self) -> int:
        """Highest power P of y in the current model [-]."""
        return len(self.score_coefficients) - 1

    @property
    def output_step(self) -> float:
        """Readout step 2/(levels - 1) on [-1, 1]; 1.0 without quantisation [-]."""
        return readout_step(self.output_levels)


@dataclass(frozen=True)
class Mode:
    """What a mode computes and which of the hardware stages apply to it."""

    name: str
    kernel: Literal["softmax", "analog"]
    windowed: bool  # attends to the last M tokens (else to all previous ones)
    hardware: bool  # scalers, clamping, quantisation, leakage and noise apply
    current: Callable[[HardwareParameters], tuple[float, ...]] | None = None  # c_p [µA/V^p]

    def analog_model(self, hardware: HardwareParameters, head_dim: int, output_levels: int | None) -> AnalogModel:
        """The normalised :class:`AnalogModel` of this mode (analog kernel only)."""
        if self.current is None:  # hardsigmoid: plain dot product, φ = clamp(q·k/√d, 0, 1)
            return AnalogModel((0.0, 1.0 / math.sqrt(head_dim)), (0.0, 1.0), 0.0, False, None)
        coefficients = self.current(hardware)
        step = readout_step(output_levels)
        return AnalogModel(
            score_coefficients=tuple(c / hardware.phi_saturation for c in coefficients),
            output_coefficients=tuple(c / (hardware.output_saturation * step) for c in coefficients),
            rest=hardware.rest_voltage,
            subtile_clamp=True,
            output_levels=output_levels,
        )


MODES: dict[str, Mode] = {
    "softmax": Mode("softmax", "softmax", windowed=False, hardware=False),
    "softmax_window": Mode("softmax_window", "softmax", windowed=True, hardware=False),
    "hardsigmoid": Mode("hardsigmoid", "analog", windowed=True, hardware=False),
    "gaincell_linear": Mode(
        "gaincell_linear", "analog", windowed=True, hardware=True,
        current=lambda hardware: hardware.linear_coefficients,
    ),
    "gaincell_cubic": Mode(
        "gaincell_cubic", "analog", windowed=True, hardware=True,
        current=lambda hardware: hardware.cubic_coefficients,
    ),
}
