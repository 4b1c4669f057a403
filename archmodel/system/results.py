"""The result of a system estimate: the same reading surface as an :class:`~archmodel.engine.results.Estimate`.

Arrays have the shape of ``context``.  ``latency`` is the token interval
Δt: the wall time of one decode step of the whole model, what one sequence
waits for its next token [s]; ``energy`` the step's energy for the whole
batch [J].  ``latency_by_device`` splits Δt into each device's share of the
critical path (host, link, attention; they add up to Δt);
``energy_by_device`` splits the energy the same way.  ``area`` is the
attention silicon (the host's is not modelled) [m²].
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from archmodel.engine.results import Estimate
from archmodel.engine.schema import LEDGER_COLUMNS, PHASE_COLUMNS
from archmodel.system.partition import ATTENTION, DEVICES, HOST, LINK, ChipCount


@dataclass(frozen=True)
class SystemEstimate:
    """Latency, energy and area of one decode step of a whole model on a system."""

    system: object
    workload: object
    context: np.ndarray
    latency: np.ndarray
    latency_by_device: dict[str, np.ndarray]
    energy_by_key: dict[tuple[str, str, str], np.ndarray]
    events_by_key: dict[tuple[str, str, str], np.ndarray]
    chips: ChipCount
    micro_batches: np.ndarray
    refresh_hidden_latency: np.ndarray
    attention_result: Estimate
    labels: tuple[str, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)
    host_calibration: str = ""
    scope: str = "model"

    @property
    def chip(self):
        """The system spec (``chip`` as for every other estimate)."""
        return self.system

    @property
    def batch(self) -> int:
        return self.workload.batch

    @property
    def time_per_token(self) -> np.ndarray:
        """Δt / batch [s]: the batch-amortised time per generated token."""
        return self.latency / self.batch

    @property
    def throughput(self) -> np.ndarray:
        """Tokens generated per second, all sequences [1/s]."""
        return self.batch / self.latency

    def _sum(self, position: int) -> dict[str, np.ndarray]:
        totals: dict = {}
        for key, value in self.energy_by_key.items():
            totals[key[position]] = totals.get(key[position], 0.0) + value
        return {name: np.broadcast_to(value, self.context.shape) for name, value in totals.items()}

    @functools.cached_property
    def energy_by_group(self) -> dict[str, np.ndarray]:
        """Energy per group: ``host``, ``link`` and the chip's groups [J]."""
        return self._sum(2)

    @functools.cached_property
    def energy_by_component(self) -> dict[str, np.ndarray]:
        """Energy per component [J]."""
        return self._sum(1)

    @functools.cached_property
    def energy_by_device(self) -> dict[str, np.ndarray]:
        """Energy of host, link and attention chips [J]."""
        groups = self.energy_by_group
        zero = np.zeros_like(self.context)
        attention = sum((value for name, value in groups.items() if name not in (HOST, LINK)), zero)
        return {HOST: groups.get(HOST, zero), LINK: groups.get(LINK, zero), ATTENTION: attention}

    @functools.cached_property
    def energy(self) -> np.ndarray:
        """Energy of the step for the whole batch [J]."""
        return sum(self.energy_by_group.values(), np.zeros_like(self.context))

    @property
    def energy_per_token(self) -> np.ndarray:
        return self.energy / self.batch

    @property
    def attention_share(self) -> np.ndarray:
        """Fraction of Δt on the attention chips' critical path: what Amdahl's law lets them speed up [-]."""
        return self.latency_by_device[ATTENTION] / self.latency

    @property
    def area_by_component(self) -> dict[str, float]:
        return self.attention_result.area_by_component

    @property
    def area(self) -> float:
        """Attention silicon of all dies [m²]."""
        return self.attention_result.area

    @property
    def area_table(self) -> pd.DataFrame:
        return self.attention_result.area_table

    @property
    def source_table(self) -> pd.DataFrame:
        return self.attention_result.source_table

    #: no physical floor is defined for a whole system (its host's floor covers only the host's ops)
    floor_latency = None
    floor_energy = None

    @property
    def idle_power(self) -> float:
        """Idle power of the host board [W] (the chips' leakage is in their energy)."""
        return self.system.host_spec.power.idle

    @property
    def board_energy(self) -> np.ndarray:
        """Energy above idle + the host's idle power over the token interval [J]."""
        return self.energy + self.idle_power * self.latency

    @property
    def board_energy_per_token(self) -> np.ndarray:
        """board_energy / batch [J]."""
        return self.board_energy / self.batch

    @property
    def warnings(self) -> list[str]:
        """The attention chip's plausibility warnings (the die split is the chip count)."""
        return [w for w in self.attention_result.warnings if "reticle" not in w]

    @property
    def tasks(self) -> pd.DataFrame:
        """The attention chips' event schedule of one layer (the host has none)."""
        return self.attention_result.tasks

    @property
    def floor_time_per_token(self) -> np.ndarray:
        """NaN: no floor (see ``floor_latency``)."""
        return np.full_like(self.context, np.nan)

    @property
    def floor_energy_per_token(self) -> np.ndarray:
        """NaN: no floor (see ``floor_latency``)."""
        return np.full_like(self.context, np.nan)

    @property
    def not_mapped(self) -> list[str]:
        """Every op runs on some device of a system."""
        return []

    @functools.cached_property
    def ledger(self) -> pd.DataFrame:
        """Energy per (context, op, component, group) of all devices [J]."""
        blocks = []
        for (op, component, group), energy in self.energy_by_key.items():
            events = self.events_by_key.get((op, component, group), np.full_like(self.context, np.nan))
            blocks.append(pd.DataFrame({
                "context": self.context.astype(np.int64), "op": op, "component": component, "group": group,
                "events": np.broadcast_to(events, self.context.shape),
                "energy": np.broadcast_to(energy, self.context.shape)}))
        frame = pd.concat(blocks, ignore_index=True)[list(LEDGER_COLUMNS)]
        frame.attrs["units"] = LEDGER_COLUMNS
        return frame

    @functools.cached_property
    def phases(self) -> pd.DataFrame:
        """Each device's share of the critical path (``op`` is the device) [s]."""
        blocks = [pd.DataFrame({
            "context": self.context.astype(np.int64), "op": device, "latency": self.latency_by_device[device],
            "hidden_latency": self.refresh_hidden_latency if device == ATTENTION else np.zeros_like(self.context),
            "cycles": np.full_like(self.context, np.nan), "clock": ""}) for device in DEVICES]
        frame = pd.concat(blocks, ignore_index=True)[list(PHASE_COLUMNS)]
        frame.attrs["units"] = PHASE_COLUMNS
        return frame

    def to_dict(self) -> dict:
        """The JSON form printed by ``archmodel estimate --json``."""
        def column(values) -> list[float]:
            return np.broadcast_to(np.asarray(values, dtype=float), self.context.shape).tolist()

        columns = {"context": self.context.astype(np.int64).tolist(), "latency_s": column(self.latency),
                   "time_per_token_s": column(self.time_per_token), "energy_j": column(self.energy),
                   "energy_per_token_j": column(self.energy_per_token), "throughput_per_s": column(self.throughput),
                   "board_energy_j": column(self.board_energy),
                   "board_energy_per_token_j": column(self.board_energy_per_token),
                   "attention_share": column(self.attention_share),
                   "micro_batches": self.micro_batches.astype(np.int64).tolist()}
        tables = {"energy_by_group_j": self.energy_by_group, "energy_by_component_j": self.energy_by_component,
                  "energy_by_device_j": self.energy_by_device, "latency_by_device_s": self.latency_by_device}
        tables = {name: {key: column(values) for key, values in table.items()} for name, table in tables.items()}
        points = []
        for index in range(self.context.size):
            point = {name: values[index] for name, values in columns.items()}
            point.update({name: {key: values[index] for key, values in table.items()} for name, table in tables.items()})
            point["area_m2"] = self.area
            point["chips"] = self.chips.chips
            points.append(point)
        return {"chip": self.system.name, "kind": "system", "workload": self.workload.name, "scope": self.scope,
                "batch": self.batch, "host": self.system.host_spec.name, "link": self.system.link_spec.name,
                "attention_chip": self.system.attention_chip.name, "chips": self.chips.chips,
                "area_per_chip_m2": self.chips.area_per_chip, "points": points, "labels": list(self.labels),
                "notes": list(self.notes), "warnings": self.warnings}
