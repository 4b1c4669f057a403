"""Resolve and validate the options of one emulation.

Precedence: an explicit keyword argument, else the chip (levels, S_sat,
current model, τ), else the paper's defaults.  Quantisation levels that are
``None`` mean no quantisation; ``quantize=False`` ignores the chip's levels
(explicit levels still apply).  Every mistake a user can make raises
:class:`~archmodel.specs.errors.UsageError` with a one-line message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from archmodel.emulator.modes import MODES, Mode
from archmodel.emulator.parameters import HardwareParameters
from archmodel.specs.errors import UsageError
from archmodel.specs.loading import load_chip

#: Window M when neither the caller nor the workload gives one (GPT-2) [tokens].
DEFAULT_WINDOW = 1024
PATHS = ("prefill", "decode")
#: Sub-tile grouping: the hardware's ring slots, or absolute positions as the authors' training code.
GROUPINGS = ("ring", "absolute")
#: Type of the decay factor on the QK side: float32 (hardware, default) or bfloat16 (training code).
QK_DECAY_DTYPES = ("float32", "bfloat16")


@dataclass(frozen=True)
class Settings:
    """Everything one run needs besides the inputs and the scalers."""

    mode: Mode
    path: str
    window: int  # M [tokens]; T for ``softmax``
    decay_per_step: float  # λ [-]
    q_levels: int | None
    kv_levels: int | None
    out_levels: int | None
    noise: float | None  # read-noise std relative to full scale [-]
    seed: int
    hardware: HardwareParameters
    grouping: str = "ring"  # one of GROUPINGS
    qk_decay_dtype: str = "float32"  # one of QK_DECAY_DTYPES


def hardware_of(chip) -> HardwareParameters:
    """:class:`HardwareParameters` of a chip spec, a chip JSON path, or the paper (``None``)."""
    if chip is None:
        return HardwareParameters()
    if isinstance(chip, HardwareParameters):
        return chip
    if isinstance(chip, (str, Path)):
        chip = load_chip(chip)
    if getattr(chip, "kind", None) != "gaincell_attention":
        raise UsageError(f"the emulator needs a gaincell_attention chip, got {getattr(chip, 'kind', type(chip).__name__)!r}")
    return HardwareParameters.from_chip(chip)


def resolve(mode: str, *, tokens: int, path="prefill", window=None, decay_per_step=None, time_per_token=None,
            q_levels=None, kv_levels=None, out_levels=None, quantize=True, chip=None, noise=None,
            seed=None, grouping=None, qk_decay_dtype=None) -> Settings:
    """Check every option and fill in the chip's or the paper's values."""
    spec = MODES.get(mode) if isinstance(mode, str) else None
    if spec is None:
        raise UsageError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    if path not in PATHS:
        raise UsageError(f"unknown path {path!r}; expected 'prefill' or 'decode'")
    hardware = hardware_of(chip)
    _reject_unused(spec, window, decay_per_step, time_per_token, q_levels, kv_levels, out_levels, noise)
    semantics = _semantics(spec, path, grouping, qk_decay_dtype, noise)
    levels = _levels(spec, hardware, quantize and chip is not None, q_levels, kv_levels, out_levels)
    return Settings(
        mode=spec,
        path=path,
        window=_window(spec, window, tokens),
        decay_per_step=_decay(hardware, decay_per_step, time_per_token),
        q_levels=levels[0],
        kv_levels=levels[1],
        out_levels=levels[2],
        noise=_non_negative("noise", noise) if noise else None,
        seed=_seed(seed),
        hardware=hardware,
        **semantics,
    )


def _semantics(spec: Mode, path: str, grouping, qk_decay_dtype, noise) -> dict[str, str]:
    """The training-code options (prefill of a gain-cell mode only); ``None`` means the default."""
    chosen = {"grouping": grouping, "qk_decay_dtype": qk_decay_dtype}
    for name, allowed in (("grouping", GROUPINGS), ("qk_decay_dtype", QK_DECAY_DTYPES)):
        if chosen[name] is not None and chosen[name] not in allowed:
            raise UsageError(f"{name} must be one of {', '.join(allowed)}, got {chosen[name]!r}")
    changed = [name for name, value in chosen.items() if value not in (None, "ring", "float32")]
    if changed and not spec.hardware:
        raise UsageError(f"mode {spec.name!r} is ideal: {', '.join(changed)} only apply to gain-cell modes")
    if changed and path != "prefill":
        raise UsageError(f"{', '.join(changed)}: the training code's semantics exist for the prefill path only")
    if chosen["grouping"] == "absolute" and noise:
        raise UsageError("read noise is drawn per physical sub-tile; it needs grouping 'ring'")
    return {"grouping": grouping or "ring", "qk_decay_dtype": qk_decay_dtype or "float32"}


def _reject_unused(spec, window, decay, time_per_token, q_levels, kv_levels, out_levels, noise):
    if window is not None and not spec.windowed:
        raise UsageError(f"mode {spec.name!r} attends to every previous token and takes no window; use 'softmax_window'")
    if spec.hardware:
        return
    given = {"decay_per_step": decay, "time_per_token": time_per_token, "q_levels": q_levels,
             "kv_levels": kv_levels, "out_levels": out_levels, "noise": noise}
    named = [name for name, value in given.items() if value is not None]
    if named:
        raise UsageError(f"mode {spec.name!r} is ideal: {', '.join(named)} only apply to gain-cell modes")


def _window(spec: Mode, window, tokens: int) -> int:
    if not spec.windowed:
        return tokens
    if window is None:
        return DEFAULT_WINDOW
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window <= 0:
        raise UsageError(f"window must be a positive integer number of tokens, got {window!r}")
    return int(window)


def _levels(spec, hardware, chip_levels: bool, q_levels, kv_levels, out_levels):
    """(q, kv, out) levels: explicit ones, else the chip's when ``chip_levels``, else None."""
    explicit = [_level(name, value) for name, value in
                (("q_levels", q_levels), ("kv_levels", kv_levels), ("out_levels", out_levels))]
    if not spec.hardware:
        return (None, None, None)
    chip = (hardware.query_levels, hardware.storage_levels, hardware.output_levels) if chip_levels else (None,) * 3
    return tuple(given if given is not None else default for given, default in zip(explicit, chip))


