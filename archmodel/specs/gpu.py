"""Specs of a GPU (datasheet numbers) and of its calibrations (what it achieved).

A GPU JSON (``"kind": "gpu"``) holds datasheet facts, each with its source:
dense peak compute per dtype, DRAM bandwidth, capacity and energy per bit,
on-chip memories, SM count, clocks, board and idle power.  It names a
calibration file beside it and the calibration used by default.

A calibration file holds named calibrations of one GPU.  Each is
``measured`` (fitted by :func:`archmodel.measure.fit.fit_calibration` from the
measurements it stores), ``predicted`` (transferred from a measured GPU by
:func:`archmodel.measure.fit.transfer_calibration`) or ``assumed`` (derived
from literature figures in ``assumed``).  Its ``parameters`` are written by
``archmodel calibrate --write``, never typed; tests refit and compare.  A
predicted calibration may leave out ``kernels_per_op``: the same command
writes its source's there.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated, Literal, NamedTuple

import annotated_types

from pydantic import Field, NonNegativeInt, PositiveInt, PrivateAttr, model_validator

from archmodel.specs.errors import SpecError
from archmodel.specs.quantities import (
    Area,
    Bandwidth,
    Bytes,
    ComputeRate,
    Document,
    EnergyPerBit,
    Energy,
    Fraction,
    Frequency,
    Power,
    Spec,
    Time,
)
from archmodel.specs.workload import WorkloadDtype

#: number formats a GPU may list a peak for (``tfloat32``: tensor-core TF32)
ComputeDtype = Literal["float32", "tfloat32", "float16", "bfloat16", "float8", "int8", "int4"]
#: a peak compute rate, > 0 (a zero peak would divide by zero) [FLOP/s]
PositiveComputeRate = Annotated[ComputeRate, annotated_types.Gt(0)]
#: tolerance of the rule "2:4-sparse peak = 2 × dense peak" [-]
SPARSITY_TOLERANCE = 0.02


class Memory(Spec):
    type: str = Field(min_length=1, description="DRAM technology (HBM3, GDDR6X, LPDDR4, ...)")
    bandwidth: Bandwidth = Field(gt=0, description="peak DRAM bandwidth [byte/s]")
    capacity: Bytes = Field(gt=0, description="DRAM capacity usable by the GPU [byte]")
    energy_per_bit: EnergyPerBit = Field(gt=0, description="DRAM device energy per bit moved (the floor) [J/bit]")


class OnChip(Spec):
    l2_cache: Bytes = Field(gt=0, description="L2 cache [byte]")
    shared_memory_per_sm: Bytes = Field(gt=0, description="largest shared memory of one SM [byte]")


class Clocks(Spec):
    base: Frequency | None = Field(default=None, gt=0, description="base clock [Hz]")
    boost: Frequency = Field(gt=0, description="boost clock [Hz]")


class GPUPower(Spec):
    board: Power = Field(gt=0, description="board power limit (TDP / TGP, highest power mode) [W]")
    idle: Power = Field(ge=0, description="power at idle, 0 % utilisation [W]")

    @model_validator(mode="after")
    def _idle_below_board(self):
        if self.idle >= self.board:
            raise ValueError(f"idle power ({self.idle} W) must be below board power ({self.board} W)")
        return self


class CalibrationChoice(Spec):
    file: str = Field(min_length=1, description="calibration JSON, relative to the GPU JSON's folder")
    name: str = Field(min_length=1, description="name of the calibration used by default")


class GPU(Document):
    kind: Literal["gpu"]
    name: str = Field(min_length=1, description="full name; calibration files name their GPU by it")
    short_name: str = Field(min_length=1, description="name in tables and labels")
    description: str = ""
    segment: Literal["datacenter", "desktop", "embedded"]
    device_names: list[str] = Field(default_factory=list, description="names the CUDA driver reports")
    peak_compute: dict[ComputeDtype, PositiveComputeRate] = Field(
        min_length=1, description="dense peak compute (no 2:4 sparsity) per number format [FLOP/s]")
    peak_compute_sparse: dict[ComputeDtype, PositiveComputeRate] = Field(
        default_factory=dict, description="2:4-sparse peak, listed only to guard against confusion [FLOP/s]")
    memory: Memory
    on_chip: OnChip
    streaming_multiprocessors: PositiveInt = Field(description="SMs enabled [-]")
    clocks: Clocks
    power: GPUPower
    process: str = Field(min_length=1, description="foundry process")
    die_area: Area | None = Field(default=None, gt=0, description="die area [m²]")
    calibration: CalibrationChoice
    #: the chosen calibration, resolved once (see :func:`selected_calibration`)
    _selected: Selected | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _sparse_is_twice_dense(self):
        for dtype, sparse in self.peak_compute_sparse.items():
            dense = self.peak_compute.get(dtype)
            if dense is not None and abs(sparse / (2 * dense) - 1) > SPARSITY_TOLERANCE:
                raise ValueError(
                    f"peak_compute_sparse.{dtype} ({sparse:.4g} FLOP/s) must be twice peak_compute.{dtype} "
                    f"({dense:.4g} FLOP/s); is a 2:4-sparse figure entered as dense?")
        return self


class Measurement(Spec):
    """One measured decode step: attention only, a full KV buffer of ``kv_slots`` attended."""

    label: str = ""
    batch: PositiveInt = Field(description="sequences per step [-]")
    heads: PositiveInt = Field(description="query heads [-]")
    kv_heads: PositiveInt = Field(description="key/value heads [-]")
    head_dim: PositiveInt = Field(description="d [-]")
    kv_slots: PositiveInt = Field(description="KV buffer slots attended at every step [-]")
    dtype: WorkloadDtype
    time_per_token: Time = Field(gt=0, description="step time / batch [s]")
    energy_per_token: Energy | None = Field(default=None, gt=0, description="step energy above idle / batch [J]")


class Assumed(Spec):
    """Inputs a calibration does not fit: stated with their reasons."""

    kernel_overhead: Time | None = Field(default=None, ge=0, description="t0 per kernel launch [s]")
    compute_fraction: Fraction | None = Field(default=None, gt=0, le=1, description="κ, achieved / peak compute [-]")
    bandwidth_fraction: Fraction | None = Field(default=None, gt=0, le=1, description="η, achieved / peak bandwidth [-]")
    board_power_fraction: Fraction | None = Field(default=None, gt=0, le=1, description="board power while busy / board limit [-]")


class Transfer(Spec):
    gpu_spec: str = Field(min_length=1, description="GPU JSON of the measured GPU, relative to this file")
    calibration: str = Field(min_length=1, description="name of its calibration to transfer")


class Parameters(Spec):
    """What the cost model reads (see docs/gpu_model.md)."""

    bandwidth_fraction: Fraction = Field(gt=0, le=1, description="η: achieved DRAM bandwidth / peak [-]")
    compute_fraction: Fraction = Field(gt=0, le=1, description="κ: achieved compute / peak [-]")
    kernel_overhead: Time = Field(ge=0, description="t0: fixed time per kernel launch [s]")
    processor_power: Power = Field(ge=0, description="P: power above idle of all but the DRAM devices while busy [W]")


class Calibration(Spec):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="identifier")
    status: Literal["measured", "predicted", "assumed"]
    date: datetime.date = Field(description="when the calibration was made")
    method: str = Field(min_length=1, description="how the numbers were obtained")
    source: str = Field(min_length=1, description="where the measurement or figures come from")
    implementation: str = Field(min_length=1, description="the software the calibration describes")
    kernels_per_op: dict[str, NonNegativeInt] | None = Field(
        default=None, description="kernel launches per op kind; key 'default' for the rest (a predicted calibration "
                                  "may leave it out: calibrate writes its source's) [-]")
    assumed: Assumed = Field(default_factory=Assumed)
    measurements: list[Measurement] = Field(default_factory=list)
    transfer: Transfer | None = None
    parameters: Parameters | None = None

    @model_validator(mode="after")
    def _inputs_of_status(self):
        if self.kernels_per_op is None and self.status != "predicted":
            raise ValueError(f"a {self.status} calibration needs kernels_per_op (only a predicted one inherits its source's)")
        if self.kernels_per_op is not None and "default" not in self.kernels_per_op:
            raise ValueError("kernels_per_op needs a 'default' entry (launches of op kinds not listed)")
        if self.status == "measured" and not self.measurements:
            raise ValueError("a measured calibration needs at least one entry in measurements")
        if self.status == "measured" and self.assumed.compute_fraction is None:
            raise ValueError("a measured calibration needs assumed.compute_fraction (decode attention is memory-bound, "
                             "so κ cannot be fitted from it)")
        if self.status == "predicted" and self.transfer is None:
            raise ValueError("a predicted calibration needs a transfer block (gpu_spec, calibration)")
        missing = [name for name in Assumed.model_fields if getattr(self.assumed, name) is None]
        if self.status == "assumed" and missing:
            raise ValueError(f"an assumed calibration needs assumed.{', assumed.'.join(missing)}")
        return self

    def kernels(self, kind: str) -> int:
        """Kernel launches of an op of ``kind`` [-]."""
        return kernel_launches(self.kernels_per_op, kind)


def kernel_launches(kernels_per_op: dict[str, int], kind: str) -> int:
    """Kernel launches of an op of ``kind`` under ``kernels_per_op`` (its ``default`` for kinds not listed) [-]."""
    return kernels_per_op.get(kind, kernels_per_op["default"])


class CalibrationFile(Document):
    gpu: str = Field(min_length=1, description="the GPU's name (its spec's ``name``)")
    calibrations: list[Calibration] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self):
        names = [calibration.name for calibration in self.calibrations]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"calibration names must be unique, repeated: {', '.join(repeated)}")
        return self

    def index(self, name: str) -> int:
        """Position of calibration ``name``; ``-1`` when absent."""
        names = [calibration.name for calibration in self.calibrations]
        return names.index(name) if name in names else -1


def calibration_path(gpu: GPU) -> Path:
    """The calibration file a GPU spec names, resolved beside the spec."""
    return Path(gpu.file).parent / gpu.calibration.file


def validate_calibration_file(document: dict, file: str, gpu: GPU) -> CalibrationFile:
    """Validate the JSON ``document`` of a calibration file and check it is for ``gpu``."""
    from archmodel.specs.loading import validate  # loading imports the kind registry, which imports us

    validated = validate(CalibrationFile, document, file)
    if validated.gpu != gpu.name:
        raise SpecError(file, "$.gpu", f"calibration is for {validated.gpu!r}, not for {gpu.name!r} ({gpu.file})")
    return validated


def load_calibration_file(path: str | Path, gpu: GPU) -> CalibrationFile:
    """Load a calibration file and check it is for ``gpu``."""
    from archmodel.specs.loading import read_json

    return validate_calibration_file(read_json(path), str(path), gpu)


class Selected(NamedTuple):
    """A calibration, the file it came from and its JSON path there."""

    calibration: Calibration
    file: str
    path: str


def select_calibration(gpu: GPU, name: str | None = None) -> Selected:
    """The calibration ``name`` (default: the spec's) of ``gpu``; checks it is usable."""
    name = name or gpu.calibration.name
    path = calibration_path(gpu)
    document = load_calibration_file(path, gpu)
    position = document.index(name)
    if position < 0:
        available = ", ".join(c.name for c in document.calibrations)
        raise SpecError(gpu.file, "$.calibration.name", f"no calibration named {name!r} in {path}; available: {available}")
    calibration = document.calibrations[position]
    where = f"$.calibrations[{position}]"
    if calibration.parameters is None:
        raise SpecError(str(path), f"{where}.parameters", f"calibration {name!r} has no parameters yet; run "
                        f"'archmodel calibrate --chip {gpu.file} --write' to fit them")
    if calibration.kernels_per_op is None:
        raise SpecError(str(path), f"{where}.kernels_per_op", f"calibration {name!r} has no kernels_per_op yet; run "
                        f"'archmodel calibrate --chip {gpu.file} --write' to copy those of its source")
    check_physical(gpu, calibration.parameters, str(path), f"{where}.parameters")
    return Selected(calibration, str(path), where)


def selected_calibration(gpu: GPU) -> Selected:
    """The calibration ``gpu`` uses (its spec's ``calibration``), read and checked once and kept on ``gpu``."""
    if gpu._selected is None:
        gpu._selected = select_calibration(gpu)
    return gpu._selected


def dynamic_power_bound(gpu: GPU, parameters: Parameters) -> tuple[float, float]:
    """Largest dynamic power the calibrated model draws, and what the board allows [W].

    P_dyn = P + 8·e_bit·η·B_peak  (processor plus DRAM at the achieved bandwidth);
    allowed = P_board − P_idle.
    """
    dram = 8 * gpu.memory.energy_per_bit * parameters.bandwidth_fraction * gpu.memory.bandwidth
    return parameters.processor_power + dram, gpu.power.board - gpu.power.idle


def check_physical(gpu: GPU, parameters: Parameters, file: str, path: str) -> None:
    """Refuse parameters no real GPU could have (η, κ ≤ 1 are checked by the spec)."""
    dynamic, allowed = dynamic_power_bound(gpu, parameters)
    if dynamic > allowed:
        raise SpecError(file, path, f"not physically possible: dynamic power {dynamic:.4g} W exceeds board minus idle "
                        f"power {allowed:.4g} W of {gpu.name}")


def with_calibration(gpu: GPU, name: str | None = None, file: str | Path | None = None) -> GPU:
    """A copy of ``gpu`` using calibration ``name`` (from ``file`` if given); read and checked at once."""
    from archmodel.specs.loading import with_overrides

    overrides = {} if name is None else {"calibration.name": name}
    if file is not None:
        overrides["calibration.file"] = str(Path(file).resolve())
    updated = with_overrides(gpu, overrides, label="calibration")
    updated._selected = select_calibration(updated)
    return updated
