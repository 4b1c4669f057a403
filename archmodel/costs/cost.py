"""The one cost value object and its composition rules.

A :class:`Cost` is what one unit spends on one op of one decode step, for
one layer and the whole batch, as numpy arrays over the context axis.
Energies add; serial latencies add; parallel latencies take the max.
Composition happens only here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: a component of the breakdown: (component name, group)
Component = tuple[str, str]


@dataclass(frozen=True)
class Cost:
    """Cost of one op on one unit.

    Attributes
    ----------
    energy : dict[Component, ndarray]
        Energy per component [J], each of shape (contexts,).
    events : dict[Component, ndarray]
        Event count behind each energy (conversions, cell reads, ...) [-].
    latency : ndarray
        Contribution to the critical path [s], shape (contexts,).
    hidden_latency : ndarray
        Time spent off the critical path (overlapped) [s].
    cycles : ndarray
        ``latency`` in periods of ``clock`` [-] (NaN where no clock applies).
    clock : str
        Name of the clock ``cycles`` counts (``digital``, ``pulse``, ...).
    area : dict[Component, float]
        Silicon area of the unit's instances [m²].
    floor_latency, floor_energy : ndarray or None
        Physical lower bounds of the same work (GPUs: at peak bandwidth) [s], [J].
    sources : dict[Component, tuple[str, ...]]
        JSON paths (``$.dac.energy_per_conversion``) of the spec values each
        component's figures were computed from, to trace them to provenance.
    """

    energy: dict[Component, np.ndarray]
    latency: np.ndarray
    events: dict[Component, np.ndarray] = field(default_factory=dict)
    hidden_latency: np.ndarray | None = None
    cycles: np.ndarray | None = None
    clock: str = ""
    area: dict[Component, float] = field(default_factory=dict)
    floor_latency: np.ndarray | None = None
    floor_energy: np.ndarray | None = None
    sources: dict[Component, tuple[str, ...]] = field(default_factory=dict)

    def scaled(self, energy_factor: float = 1.0, latency_factor: float = 1.0, area_factor: float = 1.0) -> "Cost":
        """The same cost with energies, events, latencies and areas multiplied."""
        def times(values: dict, factor: float) -> dict:
            return {key: value * factor for key, value in values.items()}

        def maybe(value, factor):
            return None if value is None else value * factor

        return Cost(
            energy=times(self.energy, energy_factor),
            latency=self.latency * latency_factor,
            events=times(self.events, energy_factor),
            hidden_latency=maybe(self.hidden_latency, latency_factor),
            cycles=maybe(self.cycles, latency_factor),
            clock=self.clock,
            area=times(self.area, area_factor),
            floor_latency=maybe(self.floor_latency, latency_factor),
            floor_energy=maybe(self.floor_energy, energy_factor),
            sources=self.sources,
        )


def _merge(dicts: list[dict]) -> dict:
    merged: dict = {}
    for values in dicts:
        for key, value in values.items():
            merged[key] = merged[key] + value if key in merged else value
    return merged


def _merge_sources(costs: list[Cost]) -> dict:
    merged: dict = {}
    for cost in costs:
        for key, paths in cost.sources.items():
            merged[key] = tuple(dict.fromkeys(merged.get(key, ()) + tuple(paths)))
    return merged


def _combine_optional(values: list, reduce) -> np.ndarray | None:
    present = [value for value in values if value is not None]
    return reduce(present) if present else None


def parallel(costs: list[Cost]) -> Cost:
    """Units working at the same time: energies add, latency is the longest."""
    longest = int(np.argmax([float(np.max(c.latency)) for c in costs]))
    return Cost(
        energy=_merge([c.energy for c in costs]),
        latency=np.maximum.reduce([c.latency for c in costs]),
        events=_merge([c.events for c in costs]),
        hidden_latency=_combine_optional([c.hidden_latency for c in costs], np.maximum.reduce),
        cycles=costs[longest].cycles,
        clock=costs[longest].clock,
        area=_merge([c.area for c in costs]),
        floor_latency=_combine_optional([c.floor_latency for c in costs], np.maximum.reduce),
        floor_energy=_combine_optional([c.floor_energy for c in costs], sum),
        sources=_merge_sources(costs),
    )


def serial(costs: list[Cost]) -> Cost:
    """Steps one after another: energies and latencies add."""
    return Cost(
        energy=_merge([c.energy for c in costs]),
        latency=sum(c.latency for c in costs),
        events=_merge([c.events for c in costs]),
        hidden_latency=_combine_optional([c.hidden_latency for c in costs], sum),
        area=_merge([c.area for c in costs]),
        floor_latency=_combine_optional([c.floor_latency for c in costs], sum),
        floor_energy=_combine_optional([c.floor_energy for c in costs], sum),
        sources=_merge_sources(costs),
    )


@dataclass(frozen=True)
class Step:
    """What a cost model knows of the decode step being accounted.

    Attributes
    ----------
    context : ndarray
        Context lengths t [-], shape (contexts,).
    live_tokens : ndarray
        Tokens attended n at each t [-].
    token_interval : ndarray or None
        Time between two tokens of a sequence [s]; only set for units that
        run after the step latency is known (refresh).
    """

    context: np.ndarray
    live_tokens: np.ndarray
    token_interval: np.ndarray | None = None

    def zeros(self) -> np.ndarray:
        return np.zeros_like(self.live_tokens, dtype=float)

    def constant(self, value: float) -> np.ndarray:
        return np.full_like(self.live_tokens, value, dtype=float)