def _level(name: str, value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
        raise UsageError(f"{name} must be an integer ≥ 2 (None: no quantisation), got {value!r}")
    return int(value)


def _decay(hardware: HardwareParameters, decay_per_step, time_per_token) -> float:
    if decay_per_step is not None and time_per_token is not None:
        raise UsageError("give decay_per_step or time_per_token, not both")
    if decay_per_step is not None:
        return _non_negative("decay_per_step", decay_per_step)
    if time_per_token is not None:
        return hardware.decay_per_step(_non_negative("time_per_token", time_per_token))
    return 0.0


def _non_negative(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise UsageError(f"{name} must be a number ≥ 0, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise UsageError(f"{name} must be a finite number ≥ 0, got {value!r}")
    return float(value)


def _seed(seed) -> int:
    if seed is None:
        return 0
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UsageError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def validate_inputs(q, k, v) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check q, k, v (B, H, T, d): 4-D, same shape, non-empty, real, finite; return float32 copies."""
    arrays = []
    for name, x in (("q", q), ("k", k), ("v", v)):
        x = np.asarray(x)
        if x.ndim != 4:
            raise UsageError(f"{name} must be a 4-D array (B, H, T, d), got shape {x.shape}")
        if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
            raise UsageError(f"{name} must hold real numbers, got dtype {x.dtype}")
        if x.size == 0:
            raise UsageError(f"{name} is empty (shape {x.shape})")
        x = x.astype(np.float32)
        bad = x.size - int(np.count_nonzero(np.isfinite(x)))
        if bad:
            raise UsageError(f"{name} contains NaN or infinite values ({bad} of {x.size})")
        arrays.append(x)
    shapes = [x.shape for x in arrays]
    if len(set(shapes)) != 1:
        raise UsageError(f"q, k and v must have the same shape (B, H, T, d), got q {shapes[0]}, k {shapes[1]}, v {shapes[2]}")
    return tuple(arrays)
