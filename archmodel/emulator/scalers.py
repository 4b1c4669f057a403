"""Per-head input and output scalers (a, b) of the gain-cell modes.

Each head h maps its inputs with ``a[h]·x + b[h]`` before clamping
(``q`` onto pulse fractions [0, 1], ``k`` and ``v`` onto stored voltages
[V]) and its summed sub-tile outputs with ``y = a_out[h]·z + b_out[h]``.
The paper starts from a_q = 1, b_q = 0; a_k = a_v = 1, b_k = b_v = 0.45 V
(the rest voltage); a_out = 1, b_out = 0 (docs/paper.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from archmodel.emulator.parameters import HardwareParameters
from archmodel.specs.errors import UsageError

#: The four scaled quantities, in the order the paper lists them.
SCALER_NAMES = ("q", "k", "v", "out")


@dataclass(frozen=True)
class Scalers:
    """Per-head scale ``a_*`` [-] and offset ``b_*`` (unit of the target range), shape (H,)."""

    a_q: np.ndarray
    b_q: np.ndarray
    a_k: np.ndarray
    b_k: np.ndarray
    a_v: np.ndarray
    b_v: np.ndarray
    a_out: np.ndarray
    b_out: np.ndarray

    def __post_init__(self):
        heads = np.shape(self.a_q)
        for field in fields(self):
            value = np.asarray(getattr(self, field.name), dtype=np.float32)
            if value.ndim != 1 or value.shape != heads:
                raise UsageError(
                    f"scaler {field.name} must have shape (H,) like a_q {heads}, got {value.shape}"
                )
            if not np.all(np.isfinite(value)):
                raise UsageError(f"scaler {field.name} contains NaN or infinite values")
            object.__setattr__(self, field.name, value)

    @classmethod
    def initial(cls, heads: int, rest_voltage: float = HardwareParameters.rest_voltage) -> Scalers:
        """The paper's starting scalers for ``heads`` heads; b_k = b_v = rest voltage [V]."""
        ones, zeros = np.ones(heads), np.zeros(heads)
        rest = np.full(heads, rest_voltage)
        return cls(ones, zeros, ones, rest, ones, rest, ones, zeros)

    @classmethod
    def from_mapping(cls, values: dict[str, np.ndarray]) -> Scalers:
        """Build from keys ``a_q, b_q, ..., a_out, b_out`` (e.g. arrays of an npz file)."""
        missing = [f.name for f in fields(cls) if f.name not in values]
        if missing:
            raise UsageError(f"scalers missing: {', '.join(missing)}")
        return cls(**{f.name: values[f.name] for f in fields(cls)})

    @property
    def heads(self) -> int:
        """Number of heads H [-]."""
        return self.a_q.shape[0]

    def pair(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(a, b) of ``name`` in :data:`SCALER_NAMES`, each shape (H,)."""
        return getattr(self, f"a_{name}"), getattr(self, f"b_{name}")

    def with_pair(self, name: str, a: np.ndarray, b: np.ndarray) -> Scalers:
        """A copy with (a, b) of ``name`` replaced."""
        return replace(self, **{f"a_{name}": a, f"b_{name}": b})

    def as_dict(self) -> dict[str, np.ndarray]:
        """``{"a_q": ..., ..., "b_out": ...}``, arrays of shape (H,)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def range_matched_pair(x: np.ndarray, low: float, high: float, spread: float = 3.0):
    """(a, b) per head mapping mean ± ``spread``·std of ``x`` (B, H, T, d) onto [low, high].

    A simple calibration for inputs with no trained scalers: few values
    clip, and the grid of the target range is used in full.
    """
    mean = x.mean(axis=(0, 2, 3), dtype=np.float64)  # (H,)
    std = x.std(axis=(0, 2, 3), dtype=np.float64)  # (H,)
    half_range = (high - low) / 2
    a = np.divide(half_range, spread * std, out=np.ones_like(std), where=std > 0)
    b = (low + high) / 2 - a * mean
    return a, b


def range_matched_scalers(q: np.ndarray, k: np.ndarray, v: np.ndarray,
                          hardware: HardwareParameters = HardwareParameters()) -> Scalers:
    """Scalers mapping mean ± 3σ of each head of q, k, v (B, H, T, d) onto the clamp ranges of ``hardware``
    (:attr:`HardwareParameters.input_ranges`, :func:`range_matched_pair`); a_out = 1, b_out = 0."""
    scalers = Scalers.initial(q.shape[1], hardware.rest_voltage)
    for name, x in (("q", q), ("k", k), ("v", v)):
        scalers = scalers.with_pair(name, *range_matched_pair(x, *hardware.input_ranges[name]))
    return scalers


def fit_output_pair(z: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares (a_out, b_out) per head so that a·z + b best matches ``reference``.

    ``z`` and ``reference`` have shape (B, H, T, d); the fit is over
    (B, T, d) for each head: the best an affine digital read-out can do.
    """
    z = z.astype(np.float64)
    reference = reference.astype(np.float64)
    z_mean = z.mean(axis=(0, 2, 3), keepdims=True)  # (1, H, 1, 1)
    r_mean = reference.mean(axis=(0, 2, 3), keepdims=True)
    covariance = ((z - z_mean) * (reference - r_mean)).mean(axis=(0, 2, 3))  # (H,)
    variance = ((z - z_mean) ** 2).mean(axis=(0, 2, 3))  # (H,)
    a = np.divide(covariance, variance, out=np.ones_like(variance), where=variance > 0)
    b = r_mean.reshape(-1) - a * z_mean.reshape(-1)
    return a, b
