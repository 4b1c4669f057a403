"""Plausibility of spec values: a warning, not an error, for numbers outside physical ranges.

A value can be valid and still almost certainly wrong: ``"max_pulse_width":
15`` is 15 s (a bare number is SI), ``"area": "1 furlong^2"`` is 4 hectares
for one cell.  Each numeric field has a plausible range [SI], taken from, in
order:

1. its pydantic metadata, ``ranged(low, high, ...)``, i.e.
   ``Field(..., json_schema_extra={"range": [low, high]})``: the span real
   circuits have, where the model's laws were checked (every numeric field of
   a gain-cell chip declares one);
2. :data:`FIELD_RANGES` below (fields whose range is narrower than their dimension's);
3. :data:`DIMENSION_RANGES` (every quantity of that dimension in a chip, GPU or workload).

Values outside give one warning line naming the file and JSON path
(:func:`plausibility_warnings`); zero is never flagged (it means "absent" for
energies and areas).  Swept arrays are checked elementwise.  Impossible
values (zero sizes, pulse widths above 1 s, areas above 1 m²) are refused by
the field constraints (``gt``, ``le``) with the usual one-line
:class:`SpecError`.

A whole chip larger than a lithography reticle cannot be one die:
:func:`dies_needed` splits it.  Reticle limit 26 mm × 33 mm = 858 mm²
(ASML, the field of every current DUV/EUV scanner; the size NVIDIA's
814 mm² GH100 and 826 mm² GA100 dies approach).
"""

from __future__ import annotations

import logging
import math
from contextlib import contextmanager

import numpy as np
from pydantic import BaseModel, Field

from archmodel.specs.quantities import QuantityParser
from archmodel.specs.units import REFERENCE_UNITS, format_area, format_si

#: largest die one exposure field can print: 26 mm × 33 mm [m²]
RETICLE_AREA = 26e-3 * 33e-3

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
_quiet = 0  # depth of quiet_warnings blocks
_reported: set[str] = set()


def ranged(low: float, high: float, description: str, **constraints) -> object:
    """A pydantic ``Field`` with a plausible physical range [low, high] (SI) in its metadata."""
    return Field(description=description, json_schema_extra={"range": [low, high]}, **constraints)


def field_range(info) -> tuple[float, float] | None:
    """The plausible (low, high) a pydantic field declares in its metadata, if any."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    span = extra.get("range")
    return (float(span[0]), float(span[1])) if span else None


def field_unit_of(info) -> str:
    """The SI unit a field is stored in, '' for counts and fractions."""
    dimension = _dimension(info)
    return "" if dimension in (None, "dimensionless") else REFERENCE_UNITS[dimension]


def plausible_range(model: type[BaseModel], name: str) -> tuple[float, float] | None:
    """The plausible (low, high) [SI] of field ``name`` of ``model``: declared, by field, or by dimension."""
    info = model.model_fields[name]
    declared = field_range(info)
    if declared is not None:
        return declared
    for cls in model.__mro__:
        if f"{cls.__name__}.{name}" in FIELD_RANGES:
            return FIELD_RANGES[f"{cls.__name__}.{name}"]
    return DIMENSION_RANGES.get(_dimension(info))


def spec_fields(spec: BaseModel):
    """Every leaf field of ``spec``: (dotted path, pydantic field info, validated value)."""
    return [(path, info, value) for path, _, info, value in _walk(spec)]


def plausibility_warnings(spec: BaseModel) -> list[str]:
    """``file: $.path: value is outside the plausible range low to high`` per implausible field, then consistency checks."""
    file = spec_file(spec)
    found = []
    for path, model, info, value in _walk(spec):
        if value is None or isinstance(value, (str, bool, list, tuple, dict)):
            continue
        span = plausible_range(model, path.rsplit(".", 1)[-1])
        if span is None:
            continue
        values = np.abs(np.asarray(value, dtype=float))
        low, high = span
        if not np.any((values != 0) & ((values < low) | (values > high))):
            continue
        unit = field_unit_of(info)
        shown = _show(value, unit) if np.ndim(value) == 0 else f"{_show(np.min(value), unit)}..{_show(np.max(value), unit)}"
        hint = f"; a bare number is in {unit.replace('**2', '²')}; check the value and its unit" if unit else "; check the value"
        found.append(f"{file}: $.{path}: {shown} is outside the plausible range "
                     f"{_show(low, unit)} to {_show(high, unit)}{hint}")
    checks = getattr(spec, "consistency_warnings", None)
    if callable(checks):
        found += [f"{file}: {text}" for text in checks()]
    return found


def warn_implausible(spec: BaseModel) -> None:
    """Log each plausibility warning of ``spec`` once per process (one line each, naming its file)."""
    for line in plausibility_warnings(spec):
        warn_once(line)


@contextmanager
def quiet_warnings():
    """No plausibility warnings inside: for probes of values the user did not choose (``archmodel fields``)."""
    global _quiet
    _quiet += 1
    try:
        yield
    finally:
        _quiet -= 1


def warn_once(line: str) -> None:
    """Log a warning line on the ``archmodel.specs`` logger unless this process already logged it (or is quiet)."""
    if not _quiet and line not in _reported:
        _reported.add(line)
        logger.warning(line)


def spec_file(spec: BaseModel) -> str:
    """The file a spec was read from ('<spec>' for one built in code)."""
    return getattr(spec, "file", None) or "<spec>"


def dies_needed(area: float) -> int:
    """Dies a chip of ``area`` [m²] needs when no die may exceed the reticle [-]."""
    area = float(np.max(area))
    return max(1, math.ceil(area / RETICLE_AREA))


def die_warning(area: float, label: str) -> list[str]:
    """A caveat when ``area`` [m²] exceeds one reticle: how many dies it is split into."""
    dies = dies_needed(area)
    if dies == 1:
        return []
    return [f"{label}: {float(np.max(area)) * 1e6:.0f} mm² exceeds the reticle limit of "
            f"{RETICLE_AREA * 1e6:.0f} mm² (26 mm × 33 mm), so it is split into {dies} dies "
            f"(die-to-die links not costed)"]


def _dimension(info) -> str | None:
    for entry in info.metadata:
        parser = getattr(entry, "func", None)
        if isinstance(parser, QuantityParser):
            return parser.dimension
    return None


def _walk(spec: BaseModel, prefix: str = ""):
    """(dotted path, owning model class, field info, value) of every leaf field, nested models included."""
    for name, info in type(spec).model_fields.items():
        value = getattr(spec, name)
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            yield from _walk(value, path + ".")
        else:
            yield path, type(spec), info, value


def _show(value: float, unit: str) -> str:
    value = float(value)
    if unit == "m**2":
        return format_area(value, 3)
    return format_si(value, unit, 3) if unit else f"{value:g}"
