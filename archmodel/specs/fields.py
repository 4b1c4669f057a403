"""Spec fields by dotted path (``array.rows``, ``gain_cell.read_current.linear_slope``).

One place that walks the spec classes, used by :func:`~archmodel.specs.loading.with_overrides`
(is this a field?) and by sweeps (its value and its SI unit).
"""

from __future__ import annotations

import typing

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from archmodel.specs.quantities import QuantityParser
from archmodel.specs.units import REFERENCE_UNITS


def _model_of(annotation: object) -> object:
    """The pydantic class inside ``annotation`` (``X | None`` → ``X``), else the annotation."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return annotation


def field_info(model: type[BaseModel], path: str) -> FieldInfo | None:
    """The pydantic field at dotted ``path`` of the spec class ``model``; None if there is none.

    A system's ``parts.host.PATH``, ``parts.attention.PATH`` and ``parts.link.PATH``
    are the fields of its parts (:mod:`archmodel.specs.system`).
    """
    if getattr(model, "model_fields", {}).get("kind") is not None and path.startswith("parts."):
        from archmodel.specs.system import System, part_classes, split_part_path

        part = split_part_path(path) if model is System else None
        return None if part is None else field_info(part_classes()[part[0]], part[1])
    info = None
    current: object = model
    for key in path.split("."):
        fields = getattr(current, "model_fields", None)
        if fields is None or key not in fields:
            return None
        info = fields[key]
        current = _model_of(info.annotation)
    return info


def field_unit(spec: BaseModel, path: str) -> str:
    """The SI unit the field at ``path`` is stored in; ``""`` for counts, flags and text."""
    info = field_info(type(spec), path)
    for entry in info.metadata if info is not None else ():
        parser = getattr(entry, "func", None)
        if isinstance(parser, QuantityParser):
            return "" if parser.dimension == "dimensionless" else REFERENCE_UNITS[parser.dimension]
    return ""


def field_value(spec: BaseModel, path: str) -> object:
    """The validated value at ``path`` (SI for quantities); nested models and lists as text."""
    node: object = spec
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else getattr(node, key, None)
    if isinstance(node, BaseModel):
        return node.model_dump_json()
    if isinstance(node, (list, tuple, dict)):
        return str(node)
    return node
