"""Plausibility of spec values: a warning, not an error, for numbers far outside physical ranges.

A value can be valid and still almost certainly wrong: ``"max_pulse_width":
15`` is 15 s (a bare number is SI), ``"area": "1 furlong^2"`` is 4 hectares
for one cell.  Each numeric field has a plausible range [SI], taken from, in
order:

1. its pydantic metadata, ``Field(..., json_schema_extra={"range": [low, high]})``;
2. :data:`FIELD_RANGES` below (fields whose range is narrower than their dimension's);
3. :data:`DIMENSION_RANGES` (every quantity of that dimension in a chip, GPU or workload).

Values outside give one warning line naming the file and JSON path
(:func:`plausibility_warnings`); zero is never flagged (it means "absent" for
energies and areas).  The ranges are deliberately wide — orders of magnitude
around anything built — so a warning means a unit slip, not a bold design.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel

from archmodel.specs.quantities import QuantityParser
from archmodel.specs.units import REFERENCE_UNITS, format_area, format_si

#: plausible magnitude of each dimension [SI reference unit]: a femtosecond to
#: 11 days; a zeptojoule to a kilojoule per event; 1 nm to 10 µm for a
#: technology node; (0.01 µm)² (below any memory cell) to 100 cm² (above any die)
DIMENSION_RANGES: dict[str, tuple[float, float]] = {
    "time": (1e-15, 1e6),
    "energy": (1e-21, 1e3),
    "power": (1e-9, 1e4),
    "voltage": (1e-3, 100.0),
    "current": (1e-15, 10.0),
    "charge": (1e-21, 1e-3),
    "capacitance": (1e-18, 1e-6),
    "conductance": (1e-12, 1.0),
    "length": (1e-9, 1e-5),
    "area": (1e-16, 1e-2),
    "frequency": (1e3, 1e11),
    "bytes": (1.0, 1e15),
    "bandwidth": (1e3, 1e15),
    "compute_rate": (1e6, 1e18),
    "energy_per_bit": (1e-16, 1e-9),
}

#: narrower ranges of particular fields, by ``Class.field`` [SI]: converter and
#: pulse times are picoseconds to a millisecond (the paper's T_max is 15 ns);
#: cycle and step counts stay below a million; array sides, windows and batches
#: below what any memory or accelerator holds
FIELD_RANGES: dict[str, tuple[float, float]] = {
    "PulseDriver.max_pulse_width": (1e-12, 1e-3),
    "ChargeToPulse.max_pulse_width": (1e-12, 1e-3),
    "Converter.conversion_time": (1e-12, 1e-3),
    "AnalogToDigital.conversion_time": (1e-12, 1e-3),
    "GainCell.area": (1e-16, 1e-8),
    "DigitalPeriphery.control_cycles": (0, 1e6),
    "DigitalPeriphery.scale_cycles": (0, 1e6),
    "DigitalPeriphery.adder_stage_cycles": (1, 1e6),
    "SignedReadout.counter_steps": (1, 1e6),
    "Array.rows": (1, 1e6),
    "Array.columns": (1, 1e6),
    "Attention.window": (1, 1e8),
    "Workload.batch": (1, 1e6),
}

logger = logging.getLogger("archmodel.specs")
_reported: set[str] = set()


def _dimension(info) -> str | None:
    for entry in info.metadata:
        parser = getattr(entry, "func", None)
        if isinstance(parser, QuantityParser):
            return parser.dimension
    return None


def field_range(model: type[BaseModel], name: str) -> tuple[tuple[float, float], str] | None:
    """The plausible (low, high) [SI] of field ``name`` of ``model`` and its unit, or None."""
    info = model.model_fields[name]
    dimension = _dimension(info)
    unit = REFERENCE_UNITS.get(dimension, "") if dimension not in (None, "dimensionless") else ""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if "range" in extra:
        low, high = extra["range"]
        return (float(low), float(high)), unit
    for cls in model.__mro__:
        if f"{cls.__name__}.{name}" in FIELD_RANGES:
            return FIELD_RANGES[f"{cls.__name__}.{name}"], unit
    if dimension in DIMENSION_RANGES:
        return DIMENSION_RANGES[dimension], unit
    return None


def _show(value: float, unit: str) -> str:
    if unit == "m**2":
        return format_area(value, 3)
    return format_si(value, unit, 3) if unit else f"{value:g}"


def plausibility_warnings(spec: BaseModel, path: str = "$") -> list[str]:
    """``path: value is outside the plausible range`` for every implausible field of ``spec``, nested ones too."""
    found = []
    for name in type(spec).model_fields:
        value = getattr(spec, name)
        here = f"{path}.{name}"
        if isinstance(value, BaseModel):
            found += plausibility_warnings(value, here)
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value == 0:
            continue
        known = field_range(type(spec), name)
        if known is None:
            continue
        (low, high), unit = known
        if not low <= abs(value) <= high:
            hint = f"; a bare number is in {unit.replace('**2', '²')}; check the value and its unit" if unit else "; check the value"
            found.append(f"{here}: {_show(value, unit)} is outside the plausible range {_show(low, unit)} to {_show(high, unit)}{hint}")
    return found


def warn_implausible(spec: BaseModel, file: str) -> None:
    """Log each plausibility warning of ``spec`` once per process (one line each, naming ``file``)."""
    for warning in plausibility_warnings(spec):
        line = f"{file}: {warning}"
        if line not in _reported:
            _reported.add(line)
            logger.warning(line)
