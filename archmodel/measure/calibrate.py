"""Recompute the ``parameters`` of every calibration in a file and write them back.

``archmodel calibrate --chip GPU.json --write`` runs :func:`recalibrate` and
:func:`archmodel.files.write_json`; the shipped calibration files were produced this
way, and tests recompute them.  A predicted calibration reads the stored
parameters of its source, so measured GPUs are recalibrated first; its
``kernels_per_op`` is written too (the source's), so it is never typed.
"""

from __future__ import annotations

from pathlib import Path

from archmodel.graph.ops import check_op_kinds
from archmodel.measure.fit import PARAMETER_RULES, transfer_source
from archmodel.specs.errors import ArchmodelError
from archmodel.specs.gpu import GPU, Calibration, Parameters, calibration_path, dynamic_power_bound, validate_calibration_file
from archmodel.specs.loading import read_json
from archmodel.specs.units import micro

#: significant digits of stored parameters [-]
DIGITS = 6


def _transfer_text(calibration: Calibration) -> str:
    return f"transfer_calibration from {calibration.transfer.gpu_spec} '{calibration.transfer.calibration}'"


def derivations(calibration: Calibration) -> dict[str, str]:
    """How each parameter of ``calibration`` was obtained (stored beside it)."""
    if calibration.status == "measured":
        count = len(calibration.measurements)
        fit = f"fit_calibration: least squares over {count} measurement(s) of T = K*t0 + Q/(eta*B_peak) + C"
        overhead = "assumed.kernel_overhead" if calibration.assumed.kernel_overhead is not None else fit
        return {"bandwidth_fraction": fit, "compute_fraction": "assumed.compute_fraction", "kernel_overhead": overhead,
                "processor_power": "fit_calibration: least squares of E = 8*e_bit*Q + P*T over the measurements with energy"}
    if calibration.status == "predicted":
        origin = _transfer_text(calibration)
        return {"bandwidth_fraction": origin, "compute_fraction": origin, "kernel_overhead": origin,
                "processor_power": origin + ": P_source x (P_board - P_idle) / (P_board - P_idle)_source"}
    return {"bandwidth_fraction": "assumed.bandwidth_fraction", "compute_fraction": "assumed.compute_fraction",
            "kernel_overhead": "assumed.kernel_overhead",
            "processor_power": "assumed_parameters: board_power_fraction*P_board - P_idle - 8*e_bit*eta*B_peak"}


def _significant(value: float) -> str:
    return f"{value:.{DIGITS}g}"


def parameters_document(parameters: Parameters, texts: dict[str, str]) -> dict:
    """Parameters as provenance-wrapped JSON, rounded to :data:`DIGITS` digits."""
    values = {
        "bandwidth_fraction": float(_significant(parameters.bandwidth_fraction)),
        "compute_fraction": float(_significant(parameters.compute_fraction)),
        "kernel_overhead": f"{_significant(parameters.kernel_overhead / micro)} us",
        "processor_power": f"{_significant(parameters.processor_power)} W",
    }
    return {name: {"value": value, "derivation": texts[name]} for name, value in values.items()}


def refit_document(gpu: GPU, document: dict, file: str, errors: list[str] | None = None) -> list[dict]:
    """Recompute the ``parameters`` of every calibration of ``document`` (a calibration file's JSON) in place.

    A predicted calibration also gets its source's ``kernels_per_op``.  Returns a summary row per calibration:
    name, status, the parameters [SI] and the dynamic power bound (``dynamic_power`` ≤ ``allowed_power`` [W]).
    When ``errors`` is a list, a calibration that cannot be fitted keeps no parameters and its error is
    appended there; otherwise the error is raised.
    """
    validated = validate_calibration_file(document, file, gpu)
    rows = []
    for index, calibration in enumerate(validated.calibrations):
        where = f"$.calibrations[{index}]"
        entry = document["calibrations"][index]
        try:
            if calibration.kernels_per_op is not None:
                check_op_kinds(calibration.kernels_per_op, file, f"{where}.kernels_per_op")
            parameters = PARAMETER_RULES[calibration.status](gpu, calibration, file, where)
            if calibration.status == "predicted":
                _, source = transfer_source(calibration, file)
                entry["kernels_per_op"] = {"value": dict(source.kernels_per_op), "derivation":
                                           f"{_transfer_text(calibration)}: the source's kernels_per_op (same implementation; reasons stated there)"}
        except ArchmodelError as error:
            if errors is None:
                raise
            errors.append(str(error))
            continue
        entry["parameters"] = parameters_document(parameters, derivations(calibration))
        dynamic, allowed = dynamic_power_bound(gpu, parameters)
        rows.append({"name": calibration.name, "status": calibration.status, **parameters.model_dump(),
                     "dynamic_power": dynamic, "allowed_power": allowed})
    return rows


def recalibrate(gpu: GPU, path: str | Path | None = None) -> tuple[dict, list[dict]]:
    """The calibration file of ``gpu`` (or ``path``) with recomputed parameters, and a summary row each
    (see :func:`refit_document`)."""
    path = Path(path) if path is not None else calibration_path(gpu)
    document = read_json(path)
    return document, refit_document(gpu, document, str(path))
