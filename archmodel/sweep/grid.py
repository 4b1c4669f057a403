"""What a sweep covers: context lengths, batch sizes and spec fields, crossed with chips and workloads.

Text forms (the CLI's, also accepted by the API)::

    contexts   "1024" | "1,2,4,8" | "1:4096" (every integer, ends included)
               "1:4096:64" (step 64) | "1:16384:log64" (64 log-spaced integers,
               duplicates dropped) | "1:4096:lin32" (32 evenly spaced)
    setting    "chip.array.rows=32,64,128" | "workload.attention.window=512,1024"
               values are JSON (32, 1e-8, true, "text") or bare text ("10 ns")

The variants are the cross product chips × workloads × setting values ×
batches, in that order (the last axis varies fastest).  Each variant's specs
are re-validated once here, so bad paths and values fail before any work.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field

import numpy as np

from archmodel.engine.estimate import context_array
from archmodel.engine.schema import check_batch, check_scope
from archmodel.specs import UsageError, with_overrides
from archmodel.specs.fields import field_unit, field_value

#: spec a setting path starts with → attribute of a variant it overrides
TARGETS = ("chip", "workload")


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
        if how.startswith("log"):
            if start < 1:
                raise UsageError(f"contexts {text!r}: a log-spaced range must start at 1 or more")
            return np.unique(np.round(np.geomspace(start, stop, _integer(how[3:]))))
        if how.startswith("lin"):
            return np.unique(np.round(np.linspace(start, stop, _integer(how[3:]))))
        step = _integer(how)
        if step < 1:
            raise UsageError(f"contexts {text!r}: the step must be 1 or more")
        return np.arange(start, stop + 1, step, dtype=float)
    except ValueError:
        raise UsageError(
            f"cannot read contexts {text!r}; expected N, A:B, A:B:STEP, A:B:logN or A:B:linN (integers)"
        ) from None


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
class Grid:
    """A sweep: chips × workloads × settings × batches, each at every context.

    Parameters
    ----------
    chips, workloads : sequence of specs
        From :func:`archmodel.load_chip` / :func:`archmodel.load_workload`.
    contexts : array of int
        Context lengths [token]; see :func:`parse_contexts` for text forms.
    settings : sequence of Setting
        Swept spec fields.
    batches : sequence of int
        Batch sizes [sequence]; empty keeps each workload's own.
    scope : str
        ``head``, ``layer`` or ``model``.
    """

    chips: tuple
    workloads: tuple
    contexts: np.ndarray
    settings: tuple[Setting, ...] = ()
    batches: tuple[int, ...] = ()
    scope: str = "layer"

    def __post_init__(self):
        if not self.chips or not self.workloads:
            raise UsageError(f"empty sweep: {'no chip' if not self.chips else 'no workload'} given")
        check_scope(self.scope)
        object.__setattr__(self, "contexts", parse_contexts(self.contexts))
        for batch in self.batches:
            check_batch(batch)
        columns = [setting.column for setting in self.settings]
        if len(set(columns)) != len(columns):
            raise UsageError(f"a field is swept twice: {sorted(c for c in columns if columns.count(c) > 1)[0]!r}")

    @property
    def size(self) -> int:
        """Number of variants (without the context axis) [-]."""
        counts = [len(setting.values) for setting in self.settings]
        return len(self.chips) * len(self.workloads) * int(np.prod(counts)) * max(len(self.batches), 1)

    def swept_units(self) -> dict[str, str]:
        """Column → unit of every swept spec field (``""`` for counts, flags and text)."""
        units = {}
        for setting in self.settings:
            specs = self.chips if setting.target == "chip" else self.workloads
            units[setting.column] = field_unit(specs[0], setting.path)
        return units

    def variants(self) -> list[Variant]:
        """Every variant, with overrides applied and validated (errors name file and path)."""
        value_sets = list(itertools.product(*(setting.values for setting in self.settings)))
        batches = self.batches or (None,)
        variants = []
        for chip, workload, values, batch in itertools.product(self.chips, self.workloads, value_sets, batches):
            variants.append(self._variant(len(variants), chip, workload, values, batch))
        return variants

    def _variant(self, index: int, chip, workload, values: tuple, batch) -> Variant:
        specs = {"chip": chip, "workload": workload}
        for target in TARGETS:
            overrides = {s.path: v for s, v in zip(self.settings, values) if s.target == target}
            if overrides:
                specs[target] = with_overrides(specs[target], overrides, label="sweep")
        columns = {s.column: field_value(specs[s.target], s.path) for s in self.settings}
        text = ", ".join(f"{s.column}={v}" for s, v in zip(self.settings, values))
        return Variant(index, specs["chip"], specs["workload"], batch, columns, text)
