"""Read a spec field by dotted path, and the SI unit that field is stored in.

Used to fill the swept-field columns of a sweep with validated values (a
user may write ``"10 ns"``; the column holds ``1e-08`` [s]) and to record
their units in ``attrs["units"]``.
"""

from __future__ import annotations

import types
import typing

from pydantic import BaseModel

from archmodel.specs import quantities
from archmodel.specs.units import REFERENCE_UNITS

#: quantity type of the spec classes → its dimension (a key of REFERENCE_UNITS)
QUANTITY_DIMENSIONS: dict[object, str] = {
    quantities.Time: "time",
    quantities.Energy: "energy",
    quantities.Power: "power",
    quantities.Voltage: "voltage",
    quantities.Current: "current",
    quantities.Charge: "charge",
    quantities.Capacitance: "capacitance",
    quantities.Conductance: "conductance",
    quantities.Length: "length",
    quantities.Area: "area",
    quantities.Frequency: "frequency",
    quantities.Bytes: "bytes",
    quantities.Bandwidth: "bandwidth",
    quantities.ComputeRate: "compute_rate",
    quantities.EnergyPerBit: "energy_per_bit",
    quantities.Fraction: "dimensionless",
}

_PARSERS = {alias.__metadata__[0].func: dimension for alias, dimension in QUANTITY_DIMENSIONS.items()}


def field_value(spec: BaseModel, path: str) -> object:
    """The validated value at dotted ``path`` of ``spec`` (SI for quantities).

    Nested models and lists come back as their JSON text, so that a table
    column holds only scalars.
    """
    node: object = spec
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else getattr(node, key, None)
    if isinstance(node, BaseModel):
        return node.model_dump_json()
    if isinstance(node, (list, tuple, dict)):
        return str(node)
    return node


def field_unit(spec: BaseModel, path: str) -> str:
    """The SI unit of the field at dotted ``path`` of ``spec``; ``""`` when not a quantity."""
    model: object = type(spec)
    info = None
    for key in path.split("."):
        fields = getattr(model, "model_fields", None)
        if fields is not None and key in fields:
            info = fields[key]
            model = _inner_model(info.annotation)
        elif typing.get_origin(model) is dict:
            info, model = None, typing.get_args(model)[1]
        else:
            return ""
    metadata = info.metadata if info is not None else getattr(model, "__metadata__", ())
    for entry in metadata:
        dimension = _PARSERS.get(getattr(entry, "func", None))
        if dimension is not None:
            return "" if dimension == "dimensionless" else REFERENCE_UNITS[dimension]
    return ""


def _inner_model(annotation: object) -> object:
    """The model (or dict type) inside ``X | None``."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        for argument in typing.get_args(annotation):
            if argument is not type(None):
                return argument
    return annotation
