"""The typed result of an estimate and its tidy tables."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from archmodel.costs.cost import Cost
from archmodel.engine.account import Accounting
from archmodel.engine.schema import AREA_COLUMNS, LEDGER_COLUMNS, PHASE_COLUMNS, check_scope
from archmodel.engine.timeline_tables import resource_table, task_table
from archmodel.specs.plausibility import die_warning, dies_needed, plausibility_warnings


@dataclass(frozen=True)
class ScopeFactors:
    """Multipliers from one op's cost (one layer, whole batch) to the requested scope [-]."""

    energy: float
    latency: float
    area: float


#: the factors of an op outside the scope
EXCLUDED = ScopeFactors(0.0, 0.0, 0.0)


def scope_factors(scope: str, heads: int, op) -> ScopeFactors:
    """How ``op`` counts in ``scope``.

    head: one of the layer's H heads (heads run in parallel, so latency is the
    layer's); layer: one decoder layer; model: every op ``op.layers`` times
    in sequence, each layer with its own arrays.  Ops outside the decoder
    layers (embedding, final norm, LM head) count only in the model scope.
    """
    if check_scope(scope) == "model":
        return ScopeFactors(float(op.layers), float(op.layers), float(op.layers))
    if not op.in_layer:
        return EXCLUDED
    if scope == "head":
        return ScopeFactors(1 / heads, 1.0, 1 / heads)
    return ScopeFactors(1.0, 1.0, 1.0)


