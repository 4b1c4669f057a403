"""The ``archmodel emulate`` command as a plain function (the CLI parses and prints).

``run_emulate`` checks every option, runs the chosen mode on the inputs
(an npz file, or realistic random q, k, v), compares it with the ideal
reference (``softmax_window``, window M) and with the linear hardware model
(``gaincell_linear``, same options), writes ``y`` to ``out`` atomically and,
with ``chip_out``, a chip variant holding the measured activity
(:mod:`archmodel.emulator.export`), and returns a JSON-ready dict of metrics
(keys in :data:`METRIC_KEYS`, then ``chip_out`` when one was written).

Scalers missing from ``in.npz`` (all of them for random inputs) are
calibrated: q, k, v scalers map mean ± 3σ of each head onto the clamp
range; output scalers are the per-head least-squares fit of each hardware
model's output to the ideal reference — the best an affine digital
read-out can do, so the errors measure shape, not scale.
"""

from __future__ import annotations

import numpy as np

from archmodel.emulator.api import emulate
from archmodel.emulator.export import require_activity, write_activity_chip
from archmodel.emulator.inputs import check_memory, load_inputs, random_inputs
from archmodel.emulator.metrics import fidelity
from archmodel.emulator.scalers import SCALER_NAMES, Scalers, fit_output_pair, range_matched_scalers
from archmodel.emulator.settings import hardware_of, resolve
from archmodel.files import require_folder, write_npz
from archmodel.specs import load_chip
from archmodel.specs.plausibility import warn_once
from archmodel.specs.errors import UsageError

#: Keys of the dict :func:`run_emulate` returns, in order.
METRIC_KEYS = (
    "mode", "path", "batch", "heads", "tokens", "head_dim", "window", "decay_per_step",
    "q_levels", "kv_levels", "out_levels", "calibrated_scalers",
    "relative_l2_error_vs_ideal", "mean_cosine_similarity_vs_ideal",
    "relative_l2_error_vs_linear", "mean_cosine_similarity_vs_linear",
    "clipped_fraction_q", "clipped_fraction_k", "clipped_fraction_v",
    "phi_zero_fraction", "phi_saturated_fraction", "subtile_saturated_fraction",
    "query_pulse_fraction", "phi_pulse_fraction", "subtile_live_fraction", "out",
)
#: Largest leakage per token step λ = Δt/τ the command accepts: at λ = 1 a stored value keeps e^-1 of
#: itself from one token to the next and the attention output fades to nothing, so the per-head output
#: fit has nothing to fit; the paper's λ is 1.6e-4 (0.78 µs per token over τ = 5 ms) [-]
MAX_DECAY_PER_STEP = 1.0
#: Shape of the random inputs when none is given (GPT-2 124M, one sequence).
DEFAULT_BATCH, DEFAULT_HEADS, DEFAULT_TOKENS = 1, 12, 1024


def run_emulate(chip_path, mode, inputs=None, out=None, window=None, decay_per_step=None, q_levels=None,
                kv_levels=None, out_levels=None, no_quantization=False, tokens=None, heads=None, batch=None,
                seed=None, *, path="prefill", time_per_token=None, chip_out=None, head_dim=None,
                interval_from_system=False, grouping=None, qk_decay_dtype=None) -> dict:
    """Emulate one attention layer on a chip and return fidelity metrics (see module docstring).

    ``interval_from_system``: ``time_per_token`` is a system's modelled token interval, not typed by the user,
    so a decay above one retention time per token is a warning (the retention wall), not a unit slip.
    """
    chip = load_chip(chip_path)
    hardware = hardware_of(chip)
    options = dict(window=window, decay_per_step=decay_per_step, time_per_token=time_per_token, q_levels=q_levels,
                   kv_levels=kv_levels, out_levels=out_levels, quantize=not no_quantization, chip=hardware,
                   path=path, seed=seed, grouping=grouping, qk_decay_dtype=qk_decay_dtype)
    settings = resolve(mode, tokens=1, **options)  # every option checked before any work
    if interval_from_system:
        _warn_retention_wall(settings.decay_per_step, time_per_token)
    else:
        _check_decay(settings.decay_per_step, decay_per_step, time_per_token)
    if chip_out is not None:
        require_activity(settings.mode)
    if out is not None:
        require_folder(out)
    (q, k, v), given = _inputs(inputs, dict(tokens=tokens, heads=heads, batch=batch, head_dim=head_dim),
                               settings.seed, hardware.array_rows)
    scalers, calibrated = _input_scalers(q, k, v, given, hardware)
    run = emulate(q, k, v, mode=mode, scalers=scalers, **options)
    if settings.mode.name == "softmax_window":
        ideal = run.output
    else:
        ideal = emulate(q, k, v, mode="softmax_window", window=window, path=path, statistics=False).output
    if settings.mode.name == "gaincell_linear":
        linear = run
    else:
        linear = emulate(q, k, v, mode="gaincell_linear", scalers=scalers, **options, statistics=False)
    y = _read_out(run, ideal, "out" in calibrated)
    if not np.all(np.isfinite(y)):
        raise UsageError(f"the emulation of mode {settings.mode.name!r} produced non-finite outputs "
                         f"(decay per step {settings.decay_per_step:g}); try a smaller --decay-per-step")
    y_linear = _read_out(linear, ideal, "out" in calibrated)
    if out is not None:
        write_npz(out, y=y)
    metrics = _metrics(run, y, ideal, y_linear, calibrated, out)
    if chip_out is not None:
        described = str(inputs) if inputs is not None else f"random inputs (seed {run.settings.seed})"
        metrics["chip_out"] = str(write_activity_chip(chip, chip_path, chip_out, metrics, described))
    return metrics


