"""The emulator's entry points: :func:`attention` (outputs) and :func:`emulate` (outputs and statistics)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archmodel.emulator.decode import decode
from archmodel.emulator.geometry import RingGeometry
from archmodel.emulator.prefill import prefill
from archmodel.emulator.scalers import Scalers
from archmodel.emulator.settings import Settings, resolve, validate_inputs
from archmodel.emulator.statistics import RunStatistics, Tally
from archmodel.specs.errors import UsageError


@dataclass(frozen=True)
class Emulation:
    """Result of :func:`emulate`: outputs (B, H, T, d) float32, statistics, resolved settings."""

    output: np.ndarray
    statistics: RunStatistics | None
    settings: Settings
    scalers: Scalers


def emulate(q, k, v, *, mode: str, window=None, decay_per_step=None, time_per_token=None, q_levels=None,
            kv_levels=None, out_levels=None, quantize: bool = True, scalers: Scalers | None = None, chip=None,
            noise=None, seed=None, path: str = "prefill", statistics: bool = True, grouping=None,
            qk_decay_dtype=None) -> Emulation:
    """Run one attention layer and collect its statistics; arguments as :func:`attention`.

    ``statistics=False`` skips the bookkeeping (faster); ``Emulation.statistics`` is then ``None``.
    """
    q, k, v = validate_inputs(q, k, v)
    batch, heads, tokens, _ = q.shape
    settings = resolve(
        mode, tokens=tokens, path=path, window=window, decay_per_step=decay_per_step,
        time_per_token=time_per_token, q_levels=q_levels, kv_levels=kv_levels, out_levels=out_levels,
        quantize=quantize, chip=chip, noise=noise, seed=seed, grouping=grouping, qk_decay_dtype=qk_decay_dtype,
    )
    scalers = _scalers(scalers, heads, settings)
    tally = None
    if statistics:
        tally = Tally(heads, RingGeometry(settings.window, settings.hardware.subtile_width, tokens).subtile_widths)
    run = prefill if settings.path == "prefill" else decode
    output = run(q, k, v, settings, scalers, tally)
    return Emulation(output, tally.result() if tally else None, settings, scalers)


def attention(q, k, v, *, mode: str, window=None, decay_per_step=None, time_per_token=None, q_levels=None,
              kv_levels=None, out_levels=None, quantize: bool = True, scalers: Scalers | None = None, chip=None,
              noise=None, seed=None, path: str = "prefill", grouping=None, qk_decay_dtype=None) -> np.ndarray:
    """Attention outputs y (B, H, T, d) float32 of one layer in the chosen ``mode``.

    Parameters
    ----------
    q, k, v : array (B, H, T, d)
        Inputs before the per-head scalers (float32 or convertible).
    mode : str
        ``softmax``, ``softmax_window``, ``hardsigmoid``, ``gaincell_linear`` or ``gaincell_cubic``.
    window : int, optional
        Sliding window M [tokens]; default 1024.  Not for ``softmax``.
    decay_per_step : float, optional
        Leakage per token step λ [-]; or give ``time_per_token`` [s] for
        λ = time_per_token / τ (τ from the chip).  Default: no leakage.
    q_levels, kv_levels, out_levels : int, optional
        Quantisation levels of queries, stored K/V and sub-tile outputs;
        ``None``: the chip's when a chip is given, else no quantisation.
    quantize : bool
        ``False`` ignores the chip's levels (explicit levels still apply).
    scalers : Scalers, optional
        Per-head (a, b) of q, k, v and output; default the paper's start values.
    chip : GainCellChip, path or HardwareParameters, optional
        Source of levels, saturations, cell current model and τ; default the paper's.
    noise : float, optional
        Read-noise standard deviation relative to full scale [-]; ``seed`` makes it reproducible.
    path : str
        ``prefill`` (all queries, tiled) or ``decode`` (token by token through a ring buffer).
    grouping : str, optional
        ``ring`` (default, the hardware: sub-tiles by ring slot) or ``absolute``
        (the authors' training code: tile n = tokens [nW, nW + W)); prefill only.
    qk_decay_dtype : str, optional
        ``float32`` (default) or ``bfloat16``: the training code rounds the decay
        D (and D², D³ of the cubic model, each again) to bfloat16 on the QK side
        only; prefill only.
    """
    return emulate(
        q, k, v, mode=mode, window=window, decay_per_step=decay_per_step, time_per_token=time_per_token,
        q_levels=q_levels, kv_levels=kv_levels, out_levels=out_levels, quantize=quantize, scalers=scalers,
        chip=chip, noise=noise, seed=seed, path=path, statistics=False, grouping=grouping,
        qk_decay_dtype=qk_decay_dtype,
    ).output


def _scalers(scalers: Scalers | None, heads: int, settings: Settings) -> Scalers:
    if scalers is None:
        return Scalers.initial(heads, settings.hardware.rest_voltage)
    if not isinstance(scalers, Scalers):
        raise UsageError(f"scalers must be an archmodel.emulator.Scalers, got {type(scalers).__name__}")
    if scalers.heads != heads:
        raise UsageError(f"scalers are for {scalers.heads} heads, the inputs have {heads}")
    return scalers
