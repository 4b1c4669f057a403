"""Sampled design spaces: ranges of spec fields and N designs drawn from them.

Text form (the CLI's ``--set``; also :func:`parse_range`)::

    chip.technology.supply_voltage=0.6 V:1.2 V          uniform in [low, high]
    chip.query_driver.max_pulse_width=5 ns:150 ns:log   uniform in ln x
    chip.array.rows=16:128                              integer field: rounded

:func:`sample` draws ``n`` designs, one value per range each, by

- ``lhs``: Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`): each
  range is cut into n equal strata (in ln x for ``:log``) and every stratum
  holds exactly one design;
- ``random``: independent uniform draws;
- ``grid``: ⌊n^(1/k)⌋ evenly spaced levels per range (k ranges), their cross
  product (at most n designs, ends included).

A unit cube point u ∈ [0, 1)^k maps to x = low + u·(high − low), or
x = low·(high/low)^u for ``:log``.  The same ``seed`` gives the same designs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from archmodel.specs import UsageError

#: sampling methods of :func:`sample`
METHODS = ("lhs", "random", "grid")
#: spacing words after HIGH
SPACINGS = ("lin", "log")
#: most designs one draw may hold [-] (10^7 designs × 8 fields × 8 B = 640 MB of values)
MAX_DESIGNS = 10_000_000


@dataclass(frozen=True)
class Range:
    """A sampled spec field: ``target`` (``chip``/``workload``), dotted ``path``, bounds as written, spacing."""

    target: str
    path: str
    low: object
    high: object
    log: bool = False

    @property
    def column(self) -> str:
        """Name of its column in the points table (``chip.technology.supply_voltage``)."""
        return f"{self.target}.{self.path}"


def is_range(text: str) -> bool:
    """True when the values of ``--set NAME=VALUES`` are meant as a range ``LOW:HIGH[:log]`` rather than a list:
    a colon and no comma (:func:`parse_range` then says what is wrong with a malformed one)."""
    _, _, values = text.partition("=")
    return ":" in values and "," not in values


def parse_range(text: str) -> Range:
    """``"chip.technology.node=7 nm:65 nm:log"`` → Range("chip", "technology.node", "7 nm", "65 nm", log=True)."""
    from archmodel.sweep.grid import TARGETS, parse_values

    name, equals, values = text.partition("=")
    target, _, path = name.strip().partition(".")
    parts = values.split(":")
    well_formed = len(parts) in (2, 3) and all(part.strip() for part in parts[:2]) and (
        len(parts) == 2 or parts[2].strip() in SPACINGS)
    if not equals or target not in TARGETS or not path or not well_formed:
        raise UsageError(f"cannot read range {text!r}; expected chip.PATH=LOW:HIGH or chip.PATH=LOW:HIGH:log "
                         "(values with units, e.g. chip.technology.supply_voltage=0.6 V:1.2 V)")
    low, high = (parse_values(part)[0] for part in parts[:2])
    return Range(target, path, low, high, log=len(parts) == 3 and parts[2].strip() == "log")


@dataclass(frozen=True)
class Samples:
    """``n`` sampled designs: ``values[i, j]`` is design i's value of ``ranges[j]`` [SI; integers rounded]."""

    ranges: tuple[Range, ...]
    values: np.ndarray
    method: str
    seed: int

    def __len__(self) -> int:
        return int(self.values.shape[0])


def unit_points(n: int, dimensions: int, method: str, seed: int) -> np.ndarray:
    """``n`` points of the unit cube [0, 1]^dimensions by ``method`` (module docstring) [-]."""
    from scipy.stats import qmc

    if method == "lhs":
        return qmc.LatinHypercube(d=dimensions, seed=np.random.default_rng(seed)).random(n)
    if method == "random":
        return np.random.default_rng(seed).random((n, dimensions))
    if method == "grid":
        levels = max(1, int(np.floor(n ** (1 / dimensions) + 1e-9)))
        axis = np.linspace(0.0, 1.0, levels) if levels > 1 else np.array([0.5])
        return np.array(list(itertools.product(axis, repeat=dimensions)), dtype=float)
    raise UsageError(f"unknown sampling method {method!r}; expected one of {', '.join(METHODS)}")


