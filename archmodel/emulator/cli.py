"""The ``archmodel emulate`` command as a plain function (the CLI parses and prints).

``run_emulate`` runs the chosen mode on the inputs (an npz file, or
realistic random q, k, v), compares it with the ideal reference
(``softmax_window``, window M) and with the linear hardware model
(``gaincell_linear``, same options), writes ``y`` to ``out`` atomically,
and returns a JSON-ready dict of metrics (keys in :data:`METRIC_KEYS`).

Scalers missing from ``in.npz`` (all of them for random inputs) are
calibrated: q, k, v scalers map mean ± 3σ of each head onto the clamp
range; output scalers are the per-head least-squares fit of each hardware
model's output to the ideal reference — the best an affine digital
read-out can do, so the errors measure shape, not scale.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from archmodel.emulator.api import emulate
from archmodel.files import write_npz
from archmodel.emulator.inputs import load_inputs, random_inputs
from archmodel.emulator.metrics import mean_cosine_similarity, relative_l2_error
from archmodel.emulator.scalers import Scalers, fit_output_pair, range_matched_pair
from archmodel.emulator.settings import DEFAULT_WINDOW, hardware_of, resolve
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
#: Shape of the random inputs when none is given (GPT-2 124M, one sequence).
DEFAULT_BATCH, DEFAULT_HEADS, DEFAULT_TOKENS = 1, 12, 1024


def run_emulate(chip_path, mode, inputs=None, out=None, window=None, decay_per_step=None, q_levels=None,
                kv_levels=None, out_levels=None, no_quantization=False, tokens=None, heads=None, batch=None,
                seed=None, as_json=False, *, path="prefill", time_per_token=None) -> dict:
    """Emulate one attention layer on a chip and return fidelity metrics (see module docstring).

    ``as_json`` is accepted for the command's sake: the dict is JSON-ready
    either way, and printing it is the caller's job.
    """
    hardware = hardware_of(chip_path)
    resolve(mode, tokens=1, path=path, window=window)  # fail fast on mode, path and window
    if out is not None and not Path(out).resolve().parent.is_dir():
        raise UsageError(f"{out}: cannot write the output, its folder does not exist")
    (q, k, v), given = _inputs(inputs, tokens, heads, batch, seed, hardware.array_rows)
    options = dict(window=window, decay_per_step=decay_per_step, time_per_token=time_per_token, q_levels=q_levels,
                   kv_levels=kv_levels, out_levels=out_levels, quantize=not no_quantization, chip=hardware,
                   path=path)
    scalers, calibrated = _input_scalers(q, k, v, given, hardware)
    ideal = emulate(q, k, v, mode="softmax_window", window=window or DEFAULT_WINDOW, path=path,
                    statistics=False).output
    run = emulate(q, k, v, mode=mode, scalers=scalers, **_mode_options(mode, options))
    linear = emulate(q, k, v, mode="gaincell_linear", scalers=scalers, **options, statistics=False)
    y = _read_out(run, ideal, "out" in calibrated)
    y_linear = _read_out(linear, ideal, "out" in calibrated)
    if out is not None:
        write_npz(out, y=y)
    return _metrics(run, y, ideal, y_linear, calibrated, out)


def _inputs(inputs, tokens, heads, batch, seed, head_dim):
    if inputs is None:
        shape = (batch or DEFAULT_BATCH, heads or DEFAULT_HEADS, tokens or DEFAULT_TOKENS)
        return random_inputs(*shape, head_dim, 0 if seed is None else seed), {}
    named = [flag for flag, value in (("tokens", tokens), ("heads", heads), ("batch", batch)) if value is not None]
    if named:
        raise UsageError(f"{', '.join(named)} only apply to random inputs; the shape comes from {inputs}")
    return load_inputs(inputs)


def _input_scalers(q, k, v, given: dict, hardware) -> tuple[Scalers, list[str]]:
    """Scalers from the npz where given, the rest calibrated; and the names calibrated."""
    heads = q.shape[1]
    ranges = {"q": (q, 0.0, 1.0), "k": (k, hardware.storage_min, hardware.storage_max),
              "v": (v, hardware.storage_min, hardware.storage_max)}
    scalers, calibrated = Scalers.initial(heads, hardware.rest_voltage), []
    for name, (x, low, high) in ranges.items():
        pair = given.get(name)
        if pair is None:
            pair = range_matched_pair(x, low, high)
            calibrated.append(name)
        scalers = scalers.with_pair(name, *pair)
    if "out" in given:
        scalers = scalers.with_pair("out", *given["out"])
    else:
        calibrated.append("out")
    return scalers, calibrated


def _mode_options(mode: str, options: dict) -> dict:
    """The options a mode takes: the ideal modes take no hardware options, ``softmax`` no window."""
    spec = resolve(mode, tokens=1).mode
    if spec.hardware:
        return options
    chosen = {"path": options["path"]}
    if spec.windowed:
        chosen["window"] = options["window"]
    for name in ("decay_per_step", "time_per_token", "q_levels", "kv_levels", "out_levels"):
        if options[name] is not None:
            chosen[name] = options[name]  # rejected by `emulate` with a clear message
    return chosen


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
        "relative_l2_error_vs_ideal": relative_l2_error(y, ideal),
        "mean_cosine_similarity_vs_ideal": mean_cosine_similarity(y, ideal),
        "relative_l2_error_vs_linear": relative_l2_error(y, y_linear),
        "mean_cosine_similarity_vs_linear": mean_cosine_similarity(y, y_linear),
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
    return {key: values[key] for key in METRIC_KEYS}