@dataclass(frozen=True)
class Estimate:
    """Latency, energy and area of one decode step of a workload on a chip.

    Arrays have the shape of ``context``.  ``latency`` is the wall time of one
    decode step (what one sequence waits for its next token) [s]; ``energy``
    the energy of that step for the whole batch [J]; ``area`` the silicon
    the scope occupies [m²].  All figures are for ``scope``.
    ``initiation_interval`` [s] and ``throughput`` [tokens/s] are the
    steady-state rate, reported apart from the latency of one token.
    """

    chip: object
    workload: object
    scope: str
    accounting: Accounting
    labels: tuple[str, ...] = field(default_factory=tuple)

    @functools.cached_property
    def costs(self) -> dict[str, Cost]:
        """Each mapped op's cost scaled to the scope (ops outside it dropped)."""
        heads = self.workload.model.heads
        scaled = {}
        for mapped in self.accounting.plan.mapped:
            factors = scope_factors(self.scope, heads, mapped.op)
            if factors != EXCLUDED:
                cost = self.accounting.ops[mapped.op.name]
                scaled[mapped.op.name] = cost.scaled(factors.energy, factors.latency, factors.area)
        return scaled

    @property
    def context(self) -> np.ndarray:
        return self.accounting.step.context

    @property
    def batch(self) -> int:
        return self.workload.batch

    @functools.cached_property
    def latency(self) -> np.ndarray:
        """Decode-step latency [s]."""
        return sum((cost.latency for cost in self.costs.values()), np.zeros_like(self.context))

    @functools.cached_property
    def initiation_interval(self) -> np.ndarray:
        """Shortest interval between the starts of two decode steps in steady state [s].

        From the schedule where the chip has one (steps pipeline through the
        layers, bound by the busiest resource and by each sequence's own
        recurrence: :meth:`Accounting.initiation_interval`); otherwise the
        latency.  Never longer than the latency.
        """
        if self.accounting.timeline is None:
            return self.latency
        layers = self.workload.model.layers if self.scope == "model" else 1
        return np.minimum(self.accounting.initiation_interval(layers), self.latency)

    @property
    def throughput(self) -> np.ndarray:
        """batch / initiation_interval [tokens/s]: steady-state tokens per second."""
        return self.batch / self.initiation_interval

    @property
    def time_per_token(self) -> np.ndarray:
        """latency / batch [s]: the batch-amortised time per generated token."""
        return self.latency / self.batch

    def _sum_by(self, field: str, position: int) -> dict:
        """Sum ``cost.<field>`` (energy or area, keyed by (component, group)) over ops,
        by component (position 0) or group (position 1)."""
        totals: dict = {}
        for cost in self.costs.values():
            for key, value in getattr(cost, field).items():
                totals[key[position]] = totals.get(key[position], 0.0) + value
        return totals

    @functools.cached_property
    def energy_by_component(self) -> dict[str, np.ndarray]:
        """Energy of the step per component [J]."""
        return self._sum_by("energy", 0)

    @functools.cached_property
    def energy_by_group(self) -> dict[str, np.ndarray]:
        """Energy of the step per breakdown group [J]."""
        return self._sum_by("energy", 1)

    @functools.cached_property
    def energy(self) -> np.ndarray:
        """Energy of the step for the whole batch [J]."""
        return sum(self.energy_by_group.values(), np.zeros_like(self.context))

    @property
    def energy_per_token(self) -> np.ndarray:
        """energy / batch [J]."""
        return self.energy / self.batch

    @property
    def idle_power(self) -> float | None:
        """Power of the chip at idle where its kind has one (GPUs: the spec's ``power.idle``) [W]."""
        power = getattr(self.chip, "power", None) if getattr(self.chip, "kind", None) == "gpu" else None
        return getattr(power, "idle", None)

    @property
    def board_energy(self) -> np.ndarray | None:
        """Whole-board energy of the step: energy above idle + P_idle × latency [J]; None without an idle power."""
        idle = self.idle_power
        return None if idle is None else self.energy + idle * self.latency

    @property
    def board_energy_per_token(self) -> np.ndarray | None:
        """board_energy / batch [J]; None without an idle power."""
        board = self.board_energy
        return None if board is None else board / self.batch

    @functools.cached_property
    def area_by_component(self) -> dict[str, float]:
        """Silicon area per component [m²]."""
        return self._sum_by("area", 0)

    @property
    def area(self) -> float | np.ndarray | None:
        """Total silicon area of the scope [m²] (an array when spec fields are arrays); None where the chip kind
        models no area (GPUs)."""
        if not self.area_by_component:
            return None
        total = sum(np.asarray(value, dtype=float) for value in self.area_by_component.values())
        return float(total) if np.ndim(total) == 0 else total

    def _floor(self, field: str) -> np.ndarray | None:
        floors = [getattr(cost, field) for cost in self.costs.values()]
        if not floors or any(floor is None for floor in floors):
            return None
        return sum(floors)

    @functools.cached_property
    def floor_latency(self) -> np.ndarray | None:
        """Physical lower bound of the latency, where the chip kind defines one [s]."""
        return self._floor("floor_latency")

    @functools.cached_property
    def floor_energy(self) -> np.ndarray | None:
        """Physical lower bound of the energy, where the chip kind defines one [J]."""
        return self._floor("floor_energy")

    @property
    def floor_time_per_token(self) -> np.ndarray:
        """floor_latency / batch [s]; NaN where the chip kind defines no floor."""
        floor = self.floor_latency
        return np.full_like(self.context, np.nan) if floor is None else floor / self.batch

    @property
    def floor_energy_per_token(self) -> np.ndarray:
        """floor_energy / batch [J]; NaN where the chip kind defines no floor."""
        floor = self.floor_energy
        return np.full_like(self.context, np.nan) if floor is None else floor / self.batch

    @functools.cached_property
    def chip_area(self) -> float | None:
        """Silicon of the whole workload on the chip: every layer, every array copy [m²]; None for GPUs."""
        heads = self.workload.model.heads
        total = 0.0
        for mapped in self.accounting.plan.mapped:
            factor = scope_factors("model", heads, mapped.op).area
            total += factor * sum(self.accounting.ops[mapped.op.name].area.values())
        return total if self.area is not None else None

    @property
    def dies(self) -> int:
        """Dies the chip is split into so that none exceeds the reticle (archmodel.specs.plausibility) [-]."""
        return 1 if self.chip_area is None else dies_needed(self.chip_area)

    @functools.cached_property
    def warnings(self) -> list[str]:
        """Spec values outside their plausible ranges, and the die split of an over-reticle chip."""
        found = plausibility_warnings(self.chip) + plausibility_warnings(self.workload)
        if self.chip_area is not None:
            found += die_warning(self.chip_area, f"{self.chip.name} running {self.workload.name}")
        return found

    @property
    def not_mapped(self) -> list[str]:
        """Ops of the workload the chip does not execute (not costed)."""
        return [op.name for op in self.accounting.plan.not_mapped]

    @property
    def notes(self) -> list[str]:
        return list(self.accounting.plan.notes)

    @functools.cached_property
    def ledger(self) -> pd.DataFrame:
        """Energy per (context, op, component): the tidy long table [J]."""
        blocks = []
        for op, cost in self.costs.items():
            for (component, group), energy in cost.energy.items():
                events = cost.events.get((component, group), np.full_like(self.context, np.nan))
                blocks.append(pd.DataFrame({
                    "context": self.context.astype(np.int64),
                    "op": op,
                    "component": component,
                    "group": group,
                    "events": np.broadcast_to(events, self.context.shape),
                    "energy": np.broadcast_to(energy, self.context.shape),
                }))
        frame = pd.concat(blocks, ignore_index=True)[list(LEDGER_COLUMNS)]
        frame.attrs["units"] = LEDGER_COLUMNS
        return frame

    @functools.cached_property
    def phases(self) -> pd.DataFrame:
        """Latency per (context, op) on the critical path, and hidden time [s].

        Where the chip has a schedule, ``latency`` is the op's time on the
        critical path of the scheduled step (the ops add up to the step's
        latency) and ``hidden_latency`` the rest of its tasks' time (turns
        pipelined, writes overlapped); ``cycles`` counts the critical time in
        periods of ``clock``.  Task-level start and end: :attr:`tasks`.
        """
        blocks = []
        nan = np.full_like(self.context, np.nan)
        for op, cost in self.costs.items():
            blocks.append(pd.DataFrame({
                "context": self.context.astype(np.int64),
                "op": op,
                "latency": cost.latency,
                "hidden_latency": cost.hidden_latency if cost.hidden_latency is not None else np.zeros_like(self.context),
                "cycles": (cost.cycles if cost.cycles is not None else nan),
                "clock": cost.clock,
            }))
        frame = pd.concat(blocks, ignore_index=True)[list(PHASE_COLUMNS)]
        frame.attrs["units"] = PHASE_COLUMNS
        return frame

    @functools.cached_property
    def tasks(self) -> pd.DataFrame:
        """The schedule of one layer on one unit: start and end per (context, task) [s], [cycles]."""
        timeline = self.accounting.timeline
        return task_table(timeline, self.context, self.chip.clocks.digital if timeline is not None else np.nan)

    @functools.cached_property
    def utilisation(self) -> pd.DataFrame:
        """Held time and utilisation per (context, resource) of one unit during one layer [s], [-]."""
        return resource_table(self.accounting.timeline, self.context)

    @functools.cached_property
    def area_table(self) -> pd.DataFrame:
        """Area per component [m²]."""
        rows = []
        for cost in self.costs.values():
            for (component, group), area in cost.area.items():
                rows.append({"component": component, "group": group, "area": area})
        frame = pd.DataFrame(rows, columns=list(AREA_COLUMNS))
        frame.attrs["units"] = AREA_COLUMNS
        return frame

    @functools.cached_property
    def source_table(self) -> pd.DataFrame:
        """Every spec value behind each component, with its provenance.

        Columns: component, group, spec (chip or workload file), path, kind
        (source, derivation, assumption, measurement, model — a figure computed
        by a library model — or "unsourced"), text, value.
        """
        rows = []
        provenance = self.chip.provenance
        for cost in self.costs.values():
            for (component, group), paths in cost.sources.items():
                for path in paths:
                    record = provenance.get(path)
                    if path.startswith("model: "):
                        rows.append({"component": component, "group": group, "spec": self.chip.file, "path": "",
                                     "kind": "model", "text": path.removeprefix("model: "), "value": ""})
                        continue
                    rows.append({
                        "component": component,
                        "group": group,
                        "spec": self.chip.file,
                        "path": path,
                        "kind": record.kind if record else "unsourced",
                        "text": record.text if record else "",
                        "value": str(record.raw) if record else "",
                    })
        return pd.DataFrame(rows, columns=["component", "group", "spec", "path", "kind", "text", "value"]).drop_duplicates()

    def to_dict(self) -> dict:
        """The JSON form printed by ``archmodel estimate --json``."""
        def values(array) -> list[float]:
            return np.broadcast_to(np.asarray(array, dtype=float), self.context.shape).tolist()

        columns = {
            "context": self.context.astype(np.int64).tolist(),
            "latency_s": values(self.latency),
            "time_per_token_s": values(self.time_per_token),
            "energy_j": values(self.energy),
            "energy_per_token_j": values(self.energy_per_token),
            "initiation_interval_s": values(self.initiation_interval),
            "throughput_tokens_per_s": values(self.throughput),
        }
        if self.board_energy is not None:
            columns["board_energy_j"] = values(self.board_energy)
            columns["board_energy_per_token_j"] = values(self.board_energy_per_token)
        if self.floor_latency is not None:
            columns["floor_latency_s"] = values(self.floor_latency)
            columns["floor_energy_j"] = values(self.floor_energy)
        by_group = {name: values(v) for name, v in self.energy_by_group.items()}
        by_component = {name: values(v) for name, v in self.energy_by_component.items()}
        points = []
        for index in range(self.context.size):
            point = {name: column[index] for name, column in columns.items()}
            point["energy_by_group_j"] = {name: column[index] for name, column in by_group.items()}
            point["energy_by_component_j"] = {name: column[index] for name, column in by_component.items()}
            point["area_m2"] = self.area
            points.append(point)
        result = {
            "chip": self.chip.name,
            "workload": self.workload.name,
            "scope": self.scope,
            "batch": self.batch,
            "points": points,
        }
        if self.labels:
            result["labels"] = list(self.labels)
        if self.not_mapped:
            result["not_mapped"] = self.not_mapped
        if self.chip_area is not None:
            result["chip_area_m2"] = self.chip_area
            result["dies"] = self.dies
        result["warnings"] = self.warnings
        return result