def scale(unit: np.ndarray, bounds: np.ndarray, log: np.ndarray) -> np.ndarray:
    """Unit-cube points → field values: low + u·(high − low), or low·(high/low)^u where ``log`` [SI]."""
    low, high = bounds[:, 0], bounds[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        logarithmic = low * (high / low) ** unit
    return np.where(log, logarithmic, low + unit * (high - low))


def sample(ranges, bounds: np.ndarray, integer: np.ndarray, n: int, seed: int = 0, method: str = "lhs") -> Samples:
    """``n`` designs over ``ranges`` with SI ``bounds`` (k × 2); ``integer`` columns are rounded.

    Raises a usage error for n < 1, an empty or reversed range, or a log range
    that does not have both bounds > 0.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise UsageError(f"--sample: expected an integer ≥ 1, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UsageError(f"--seed: expected an integer ≥ 0, got {seed!r}")
    if n > MAX_DESIGNS:
        raise UsageError(f"--sample: {n:,} designs, more than the {MAX_DESIGNS:,} one draw may hold; "
                         "split the study into several sweeps (different --seed) or narrow the ranges")
    if method not in METHODS:
        raise UsageError(f"--method: unknown sampling method {method!r}; expected one of {', '.join(METHODS)}")
    for item, (low, high) in zip(ranges, bounds):
        if not low < high:
            raise UsageError(f"range {item.column}={item.low}:{item.high}: expected LOW < HIGH, got {low:g} ≥ {high:g} (SI)")
        if item.log and low <= 0:
            raise UsageError(f"range {item.column}={item.low}:{item.high}:log: a log range needs LOW > 0")
    log = np.array([item.log for item in ranges], dtype=bool)
    values = scale(unit_points(int(n), len(ranges), method, int(seed)), np.asarray(bounds, dtype=float), log)
    values = np.where(integer, np.round(values), values)
    return Samples(tuple(ranges), values, method, int(seed))


def draw(ranges, chips, workloads, n: int, seed: int = 0, method: str = "lhs") -> Samples:
    """``n`` designs over ``ranges`` of the fields of ``chips``/``workloads`` (bounds parsed with the field's unit).

    Float fields are sampled as they are, integer fields (array sizes …) are
    rounded; any other field (text, flags, lists) cannot be sampled.
    """
    from archmodel.specs.arrays import check_value, plain_type
    from archmodel.specs.fields import field_info

    if not ranges:
        raise UsageError("--sample needs at least one range: --set chip.PATH=LOW:HIGH")
    bounds, integer = [], []
    for item in ranges:
        spec = (chips if item.target == "chip" else workloads)[0]
        info = field_info(type(spec), item.path)
        if info is None:
            raise UsageError(f"{spec.file}: unknown spec path {item.path!r} (not a field of {type(spec).__name__})")
        kind = plain_type(info.annotation)
        if kind not in (float, int):
            raise UsageError(f"{item.column}: cannot sample a field of type {getattr(kind, '__name__', kind)}; "
                             "only numbers can be sampled (give a list of values instead: --set NAME=V1,V2)")
        integer.append(kind is int)
        if kind is int:
            bounds.append([_whole(item, item.low), _whole(item, item.high)])
        else:
            bounds.append([check_value(spec, item.path, item.low), check_value(spec, item.path, item.high)])
    return sample(tuple(ranges), np.array(bounds, dtype=float), np.array(integer, dtype=bool), n, seed, method)


def _whole(item: Range, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != round(value):
        raise UsageError(f"range {item.column}={item.low}:{item.high}: {item.path} is an integer field, got {value!r}")
    return int(value)
