"""Physical plausibility of spec values: ranges on fields, warnings outside them.

A spec field may carry ``json_schema_extra={"range": [low, high]}`` (SI
units): the span of values real circuits have.  A value outside it is
allowed but warned about (``plausibility_warnings``), because it is where
the model's laws were never checked.  Impossible values (zero sizes, pulse
widths above 1 s, areas above 1 m²) are refused by the field constraints
(``gt``, ``le``) with the usual one-line :class:`SpecError`.

A whole chip larger than a lithography reticle cannot be one die:
:func:`dies_needed` splits it.  Reticle limit 26 mm × 33 mm = 858 mm²
(ASML, the field of every current DUV/EUV scanner; the size NVIDIA's
814 mm² GH100 and 826 mm² GA100 dies approach).
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel, Field

from archmodel.specs.quantities import QuantityParser
from archmodel.specs.units import REFERENCE_UNITS

#: largest die one exposure field can print: 26 mm × 33 mm [m²]
RETICLE_AREA = 26e-3 * 33e-3


def ranged(low: float, high: float, description: str, **constraints) -> object:
    """A pydantic ``Field`` with a plausible physical range [low, high] (SI) in its metadata."""
    return Field(description=description, json_schema_extra={"range": [low, high]}, **constraints)


def field_range(info) -> tuple[float, float] | None:
    """The plausible (low, high) of a pydantic field, if it declares one."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    span = extra.get("range")
    return (float(span[0]), float(span[1])) if span else None


def _walk(spec: BaseModel, prefix: str = ""):
    """(dotted path, field info, value) of every field of ``spec``, nested models included."""
    for name, info in type(spec).model_fields.items():
        value = getattr(spec, name)
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            yield from _walk(value, path + ".")
        else:
            yield path, info, value


def spec_fields(spec: BaseModel):
    """Every leaf field of ``spec``: (dotted path, pydantic field info, validated value)."""
    return list(_walk(spec))


def _outside(value, low: float, high: float) -> bool:
    values = np.asarray(value, dtype=float)
    return bool(np.any((values < low) | (values > high)))


def plausibility_warnings(spec: BaseModel) -> list[str]:
    """One line per field whose value lies outside its plausible physical range."""
    warnings = []
    for path, info, value in spec_fields(spec):
        span = field_range(info)
        if span is None or value is None or isinstance(value, (str, bool, list)):
            continue
        if _outside(value, *span):
            shown = f"{value:g}" if np.ndim(value) == 0 else f"{np.min(value):g}..{np.max(value):g}"
            unit = f" {field_unit_of(info)}".rstrip()
            warnings.append(f"{spec_file(spec)}: $.{path}: {shown}{unit} is outside the plausible range "
                            f"[{span[0]:g}, {span[1]:g}]{unit}; the model was not checked there")
    checks = getattr(spec, "consistency_warnings", None)
    if callable(checks):
        warnings += [f"{spec_file(spec)}: {text}" for text in checks()]
    return warnings


def field_unit_of(info) -> str:
    """The SI unit a field is stored in, '' for counts and fractions."""
    for entry in info.metadata:
        parser = getattr(entry, "func", None)
        if isinstance(parser, QuantityParser):
            return "" if parser.dimension == "dimensionless" else REFERENCE_UNITS[parser.dimension]
    return ""


def spec_file(spec: BaseModel) -> str:
    return getattr(spec, "file", "<spec>")


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