def _inputs(inputs, shape: dict, seed: int, array_rows: int):
    """q, k, v and the scaler pairs given: from ``inputs`` (npz), else random of ``shape`` (None: defaults)."""
    if inputs is None:
        head_dim = array_rows if shape["head_dim"] is None else shape["head_dim"]
        if head_dim is not None and not isinstance(head_dim, bool) and isinstance(head_dim, int) and head_dim > array_rows:
            raise UsageError(f"--head-dim: a head of {head_dim} dimensions does not fit the chip's K arrays "
                             f"of {array_rows} rows (array.rows); expected 1 to {array_rows}")
        sizes = (_default(shape["batch"], DEFAULT_BATCH), _default(shape["heads"], DEFAULT_HEADS),
                 _default(shape["tokens"], DEFAULT_TOKENS), head_dim)
        check_memory(*sizes)
        return random_inputs(*sizes[:3], sizes[3], seed), {}
    named = [f"--{flag.replace('_', '-')}" for flag, value in shape.items() if value is not None]
    if named:
        raise UsageError(f"{', '.join(named)} only apply to random inputs; the shape comes from {inputs}")
    return load_inputs(inputs)


def _check_decay(decay: float, decay_per_step, time_per_token) -> None:
    if decay <= MAX_DECAY_PER_STEP:
        return
    if time_per_token is not None:
        raise UsageError(f"--time-per-token: {time_per_token:g} s is {decay:g} retention times τ per token "
                         f"(at most {MAX_DECAY_PER_STEP:g}); a bare number is seconds, did you mean '{time_per_token:g} us'?")
    raise UsageError(f"--decay-per-step must be at most {MAX_DECAY_PER_STEP:g} (stored values would fall to e^-{decay:g} "
                     f"between tokens), got {decay_per_step!r}; the paper's is 1.6e-4")


def _warn_retention_wall(decay: float, time_per_token: float) -> None:
    if decay > MAX_DECAY_PER_STEP:
        warn_once(f"the system's token interval {time_per_token:.4g} s is {decay:.3g} retention times τ: without refresh "
                  f"stored values fall to e^-{decay:.3g} between tokens (the system model prices continuous refresh; "
                  f"the emulator models decay only)")


def _default(value, default: int):
    return default if value is None else value


def _input_scalers(q, k, v, given: dict, hardware) -> tuple[Scalers, list[str]]:
    """Scalers from the npz where given, the rest calibrated (``out`` by :func:`_read_out`); and the names calibrated."""
    scalers = range_matched_scalers(q, k, v, hardware)
    for name, pair in given.items():
        scalers = scalers.with_pair(name, *pair)
    return scalers, [name for name in SCALER_NAMES if name not in given]


def _read_out(run, ideal: np.ndarray, fit: bool) -> np.ndarray:
    """Outputs of a run; a gain-cell run whose output scalers are to be calibrated ran with
    a_out = 1, b_out = 0, so its output is Σ_T A_iT, and gets the least-squares fit to ``ideal``."""
    if not (fit and run.settings.mode.hardware):
        return run.output
    a, b = fit_output_pair(run.output, ideal)
    return (a[None, :, None, None] * run.output + b[None, :, None, None]).astype(np.float32)


def _metrics(run, y, ideal, y_linear, calibrated, out) -> dict:
    settings, statistics = run.settings, run.statistics
    batch, heads, tokens, head_dim = y.shape
    activity = statistics.activity
    clipped = statistics.clipped_fraction
    values = {
        "mode": settings.mode.name, "path": settings.path, "batch": batch, "heads": heads, "tokens": tokens,
        "head_dim": head_dim, "window": settings.window, "decay_per_step": settings.decay_per_step,
        "q_levels": settings.q_levels, "kv_levels": settings.kv_levels, "out_levels": settings.out_levels,
        "calibrated_scalers": calibrated if settings.mode.hardware else [],
        "clipped_fraction_q": clipped.get("q"), "clipped_fraction_k": clipped.get("k"),
        "clipped_fraction_v": clipped.get("v"),
        "phi_zero_fraction": statistics.phi_zero_fraction,
        "phi_saturated_fraction": statistics.phi_saturated_fraction,
        "subtile_saturated_fraction": statistics.subtile_saturated_fraction,
        "query_pulse_fraction": activity.query_pulse_fraction if activity else None,
        "phi_pulse_fraction": activity.phi_pulse_fraction if activity else None,
        "subtile_live_fraction": list(activity.subtile_live_fraction) if activity else None,
        "out": None if out is None else str(out),
    }
    for label, reference in (("ideal", ideal), ("linear", y_linear)):
        values.update({f"{key}_vs_{label}": value for key, value in fidelity(y, reference).items()})
    return {key: values[key] for key in METRIC_KEYS}
