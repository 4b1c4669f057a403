"""Specs whose numeric fields hold arrays: one engine call evaluates many variants elementwise.

A *numeric* field is a float field (a quantity or a fraction): the cost models
evaluate it elementwise, so a spec may carry an array in it whose length
matches the point axis (contexts) of the engine call.  Every other field is
*structural* (integers such as array sizes and head counts, flags, text,
lists, nested choices): it changes the graph, the mapping or the tiling, so a
variant with another value is rebuilt.

:func:`check_value` validates one value of one field alone (its parser and
bounds), fast enough for 10^4 values per second; a whole-spec
:func:`~archmodel.specs.loading.with_overrides` checks the combination.
"""

from __future__ import annotations

import types
import typing
from functools import lru_cache
from typing import Annotated

import numpy as np
from pydantic import BaseModel, TypeAdapter, ValidationError

from archmodel.specs.errors import SpecError, UsageError
from archmodel.specs.fields import field_info


def is_numeric(spec: BaseModel, path: str) -> bool:
    """True when the field at dotted ``path`` of ``spec`` is a float field, optional or not (evaluated elementwise)."""
    info = field_info(type(spec), path)
    if info is None or (isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("structural")):
        return False
    return plain_type(info.annotation) is float


def plain_type(annotation: object) -> object:
    """``float`` for ``float``, ``float | None`` and ``Annotated[float, ...] | None`` (likewise ``int``); else the
    annotation."""
    arguments = [argument for argument in typing.get_args(annotation) if argument is not type(None)]
    if typing.get_origin(annotation) is typing.Annotated:
        return plain_type(arguments[0])
    if arguments and len(arguments) == 1 and typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return plain_type(arguments[0])
    return annotation


@lru_cache(maxsize=None)
def _adapter(model: type[BaseModel], path: str) -> TypeAdapter:
    info = field_info(model, path)
    return TypeAdapter(Annotated[info.annotation, *info.metadata])


def check_value(spec: BaseModel, path: str, value: object, label: str = "sweep") -> float:
    """The SI value of ``value`` for the numeric field ``path`` of ``spec``; a clear error if it is invalid."""
    if field_info(type(spec), path) is None:
        raise UsageError(f"{spec.file}: unknown spec path {path!r} (not a field of {type(spec).__name__})")
    try:
        return float(_adapter(type(spec), path).validate_python(value))
    except ValidationError as error:
        reason = error.errors()[0]["msg"]
    from archmodel.specs.loading import with_overrides

    with_overrides(spec, {path: value}, label=label)  # raises the whole-spec loader's wording of the same error
    raise SpecError(f"{spec.file} [{label}]", f"$.{path}", f"{reason}, got {value!r}")


def with_arrays(spec: BaseModel, values: dict[str, np.ndarray]) -> BaseModel:
    """A copy of ``spec`` with float fields replaced by arrays (no validation; for elementwise evaluation)."""
    updates: dict = {}
    for path, array in values.items():
        node = updates
        keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = array

    def apply(model: BaseModel, changes: dict) -> BaseModel:
        update = {key: apply(getattr(model, key), value) if isinstance(value, dict) else value
                  for key, value in changes.items()}
        return model.model_copy(update=update)

    copied = apply(spec, updates)
    for name in ("_file", "_provenance", "_raw"):
        if hasattr(spec, name):
            setattr(copied, name, getattr(spec, name))
    if getattr(copied, "_selected", None) is not None:  # a GPU's calibration is checked against its own fields
        copied._selected = None
    return copied
