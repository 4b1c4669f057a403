"""What a sweep covers: context lengths, batch sizes and spec fields, crossed with chips and workloads.

Text forms (the CLI's, also accepted by the API)::

    contexts   "1024" | "1,2,4,8" | "1:4096" (every integer, ends included)
               "1:4096:64" (step 64) | "1:16384:log64" (64 log-spaced integers,
               duplicates dropped) | "1:4096:lin32" (32 evenly spaced)
    setting    "chip.array.rows=32,64,128" | "workload.attention.window=512,1024"
               values are JSON (32, 1e-8, true, "text") or bare text ("10 ns")

The variants are the cross product chips × workloads × setting values ×
sampled designs × batches, in that order (the last axis varies fastest).
Swept values are validated before any work, so bad paths and values fail
first; a variant's specs are built only when it is evaluated
(:class:`Variants` is lazy), and numeric fields not at all: they are
evaluated as arrays (:mod:`archmodel.sweep.evaluate`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from archmodel.engine.estimate import context_array
from archmodel.engine.schema import check_batch, check_scope
from archmodel.specs import UsageError, with_overrides
from archmodel.specs.arrays import check_value, is_numeric
from archmodel.specs.fields import field_info, field_unit, field_value

#: spec a setting path starts with → attribute of a variant it overrides
TARGETS = ("chip", "workload")
#: most context lengths one sweep may hold [-] (10^7 int64 = 80 MB before any result)
MAX_CONTEXTS = 10_000_000


def parse_contexts(texts: str | int | list | np.ndarray) -> np.ndarray:
    """Sorted unique context lengths [token] from numbers or text forms (module docstring).

    Numbers (an int, an array, a list of ints) are checked as one array;
    only text is parsed piece by piece.
    """
    items = list(texts) if isinstance(texts, (list, tuple)) else [texts]
    numbers = [item for item in items if not isinstance(item, str)]
    texts_only = [item for item in items if isinstance(item, str)]
    parts = [part.strip() for text in texts_only for part in text.split(",")]
    for text in texts_only:
        if "," in text and text.strip(", ") and any(not part.strip() for part in text.split(",")):
            raise UsageError(f"empty value between commas in {text!r}; expected N1,N2,...")
    pieces = [np.atleast_1d(np.asarray(number)).ravel() for number in numbers]
    pieces += [_parse_context_part(part) for part in parts if part]
    values = np.concatenate(pieces) if pieces else np.array([])
    if values.size == 0:
        shown = ", ".join(map(str, items))
        raise UsageError(f"empty sweep: {shown!r} gives no context lengths" if shown.strip() else
                         "empty sweep: no context lengths given")
    return np.unique(context_array(values)).astype(np.int64)


def _parse_context_part(text: str) -> np.ndarray:
    pieces = text.split(":")
    try:
        if len(pieces) == 1:
            return np.array([_integer(pieces[0])])
        if len(pieces) not in (2, 3):
            raise ValueError
        start, stop = _integer(pieces[0]), _integer(pieces[1])
        how = pieces[2].strip() if len(pieces) == 3 else "1"
        if how.startswith(("log", "lin")):
            _check_count(text, _integer(how[3:]))
        if how.startswith("log"):
            if start < 1:
                raise UsageError(f"contexts {text!r}: a log-spaced range must start at 1 or more")
            return np.unique(np.round(np.geomspace(start, stop, _integer(how[3:]))))
        if how.startswith("lin"):
            return np.unique(np.round(np.linspace(start, stop, _integer(how[3:]))))
        step = _integer(how)
        if step < 1:
            raise UsageError(f"contexts {text!r}: the step must be 1 or more")
        _check_count(text, (stop - start) // step + 1 if stop >= start else 0)
        return np.arange(start, stop + 1, step, dtype=float)
    except ValueError:
        raise UsageError(
            f"cannot read contexts {text!r}; expected N, A:B, A:B:STEP, A:B:logN or A:B:linN (integers)"
        ) from None


def _check_count(text: str, count: int) -> None:
    """Refuse a range of more than :data:`MAX_CONTEXTS` context lengths before building it."""
    if count > MAX_CONTEXTS:
        raise UsageError(f"contexts {text!r}: {count:,} context lengths, more than the {MAX_CONTEXTS:,} one sweep "
                         "may hold; use a log- or evenly spaced range (FIRST:LAST:log64, FIRST:LAST:lin1000) or a step")


def _integer(text: str) -> int:
    """A non-negative integer written as a number (``"64"``, ``"1e3"``); else ValueError."""
    number = float(text)
    if not math.isfinite(number) or number != round(number) or number < 0:
        raise ValueError(text)
    return int(number)


def parse_values(text: str) -> tuple:
    """Comma-separated values; each parsed as JSON when it is JSON, else kept as text."""
    values = []
    parts = text.split(",")
    for part in parts:
        part = part.strip()
        if not part:
            if any(other.strip() for other in parts):
                raise UsageError(f"empty value between commas in {text!r}; expected V1,V2,...")
            continue
        try:
            values.append(json.loads(part))
        except json.JSONDecodeError:
            values.append(part)
    return tuple(values)


@dataclass(frozen=True)
class Setting:
    """One swept spec field: ``target`` (``chip`` or ``workload``), dotted ``path`` inside it, values."""

    target: str
    path: str
    values: tuple

    @property
    def column(self) -> str:
        """Name of its column in the points table (``chip.array.rows``)."""
        return f"{self.target}.{self.path}"


def parse_setting(text: str) -> Setting:
    """``"chip.array.rows=32,64"`` → Setting("chip", "array.rows", (32, 64))."""
    name, equals, values_text = text.partition("=")
    name = name.strip()
    target, _, path = name.partition(".")
    if not equals or target not in TARGETS or not path:
        raise UsageError(
            f"cannot read setting {text!r}; expected chip.PATH=V1,V2,... or workload.PATH=V1,V2,... "
            "(PATH is the dotted JSON path of the field, e.g. chip.array.rows=32,64)"
        )
    values = parse_values(values_text)
    if not values:
        raise UsageError(f"empty sweep: setting {name!r} has no values")
    return Setting(target, path, values)


@dataclass(frozen=True)
class Variant:
    """One point of the grid except context: specs with overrides applied, batch, swept values.

    ``values`` maps each swept column (``chip.array.rows``) to the validated
    value (SI for quantities); ``overrides`` says the same as text.  The
    specs keep the files the base specs came from (``chip.file``).
    """

    index: int
    chip: object
    workload: object
    batch: int | None
    values: dict = field(default_factory=dict)
    overrides: str = ""


@dataclass(frozen=True)
class Column:
    """A swept field as the grid sees it: where it comes from and whether it is numeric.

    ``numeric`` fields (floats) are evaluated as arrays, many variants in one
    engine call; structural ones rebuild the specs (:mod:`archmodel.specs.arrays`).
    ``axis`` is the grid axis of a setting; sampled fields share the samples axis
    and ``sample`` is their column in :attr:`Samples.values`.
    """

    target: str
    path: str
    numeric: bool
    axis: int | None = None
    sample: int | None = None

    @property
    def name(self) -> str:
        return f"{self.target}.{self.path}"


@dataclass(frozen=True)
class Grid:
    """A sweep: chips × workloads × settings × samples × batches, each at every context.

    Parameters
    ----------
    chips, workloads : sequence of specs
        From :func:`archmodel.load_chip` / :func:`archmodel.load_workload`.
    contexts : array of int
        Context lengths [token]; see :func:`parse_contexts` for text forms.
    settings : sequence of Setting
        Swept spec fields, crossed with each other.
    batches : sequence of int
        Batch sizes [sequence]; empty keeps each workload's own.
    scope : str
        ``head``, ``layer`` or ``model``.
    samples : Samples, optional
        Sampled designs (:mod:`archmodel.sweep.sampling`): one more axis,
        each design sets every sampled field at once.

    Variant ``i`` is element ``i`` of the row-major cross product of
    :attr:`shape` = (chips, workloads, *setting values, designs, batches).
    """

    chips: tuple
    workloads: tuple
    contexts: np.ndarray
    settings: tuple[Setting, ...] = ()
    batches: tuple[int, ...] = ()
    scope: str = "layer"
    samples: object = None

    def __post_init__(self):
        if not self.chips or not self.workloads:
            raise UsageError(f"empty sweep: {'no chip' if not self.chips else 'no workload'} given")
        check_scope(self.scope)
        object.__setattr__(self, "contexts", parse_contexts(self.contexts))
        for batch in self.batches:
            check_batch(batch)
        columns = [setting.column for setting in self.settings]
        columns += [item.column for item in self.samples.ranges] if self.samples is not None else []
        if len(set(columns)) != len(columns):
            raise UsageError(f"a field is swept twice: {sorted(c for c in columns if columns.count(c) > 1)[0]!r}")

    @property
    def shape(self) -> tuple[int, ...]:
        """Axis lengths: chips, workloads, each setting's values, designs, batches [-]."""
        return (len(self.chips), len(self.workloads), *(len(s.values) for s in self.settings),
                len(self.samples) if self.samples is not None else 1, max(len(self.batches), 1))

    @property
    def size(self) -> int:
        """Number of variants (without the context axis) [-]."""
        return int(np.prod(self.shape))

    def _specs(self, target: str) -> tuple:
        return self.chips if target == "chip" else self.workloads

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        """Every swept field, settings first, then sampled fields (unknown paths are usage errors)."""
        found = [(setting.target, setting.path, 2 + axis, None) for axis, setting in enumerate(self.settings)]
        if self.samples is not None:
            found += [(item.target, item.path, None, j) for j, item in enumerate(self.samples.ranges)]
        columns = []
        for target, path, axis, sample in found:
            for spec in self._specs(target):
                if field_info(type(spec), path) is None:
                    raise UsageError(f"{spec.file}: unknown spec path {path!r} (not a field of {type(spec).__name__})")
            numeric = all(is_numeric(spec, path) for spec in self._specs(target))
            columns.append(Column(target, path, numeric, axis, sample))
        return tuple(columns)

    @property
    def numeric(self) -> bool:
        """True when some swept field is numeric (variants can be evaluated as arrays)."""
        return any(column.numeric for column in self.columns)

    def swept_units(self) -> dict[str, str]:
        """Column → unit of every swept spec field (``""`` for counts, flags and text)."""
        return {column.name: field_unit(self._specs(column.target)[0], column.path) for column in self.columns}

    def variants(self) -> Variants:
        """Every variant, lazily; values are validated first (errors name file and path)."""
        self.validate()
        return Variants(self, 0, self.size)

    def validate(self) -> None:
        """Check every swept value of every field against every spec it applies to.

        Structural values and the extremes of numeric ones go through the whole
        spec (:func:`with_overrides`); every numeric setting value through its
        field's own parser and bounds.  Sampled numeric designs lie between
        their range's bounds, which are checked (the fields' constraints are
        intervals).  Combinations are checked when evaluated.
        """
        for column in self.columns:
            for spec in self._specs(column.target):
                if column.numeric:
                    extremes = self.numeric_values(column, spec)
                    for position in {int(np.argmin(extremes)), int(np.argmax(extremes))}:
                        with_overrides(spec, {column.path: self._value(column, position)}, label="sweep")
                else:
                    for value in dict.fromkeys(self._distinct_values(column)):
                        with_overrides(spec, {column.path: value}, label="sweep")

    def _value(self, column: Column, position: int) -> object:
        """The value of ``column`` at ``position`` of its axis, as given (designs: SI, integers as int)."""
        if column.sample is None:
            return self.settings[column.axis - 2].values[position]
        value = self.samples.values[position, column.sample]
        return float(value) if column.numeric else int(value)

    def _distinct_values(self, column: Column) -> list:
        """The distinct values of a structural ``column`` (designs' integers once each)."""
        if column.sample is None:
            return list(self.settings[column.axis - 2].values)
        return [int(value) for value in np.unique(self.samples.values[:, column.sample])]

    def numeric_values(self, column: Column, spec) -> np.ndarray:
        """SI values of a numeric ``column`` for ``spec``'s class, in the order of its axis [SI]."""
        if column.sample is not None:
            return self.samples.values[:, column.sample]
        key = (column.name, type(spec))
        if key not in self._numeric_cache:
            values = self.settings[column.axis - 2].values
            self._numeric_cache[key] = np.array([check_value(spec, column.path, value) for value in values])
        return self._numeric_cache[key]

    @cached_property
    def _numeric_cache(self) -> dict:
        return {}

    def coordinates(self, index) -> tuple[np.ndarray, ...]:
        """Per-axis positions of variant(s) ``index`` (row-major over :attr:`shape`)."""
        return np.unravel_index(np.asarray(index), self.shape)

    def structure_keys(self, index: np.ndarray) -> np.ndarray:
        """One row per variant: what decides its structure (m × k integer codes) [-].

        The axis positions of chip, workload, structural settings and batch,
        and the values of structural sampled fields (designs that share them
        share a structure); numeric fields are left out.
        """
        coordinates = self.coordinates(index)
        numeric_axes = {column.axis for column in self.columns if column.numeric and column.axis is not None}
        designs = len(self.shape) - 2
        keys = [coordinates[axis] for axis in range(len(self.shape)) if axis not in numeric_axes and axis != designs]
        for column in self.columns:
            if column.sample is not None and not column.numeric:
                keys.append(self.samples.values[coordinates[designs], column.sample].astype(np.int64))
        return np.stack(keys, axis=1)

    def override_text(self, coordinates: tuple) -> str:
        """``chip.array.rows=32, chip.technology.node=1.6e-08`` for one variant's axis positions."""
        return str(self.override_texts(tuple(np.atleast_1d(axis) for axis in coordinates))[0])

    def override_texts(self, coordinates: tuple) -> np.ndarray:
        """:meth:`override_text` of many variants at once (``coordinates`` as from :meth:`coordinates`)."""
        count = len(np.atleast_1d(coordinates[0]))
        texts = np.full(count, "", dtype=object)
        for number, column in enumerate(self.columns):
            positions = np.asarray(self.positions(column, coordinates))
            if column.sample is None:
                shown = self._shown_settings[column.name][positions]
            else:
                shown = np.array([_shown(self._value(column, int(p))) for p in positions.ravel()], dtype=object)
            texts = texts + (", " if number else "") + column.name + "=" + shown
        return texts

    @cached_property
    def _shown_settings(self) -> dict[str, np.ndarray]:
        """Column → text of each of a setting's values, as :meth:`override_text` shows them."""
        return {column.name: np.array([_shown(value) for value in self.settings[column.axis - 2].values], dtype=object)
                for column in self.columns if column.sample is None}

    @staticmethod
    def positions(column: Column, coordinates: tuple):
        """Where variant(s) with these ``coordinates`` stand on ``column``'s axis (a setting's, or the designs')."""
        return coordinates[column.axis] if column.sample is None else coordinates[-2]

    def variant(self, index: int) -> Variant:
        """Variant ``index`` with its overrides applied and validated."""
        coordinates = self.coordinates(int(index))
        chip, workload = self.chips[int(coordinates[0])], self.workloads[int(coordinates[1])]
        batch = self.batches[int(coordinates[-1])] if self.batches else None
        specs = {"chip": chip, "workload": workload}
        for target in TARGETS:
            overrides = {column.path: self._value(column, int(self.positions(column, coordinates)))
                         for column in self.columns if column.target == target}
            if overrides:
                specs[target] = with_overrides(specs[target], overrides, label="sweep")
        values = {column.name: field_value(specs[column.target], column.path) for column in self.columns}
        return Variant(int(index), specs["chip"], specs["workload"], batch, values, self.override_text(coordinates))


def _shown(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


class Variants(Sequence):
    """Variants ``start`` to ``stop`` (excluded) of a grid, built only when used.

    Slices are sub-ranges (the unit of work executors hand out); an integer
    gives one validated :class:`Variant`.
    """

    def __init__(self, grid: Grid, start: int, stop: int):
        self.grid, self.start, self.stop = grid, int(start), int(stop)

    def __len__(self) -> int:
        return self.stop - self.start

    def __getitem__(self, item):
        if isinstance(item, slice):
            start, stop, step = item.indices(len(self))
            if step != 1:
                raise ValueError("variant ranges are contiguous")
            return Variants(self.grid, self.start + start, self.start + max(start, stop))
        position = range(self.start, self.stop)[item]
        return self.grid.variant(position)

    def indices(self) -> np.ndarray:
        """Variant indices of this range [-]."""
        return np.arange(self.start, self.stop, dtype=np.int64)

    def __repr__(self) -> str:
        return f"Variants({self.start}:{self.stop} of {self.grid.size})"
