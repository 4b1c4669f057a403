"""The system orchestrator: partition → cost each device → schedule → refresh → SystemEstimate.

A system always estimates the whole model for one decode step of every
sequence of the batch, whatever the workload's ``scope`` says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archmodel.engine.estimate import context_array
from archmodel.engine.schema import check_batch
from archmodel.specs.loading import with_overrides
from archmodel.system.partition import (
    ATTENTION,
    HOST,
    LINK,
    ChipCount,
    attention_workload,
    chip_count,
    host_workload,
    link_traffic,
)
from archmodel.system.parts import ChipPart, HostPart, chip_energy, chip_part, host_part, refresh_at
from archmodel.system.results import SystemEstimate
from archmodel.system.schedule import LayerTimes, Timeline, micro_batch_counts, pipeline


@dataclass(frozen=True)
class LinkTimes:
    """One layer's transfers for one micro-batch: round trip and the busier direction [s]."""

    round_trip: float
    busy: float


def link_times(link, traffic, micro_batch: int) -> LinkTimes:
    """t = 2·latency + (bits up + bits down) / (8·bandwidth); busy = max(bits up, bits down) / (8·bandwidth) [s]."""
    up, down = traffic.to_chips * micro_batch, traffic.to_host * micro_batch
    rate = 8 * link.bandwidth  # [bit/s]
    return LinkTimes(2 * link.latency + (up + down) / rate, max(up, down) / rate)


def _schedule(system, host: HostPart, chips: ChipPart, outside: np.ndarray, micro_batches: int, layers: int,
              traffic) -> Timeline:
    link = link_times(system.link_spec, traffic, host.batch)
    times = LayerTimes(host=host.in_layers / layers, link=np.full_like(outside, link.round_trip),
                       link_busy=np.full_like(outside, link.busy), chips=chips.latency / layers,
                       chips_shared=chips.shares_arrays)
    return pipeline(times, micro_batches, layers, outside)


def _choose(values: list[np.ndarray], index: np.ndarray) -> np.ndarray:
    return np.choose(index, [np.broadcast_to(value, index.shape) for value in values])


@dataclass(frozen=True)
class Schedule:
    """The fastest micro-batch split at each context, with the host energy it implies."""

    token_time: np.ndarray
    by_device: dict[str, np.ndarray]
    micro_batches: np.ndarray
    host_energy: dict


def fastest_schedule(system, on_host, on_chips, contexts, full_host: HostPart, full_chips: ChipPart, traffic
                     ) -> Schedule:
    """Try every micro-batch count m dividing the batch; keep the fastest per context.

    Host ops inside the layers run m times at batch B/m (energy × m); those
    outside run once at batch B.
    """
    batch, layers = on_host.batch, on_host.model.layers
    counts = micro_batch_counts(batch)
    timelines, energies = [], []
    for m in counts:
        host = full_host if m == 1 else host_part(system.host_spec, on_host, contexts, batch // m)
        chips = full_chips if m == 1 else chip_part(system.attention_chip, on_chips, contexts, batch // m)
        timelines.append(_schedule(system, host, chips, full_host.outside, m, layers, traffic))
        energies.append({key: value * m for key, value in host.energy.items() if key[0] not in host.outside_ops})
    best = np.argmin(np.stack([timeline.token_time for timeline in timelines]), axis=0)
    by_device = {device: _choose([t.by_device[device] for t in timelines], best) for device in (HOST, LINK, ATTENTION)}
    host_energy = {key: _choose([each.get(key, 0.0) for each in energies], best)
                   for key in sorted({key for each in energies for key in each})}
    host_energy.update({key: value for key, value in full_host.energy.items() if key[0] in full_host.outside_ops})
    return Schedule(_choose([t.token_time for t in timelines], best), by_device, np.asarray(counts)[best], host_energy)


def estimate_system(system, workload, context=1024, batch: int | None = None) -> SystemEstimate:
    """One decode step of the whole model on ``system``: host, link and attention chips.

    Parameters
    ----------
    system : System
        From :func:`archmodel.load_chip` on a ``"kind": "system"`` JSON.
    workload : Workload
        Its ``scope`` is ignored: a system always runs the whole model.
    context : int or sequence of int
        Context lengths [-].
    batch : int, optional
        Sequences decoded together; defaults to the workload's.
    """
    contexts = context_array(context)
    if batch is not None and check_batch(batch) != workload.batch:
        workload = with_overrides(workload, {"batch": int(batch)}, label="batch")
    if workload.scope != "full":
        workload = with_overrides(workload, {"scope": "full"}, label="system: whole model")
    on_host, on_chips, traffic = host_workload(workload), attention_workload(workload), link_traffic(workload)
    full_host = host_part(system.host_spec, on_host, contexts, workload.batch)
    full_chips = chip_part(system.attention_chip, on_chips, contexts, workload.batch)
    count = chip_count(system, on_chips, full_chips.result.area, full_chips.copies)
    schedule = fastest_schedule(system, on_host, on_chips, contexts, full_host, full_chips, traffic)
    return _assemble(system, workload, contexts, full_host, full_chips, count, traffic, schedule)


def _assemble(system, workload, contexts, full_host: HostPart, full_chips: ChipPart, count: ChipCount, traffic,
              schedule: Schedule) -> SystemEstimate:
    """Refresh at the schedule's token interval, then every device's energy by ledger key."""
    refresh = refresh_at(full_chips, contexts, schedule.token_time)
    by_device = {**schedule.by_device, ATTENTION: schedule.by_device[ATTENTION] + refresh.latency}
    energy, events = dict(schedule.host_energy), dict(refresh.events)
    for direction, bits in traffic_bits(workload, traffic).items():
        energy[(direction, "link", LINK)] = np.full_like(contexts, bits * system.link_spec.energy_per_bit)
        events[(direction, "link", LINK)] = np.full_like(contexts, bits)
    energy.update(chip_energy(full_chips))
    for key, value in refresh.energy.items():
        energy[key] = energy.get(key, 0.0) + value
    return SystemEstimate(system=system, workload=workload, context=contexts,
                          latency=schedule.token_time + refresh.latency, latency_by_device=by_device,
                          energy_by_key=energy, events_by_key=events, chips=count,
                          micro_batches=schedule.micro_batches, refresh_hidden_latency=refresh.hidden_latency,
                          attention_result=full_chips.result, labels=full_host.labels,
                          notes=full_host.notes + _notes(system, count), host_calibration=full_host.calibration)


def traffic_bits(workload, traffic) -> dict[str, float]:
    """Bits over the link per step, all layers and sequences, each direction [bit]."""
    scale = workload.model.layers * workload.batch
    return {"link_to_chips": traffic.to_chips * scale, "link_to_host": traffic.to_host * scale}


def _notes(system, count: ChipCount) -> tuple[str, ...]:
    return (
        f"attention on {count.chips} die(s) of at most {count.max_die_area * 1e6:.0f} mm² ({count.units} KV-head "
        f"windows, {count.units_per_die} per die); links between dies are not costed",
        "host energy is the GPU's energy for its own ops; its idle power while it waits for the chips is not counted",
        f"link: {system.link_spec.name} ({system.link_spec.file})",
    )
