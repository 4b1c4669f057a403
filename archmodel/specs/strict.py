"""Strict integers and booleans in spec documents, checked before pydantic sees them.

pydantic's default (lax) mode accepts ``"rows": "64"``, ``"rows": 64.0`` and
``"columns": true`` as integers and ``"write_overlap": 1`` as a boolean; a
spec file that says so is more likely a mistake than an intention.
:func:`check_strict_types` walks a plain document along the spec class and
refuses such values with their JSON path.  Quantity fields (floats) keep
accepting numbers and unit strings; they are checked by
:func:`~archmodel.specs.units.to_si`.
"""

from __future__ import annotations

import typing

from pydantic import BaseModel

from archmodel.specs.errors import SpecError

#: largest integer a spec may hold: counts above 2^53 lose precision in float arithmetic [-]
MAX_COUNT = 2**53


def _strict_problem(expected: type, value: object) -> str | None:
    """Why ``value`` is not a JSON integer or boolean as ``expected``, or None when it is."""
    if expected is bool:
        return None if isinstance(value, bool) else f"expected true or false, got {_describe(value)}"
    if isinstance(value, bool) or not isinstance(value, int):
        return f"expected an integer, got {_describe(value)}"
    if abs(value) > MAX_COUNT:
        return f"expected an integer of magnitude at most 2^53, got {value}"
    return None


def _describe(value: object) -> str:
    names = {bool: "a boolean", str: "a string", float: "a number written as a float", list: "an array", dict: "an object"}
    text = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "…"
    return f"{names.get(type(value), type(value).__name__)} {text}"


def _members(annotation: object) -> tuple:
    """``annotation`` and, for a union (``X | None``), its members."""
    return (annotation, *typing.get_args(annotation)) if typing.get_origin(annotation) in (typing.Union, _union()) else (annotation,)


def _union() -> object:
    return type(int | None)


def _check_value(annotation: object, value: object, file: str, path: str) -> None:
    if value is None:
        return
    members = _members(annotation)
    for member in members:
        if isinstance(member, type) and issubclass(member, BaseModel) and isinstance(value, dict):
            check_strict_types(member, value, file, path)
            return
    scalars = [member for member in members if member is int or member is bool]
    if scalars and not any(isinstance(value, member) for member in members if isinstance(member, type) and member not in (int, bool)):
        problem = _strict_problem(scalars[0], value)
        if problem:
            raise SpecError(file, path, problem)
        return
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is list and arguments and isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(arguments[0], item, file, f"{path}[{index}]")
    elif origin is dict and len(arguments) == 2 and isinstance(value, dict):
        for key, item in value.items():
            _check_value(arguments[1], item, file, f"{path}.{key}")


def check_strict_types(model: type[BaseModel], document: dict, file: str, path: str = "$") -> None:
    """Refuse non-integers in integer fields and non-booleans in boolean fields of ``document`` (a :class:`SpecError`)."""
    for name, info in model.model_fields.items():
        if name in document:
            _check_value(info.annotation, document[name], file, f"{path}.{name}")
