"""How stored values and leakage enter the matmuls of the analog kernel.

The cell current with leakage is ``I(D·y) = Σ_p c_p·D^p·y^p`` (docs/paper.md
§3: y^p is multiplied by D^p).  Because ``D_ij = exp(-λ·(i - j))`` factors
as ``exp(-λ·(i - r))·exp(λ·(j - r))`` for any reference step r,

    Σ_d q_id·I(D_ij·y_jd) = Σ_p [e^{-pλ(i-r)}·q_i] · [c_p·e^{pλ(j-r)}·y_j^p] + c_0·Σ_d q_id

is a single matmul of *encoded* queries (B, H, Tq, K) and keys (B, H, K, L)
with K = P·d (+1 for c_0): blocks of d columns, one per power p, and a
constant column.  The value side is the same with the roles reversed:
``g_i = Σ_p e^{-pλ(i-r)}·Σ_j φ_ij·c_p·e^{pλ(j-r)}·y_j^p + c_0·Σ_j φ_ij``.
Without leakage (λ = 0) the powers collapse into one block, the current
I(y) itself: one d-column matmul on each side.  The reference r is the
first query of a prefill tile (tiles short enough that P·λ·Tq ≤ 300), or in
decode a step moved forward before any factor would pass e^300.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from archmodel.emulator.modes import AnalogModel
from archmodel.emulator.settings import Settings

#: Largest exponent P·λ·Δ of a leakage factor (e^300 ≈ 1e130, far from overflow).
EXPONENT_LIMIT = 300.0


@dataclass(frozen=True)
class CellEncoding:
    """Blocks of the encoded operands for one model, one leakage λ and one head dimension d."""

    model: AnalogModel
    decay_per_step: float  # λ [-]
    head_dim: int  # d [-]

    @classmethod
    def for_settings(cls, settings: Settings, head_dim: int) -> CellEncoding:
        """The encoding of a run's mode, chip, output levels and λ (analog kernel only)."""
        model = settings.mode.analog_model(settings.hardware, head_dim, settings.out_levels)
        return cls(model, settings.decay_per_step, head_dim)

    @property
    def collapsed(self) -> bool:
        """No leakage: one block holding I(y), constant term included."""
        return self.decay_per_step == 0.0

    @property
    def exponents(self) -> tuple[int, ...]:
        """Power of D carried by each block of d columns."""
        return (0,) if self.collapsed else tuple(range(1, self.model.order + 1))

    @property
    def constant(self) -> bool:
        """An extra column carries c_0 (expanded form with c_0 ≠ 0)."""
        return not self.collapsed and self.model.score_coefficients[0] != 0.0

    @property
    def width(self) -> int:
        """K = blocks·d (+1) [-]."""
        return len(self.exponents) * self.head_dim + int(self.constant)

    @property
    def max_span(self) -> float:
        """Most steps Δ between a factor's reference and its step with P·λ·Δ ≤ EXPONENT_LIMIT [steps]; inf if λ = 0."""
        if self.collapsed:
            return math.inf
        return EXPONENT_LIMIT / (max(self.exponents) * self.decay_per_step)

    def encode(self, stored: np.ndarray, coefficients: tuple[float, ...]) -> np.ndarray:
        """(…, N, d) stored values → (…, N, K) float64 blocks ``c_p·y^p`` (or I(y)), y = stored - rest."""
        deviation = stored.astype(np.float64) - self.model.rest
        if self.collapsed:
            current = np.full_like(deviation, coefficients[-1])
            for coefficient in coefficients[-2::-1]:  # Horner: ((c_3·y + c_2)·y + c_1)·y + c_0
                current *= deviation
                current += coefficient
            return current
        blocks, power = [], deviation
        for coefficient in coefficients[1:]:
            blocks.append(coefficient * power)
            power = power * deviation
        if self.constant:
            blocks.append(np.full(deviation.shape[:-1] + (1,), coefficients[0]))
        return np.concatenate(blocks, axis=-1)

    def key_factors(self, ages: np.ndarray) -> np.ndarray | None:
        """(L,) ages r - j [steps] → (K, L) factors e^{-pλ·age} per encoded row; None if λ = 0."""
        if self.collapsed:
            return None
        rows = [np.exp(-p * self.decay_per_step * ages)[None, :].repeat(self.head_dim, axis=0) for p in self.exponents]
        if self.constant:
            rows.append(np.ones((1, ages.size)))
        return np.concatenate(rows, axis=0)

    def query_factors(self, steps: np.ndarray) -> np.ndarray | None:
        """(Tq,) steps i - r → (Tq, blocks) factors e^{-pλ·(i - r)}; None if λ = 0."""
        if self.collapsed:
            return None
        return np.exp(-np.outer(steps, self.exponents) * self.decay_per_step)

    def encode_queries(self, q: np.ndarray, factors: np.ndarray | None) -> np.ndarray:
        """(B, H, Tq, d) pulses → (B, H, Tq, K): ``[q·f_1 | q·f_2 | … | Σ_d q]``."""
        if factors is None:
            return q
        blocks = [q * factors[:, p, None] for p in range(factors.shape[1])]
        if self.constant:
            blocks.append(q.sum(axis=-1, keepdims=True))
        return np.concatenate(blocks, axis=-1)

    def combine(self, out: np.ndarray, factors: np.ndarray | None) -> np.ndarray:
        """(B, H, n, Tq, K) per-block sums → (B, H, n, Tq, d): Σ_p f_p(i)·block_p + constant column."""
        if factors is None:
            return out
        blocks = out[..., :factors.shape[1] * self.head_dim].reshape(*out.shape[:-1], factors.shape[1], self.head_dim)
        total = np.einsum("bhntpd,tp->bhntd", blocks, factors)  # (B, H, n, Tq, d)
        if self.constant:
            total += out[..., -1:]
        return total
