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
from archmodel.specs.gpu import (
    GPU,
    KERNEL_CLASSES,
    Calibration,
    KernelClass,
    Parameters,
    calibration_path,
    dynamic_power_bound,
    validate_calibration_file,
)
from archmodel.specs.loading import read_json
from archmodel.specs.units import micro, pico

#: significant digits of stored parameters [-]
DIGITS = 6


def _transfer_text(calibration: Calibration) -> str:
    return f"transfer_calibration from {calibration.transfer.gpu_spec} '{calibration.transfer.calibration}'"


def derivations(calibration: Calibration) -> dict[str, str]:
    """How each parameter of ``calibration`` was obtained (stored beside it), keyed by parameter name
    (``kernel_classes.<class>.<field>`` for the per-class ones)."""
    if calibration.status == "predicted":
        origin = _transfer_text(calibration)
        texts = dict.fromkeys(_names(), origin)
        texts["active_power"] = origin + ": phi x (P_board - P_idle) - 8 x e_dram x eta_max x B_peak, phi = P_dyn / (P_board - P_idle) of the source"
        texts["dram_energy_per_bit"] = origin + ": e_dram,source x e_bit / e_bit,source (DRAM device energies)"
        return texts
    if calibration.status == "published":
        fit = f"fit_published: fitted to the {len(calibration.published)} published point(s) of this calibration"
        texts = {name: f"assumed.{name}" for name in _names()}
        texts.update({name: fit for name in calibration.fitted})
        if "attention_bandwidth_fraction" in calibration.fitted:
            texts["kernel_classes.attention.bandwidth_fraction"] = fit
        return texts
    if calibration.status == "measured":
        count = len(calibration.measurements)
        fit = f"fit_calibration: least squares over {count} measurement(s) of T = K*t0 + Q/(eta*B_peak) + C"
        overhead = "assumed.kernel_overhead" if calibration.assumed.kernel_overhead is not None else fit
        rules = {"bandwidth_fraction": fit, "compute_fraction": "assumed.compute_fraction", "launch_time": overhead}
        power = "fit_calibration: least squares of E = 8*e_bit*Q + P_a*t_x over the measurements with energy"
    else:
        rules = {"bandwidth_fraction": "assumed.bandwidth_fraction", "compute_fraction": "assumed.compute_fraction",
                 "launch_time": "assumed.kernel_overhead"}
        power = "assumed_parameters: board_power_fraction*P_board - P_idle - 8*e_bit*eta*B_peak"
    texts = {f"kernel_classes.{name}.{field}": text for name in KERNEL_CLASSES for field, text in rules.items()}
    texts.update({"step_overhead": "one benchmark loop: no host overhead beyond the launches", "active_power": power,
                  "dram_energy_per_bit": "the GPU spec's memory.energy_per_bit (DRAM device energy)",
                  "energy_per_flop": "not separable from P_a in a memory-bound benchmark: 0"})
    return texts


def _names() -> list[str]:
    classes = [f"kernel_classes.{name}.{field}" for name in KERNEL_CLASSES for field in KernelClass.model_fields]
    return classes + ["step_overhead", "active_power", "dram_energy_per_bit", "energy_per_flop"]


def _significant(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


#: unit each stored parameter is written in, and its scale [SI per unit]
UNITS = {"launch_time": ("us", micro), "step_overhead": ("us", micro), "active_power": ("W", 1.0),
         "dram_energy_per_bit": ("pJ/bit", pico), "energy_per_flop": ("pJ", pico)}


def _stored(name: str, value: float):
    unit = UNITS.get(name.rsplit(".", 1)[-1])
    return _significant(value) if unit is None else f"{_significant(value / unit[1])} {unit[0]}"


def parameters_document(parameters: Parameters, texts: dict[str, str]) -> dict:
    """Parameters as provenance-wrapped JSON, rounded to :data:`DIGITS` digits."""
    classes = {}
    for name, kernel in parameters.kernel_classes.items():
        classes[name] = {field: {"value": _stored(field, getattr(kernel, field)),
                                 "derivation": texts[f"kernel_classes.{name}.{field}"]} for field in KernelClass.model_fields}
    document = {"kernel_classes": classes}
    for name in ("step_overhead", "active_power", "dram_energy_per_bit", "energy_per_flop"):
        document[name] = {"value": _stored(name, getattr(parameters, name)), "derivation": texts[name]}
    return document


def summary(parameters: Parameters) -> dict:
    """Flat SI values of ``parameters`` (``attention_bandwidth_fraction``, ``active_power``, ...)."""
    flat = {f"{name}_{field}": getattr(kernel, field) for name, kernel in parameters.kernel_classes.items()
            for field in KernelClass.model_fields}
    return {**flat, **{name: getattr(parameters, name) for name in UNITS if name != "launch_time"}}


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
        rows.append({"name": calibration.name, "status": calibration.status, **summary(parameters),
                     "parameters": parameters, "dynamic_power": dynamic, "allowed_power": allowed})
    return rows


def recalibrate(gpu: GPU, path: str | Path | None = None) -> tuple[dict, list[dict]]:
    """The calibration file of ``gpu`` (or ``path``) with recomputed parameters, and a summary row each
    (see :func:`refit_document`)."""
    path = Path(path) if path is not None else calibration_path(gpu)
    document = read_json(path)
    return document, refit_document(gpu, document, str(path))
