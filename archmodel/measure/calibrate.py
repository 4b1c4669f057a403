"""Recompute the ``parameters`` of every calibration in a file and write them back.

``archmodel calibrate --chip GPU.json --write`` runs :func:`recalibrate` and
:func:`archmodel.files.write_json`; the shipped calibration files were produced this
way, and tests recompute them.  A predicted calibration reads the stored
parameters of its source, so measured GPUs are recalibrated first.
"""

from __future__ import annotations

from pathlib import Path

from archmodel.measure.fit import PARAMETER_RULES
from archmodel.specs.gpu import GPU, Calibration, Parameters, calibration_path, dynamic_power_bound, load_calibration_file
from archmodel.specs.loading import read_json

#: significant digits of stored parameters [-]
DIGITS = 6


def derivations(calibration: Calibration) -> dict[str, str]:
    """How each parameter of ``calibration`` was obtained (stored beside it)."""
    if calibration.status == "measured":
        count = len(calibration.measurements)
        fit = f"fit_calibration: least squares over {count} measurement(s) of T = K*t0 + Q/(eta*B_peak) + C"
        overhead = "assumed.kernel_overhead" if calibration.assumed.kernel_overhead is not None else fit
        return {"bandwidth_fraction": fit, "compute_fraction": "assumed.compute_fraction", "kernel_overhead": overhead,
                "processor_power": "fit_calibration: least squares of E = 8*e_bit*Q + P*T over the measurements with energy"}
    if calibration.status == "predicted":
        origin = f"transfer_calibration from {calibration.transfer.gpu_spec} '{calibration.transfer.calibration}'"
        return {"bandwidth_fraction": origin, "compute_fraction": origin, "kernel_overhead": origin,
                "processor_power": origin + ": P_source x (P_board - P_idle) / (P_board - P_idle)_source"}
    return {"bandwidth_fraction": "assumed.bandwidth_fraction", "compute_fraction": "assumed.compute_fraction",
            "kernel_overhead": "assumed.kernel_overhead",
            "processor_power": "assumed_parameters: board_power_fraction*P_board - P_idle - 8*e_bit*eta*B_peak"}


def parameters_document(parameters: Parameters, texts: dict[str, str]) -> dict:
    """Parameters as provenance-wrapped JSON, rounded to :data:`DIGITS` digits."""
    values = {
        "bandwidth_fraction": f"{parameters.bandwidth_fraction:.{DIGITS}g}",
        "compute_fraction": f"{parameters.compute_fraction:.{DIGITS}g}",
        "kernel_overhead": f"{parameters.kernel_overhead * 1e6:.{DIGITS}g} us",
        "processor_power": f"{parameters.processor_power:.{DIGITS}g} W",
    }
    values = {name: float(value) if " " not in value else value for name, value in values.items()}
    return {name: {"value": value, "derivation": texts[name]} for name, value in values.items()}


def recalibrate(gpu: GPU, path: str | Path | None = None) -> tuple[dict, list[dict]]:
    """The calibration file of ``gpu`` (or ``path``) with recomputed parameters, and a summary row each.

    Rows hold name, status, the parameters [SI] and the dynamic power bound
    (``dynamic_power`` ≤ ``allowed_power`` [W]).
    """
    path = Path(path) if path is not None else calibration_path(gpu)
    validated = load_calibration_file(path, gpu)
    raw = read_json(path)
    rows = []
    for index, calibration in enumerate(validated.calibrations):
        rule = PARAMETER_RULES[calibration.status]
        parameters = rule(gpu, calibration, str(path), f"$.calibrations[{index}]")
        raw["calibrations"][index]["parameters"] = parameters_document(parameters, derivations(calibration))
        dynamic, allowed = dynamic_power_bound(gpu, parameters)
        rows.append({"name": calibration.name, "status": calibration.status, **parameters.model_dump(),
                     "dynamic_power": dynamic, "allowed_power": allowed})
    return raw, rows
