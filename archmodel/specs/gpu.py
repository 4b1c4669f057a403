"""Specs of a GPU (datasheet numbers) and of its calibrations (what it achieved).

A GPU JSON (``"kind": "gpu"``) holds datasheet facts, each with its source:
dense peak compute per dtype, DRAM bandwidth, capacity and energy per bit,
on-chip memories, SM count, clocks, board and idle power.  It names a
calibration file beside it and the calibration used by default.

A calibration file holds named calibrations of one GPU.  Each is
``measured`` (fitted by :func:`archmodel.measure.fit.fit_calibration` from the
attention-benchmark measurements it stores), ``published`` (the parameters
named in ``fitted`` solved by :func:`archmodel.measure.public.fit_published`
from the published whole-model points it stores, the rest assumed),
``predicted`` (transferred from another GPU by
:func:`archmodel.measure.fit.transfer_calibration`) or ``assumed`` (derived
from literature figures in ``assumed``).  Its parameters give each kernel
class (weights, attention, elementwise, kv_append) a bandwidth fraction, a
compute fraction and a launch time, plus a host overhead per step and the
power terms (docs/gpu_model.md).  Its ``parameters`` are written by
``archmodel calibrate --write``, never typed; tests refit and compare.  A
predicted calibration may leave out ``kernels_per_op``: the same command
writes its source's there.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated, Literal, NamedTuple

import annotated_types

import numpy as np
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
from archmodel.specs.workload import TransformerShape, WorkloadDtype

#: number formats a GPU may list a peak for (``tfloat32``: tensor-core TF32)
ComputeDtype = Literal["float32", "tfloat32", "float16", "bfloat16", "float8", "int8", "int4"]
#: a peak compute rate, > 0 (a zero peak would divide by zero) [FLOP/s]
PositiveComputeRate = Annotated[ComputeRate, annotated_types.Gt(0)]
#: tolerance of the rule "2:4-sparse peak = 2 × dense peak" [-]
SPARSITY_TOLERANCE = 0.02


class Memory(Spec):
    type: str = Field(min_length=1, description="DRAM technology (HBM3, GDDR6X, LPDDR4, ...)")
    bandwidth: Bandwidth = Field(gt=0, description="peak DRAM bandwidth [byte/s]")
    capacity: Bytes = Field(gt=0, description="DRAM capacity usable by the GPU [byte]",
                            json_schema_extra={"structural": True})  # decides how many KV slots fit
    energy_per_bit: EnergyPerBit = Field(gt=0, description="DRAM device energy per bit moved (the floor) [J/bit]")


class OnChip(Spec):
    l2_cache: Bytes = Field(gt=0, description="L2 cache [byte]",
                            json_schema_extra={"structural": True})  # decides which steps run from L2
    shared_memory_per_sm: Bytes = Field(gt=0, description="largest shared memory of one SM [byte]")
    l2_bandwidth: Bandwidth | None = Field(default=None, gt=0, description="L2 read bandwidth; absent: L2 residency is "
                                                                           "not modelled [byte/s]")


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


class PublishedPoint(Spec):
    """One published measurement of whole-model decoding (every layer, projections, MLP, LM head)."""

    label: str = Field(min_length=1)
    source: str = Field(min_length=1, description="URL of the publication")
    setup: str = Field(min_length=1, description="software, lengths, how it was measured")
    model: TransformerShape
    dtype: WorkloadDtype
    batch: PositiveInt = Field(description="sequences per decode step [-]")
    context: PositiveInt = Field(description="mean tokens attended per step [-]")
    time_per_token: Time | None = Field(default=None, gt=0, description="step time / batch = 1 / throughput [s]")
    board_energy_per_token: Energy | None = Field(default=None, gt=0, description="whole-board energy / token [J]")
    board_power: Power | None = Field(default=None, gt=0, description="mean whole-board power while decoding [W]")

    @model_validator(mode="after")
    def _measures_something(self):
        if self.time_per_token is None and self.board_energy_per_token is None and self.board_power is None:
            raise ValueError("a published point needs time_per_token, board_energy_per_token or board_power")
        return self


#: kernel classes of the GPU cost model (see docs/gpu_model.md)
KernelClassName = Literal["weights", "attention", "elementwise", "kv_append"]
KERNEL_CLASSES: tuple[str, ...] = ("weights", "attention", "elementwise", "kv_append")
#: the kernel class of each op kind
KERNEL_CLASS_OF_KIND = {
    "embedding": "elementwise", "attention_norm": "elementwise", "q_projection": "weights", "k_projection": "weights",
    "v_projection": "weights", "kv_write": "kv_append", "score": "attention", "activation": "attention",
    "weighted_sum": "attention", "head_reduction": "elementwise", "output_projection": "weights",
    "mlp_norm": "elementwise", "mlp_up": "weights", "mlp_activation": "elementwise", "mlp_down": "weights",
    "final_norm": "elementwise", "lm_head": "weights",
}
#: parameters a ``published`` calibration may fit (all others are assumed)
FITTABLE = ("step_overhead", "attention_bandwidth_fraction", "active_power")


class AssumedClass(Spec):
    bandwidth_fraction: Fraction | None = Field(default=None, gt=0, le=1, description="η of the class [-]")
    compute_fraction: Fraction | None = Field(default=None, gt=0, le=1, description="κ of the class [-]")
    launch_time: Time | None = Field(default=None, ge=0, description="launch time of one kernel [s]")


class Assumed(Spec):
    """Inputs a calibration does not fit: stated with their reasons."""

    kernel_overhead: Time | None = Field(default=None, ge=0, description="t0 per kernel launch [s]")
    compute_fraction: Fraction | None = Field(default=None, gt=0, le=1, description="κ, achieved / peak compute [-]")
    bandwidth_fraction: Fraction | None = Field(default=None, gt=0, le=1, description="η, achieved / peak bandwidth [-]")
    board_power_fraction: Fraction | None = Field(default=None, gt=0, le=1, description="board power while busy / board limit [-]")
    kernel_classes: dict[KernelClassName, AssumedClass] = Field(default_factory=dict, description="per kernel class")
    step_overhead: Time | None = Field(default=None, ge=0, description="host time per decode step [s]")
    active_power: Power | None = Field(default=None, ge=0, description="power above idle while kernels run [W]")
    dram_energy_per_bit: EnergyPerBit | None = Field(default=None, gt=0, description="dynamic DRAM energy per bit [J/bit]")
    energy_per_flop: Energy | None = Field(default=None, ge=0, description="dynamic energy per FLOP [J/FLOP]")


class Transfer(Spec):
    gpu_spec: str = Field(min_length=1, description="GPU JSON of the measured GPU, relative to this file")
    calibration: str = Field(min_length=1, description="name of its calibration to transfer")


class KernelClass(Spec):
    """How kernels of one class run: achieved fractions of the peaks and the launch time of one kernel."""

    bandwidth_fraction: Fraction = Field(gt=0, le=1, description="η: achieved DRAM bandwidth / peak [-]")
    compute_fraction: Fraction = Field(gt=0, le=1, description="κ: achieved compute / peak [-]")
    launch_time: Time = Field(ge=0, description="t_l: launch time of one kernel (with overlap: shortest kernel) [s]")


class Parameters(Spec):
    """What the cost model reads (see docs/gpu_model.md)."""

    kernel_classes: dict[KernelClassName, KernelClass] = Field(description="η, κ, t_l per kernel class")
    step_overhead: Time = Field(ge=0, description="t_h: host time per decode step not overlapped with kernels [s]")
    active_power: Power = Field(ge=0, description="P_a: power above idle while kernels run, beyond the terms below [W]")
    dram_energy_per_bit: EnergyPerBit = Field(gt=0, description="e_dram: dynamic energy per DRAM bit moved [J/bit]")
    energy_per_flop: Energy = Field(ge=0, description="e_flop: dynamic energy per FLOP [J/FLOP]")

    @model_validator(mode="after")
    def _every_class(self):
        missing = [name for name in KERNEL_CLASSES if name not in self.kernel_classes]
        if missing:
            raise ValueError(f"kernel_classes needs every class; missing: {', '.join(missing)}")
        return self

    def kernel_class(self, kind: str) -> KernelClass:
        """Parameters of the kernel class that runs ops of ``kind``."""
        return self.kernel_classes[KERNEL_CLASS_OF_KIND[kind]]


def _missing_assumptions(calibration: "Calibration") -> list[str]:
    """Assumed inputs a ``published`` calibration lacks for the parameters it does not fit."""
    a, fitted, missing = calibration.assumed, calibration.fitted, []
    for name in KERNEL_CLASSES:
        given = a.kernel_classes.get(name, AssumedClass())
        for field in AssumedClass.model_fields:
            exempt = name == "attention" and field == "bandwidth_fraction" and "attention_bandwidth_fraction" in fitted
            if getattr(given, field) is None and not exempt:
                missing.append(f"kernel_classes.{name}.{field}")
    for name in ("step_overhead", "active_power", "dram_energy_per_bit", "energy_per_flop"):
        if getattr(a, name) is None and name not in fitted:
            missing.append(name)
    return missing


class Calibration(Spec):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="identifier")
    status: Literal["measured", "predicted", "assumed", "published"]
    date: datetime.date = Field(description="when the calibration was made")
    method: str = Field(min_length=1, description="how the numbers were obtained")
    source: str = Field(min_length=1, description="where the measurement or figures come from")
    implementation: str = Field(min_length=1, description="the software the calibration describes")
    launch_overlap: bool = Field(default=False, description="CUDA graphs / asynchronous scheduling: a launch overlaps "
                                                            "the previous kernel")
    kernels_per_op: dict[str, NonNegativeInt] | None = Field(
        default=None, description="kernel launches per op kind; key 'default' for the rest (a predicted calibration "
                                  "may leave it out: calibrate writes its source's) [-]")
    assumed: Assumed = Field(default_factory=Assumed)
    measurements: list[Measurement] = Field(default_factory=list)
    published: list[PublishedPoint] = Field(default_factory=list, description="published points a calibration is fitted to")
    fitted: list[Literal["step_overhead", "attention_bandwidth_fraction", "active_power"]] = Field(
        default_factory=list, description="parameters a published calibration fits to ``published``")
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
        legacy = ("kernel_overhead", "compute_fraction", "bandwidth_fraction", "board_power_fraction")
        missing = [name for name in legacy if getattr(self.assumed, name) is None]
        if self.status == "assumed" and missing:
            raise ValueError(f"an assumed calibration needs assumed.{', assumed.'.join(missing)}")
        if self.status == "published":
            if not self.published:
                raise ValueError("a published calibration needs at least one entry in published")
            missing = _missing_assumptions(self)
            if missing:
                raise ValueError(f"a published calibration needs assumed.{', assumed.'.join(missing)} (not fitted)")
        return self

    def kernels(self, kind: str) -> int:
        """Kernel launches of an op of ``kind``."""
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
    """Largest dynamic power of a memory-bound kernel in the calibrated model, and what the board allows [W].

    P_dyn = P_a + 8·e_dram·max_c(η_c)·B_peak  (active power plus DRAM at the best achieved bandwidth);
    allowed = P_board − P_idle.
    """
    eta = max(c.bandwidth_fraction for c in parameters.kernel_classes.values())
    dram = 8 * parameters.dram_energy_per_bit * eta * gpu.memory.bandwidth
    return parameters.active_power + dram, gpu.power.board - gpu.power.idle


def check_physical(gpu: GPU, parameters: Parameters, file: str, path: str) -> None:
    """Refuse parameters no real GPU could have (η, κ ≤ 1 are checked by the spec).

    Fields may hold arrays (sweep variants, :mod:`archmodel.specs.arrays`): any element that fails refuses.
    """
    device = np.asarray(gpu.memory.energy_per_bit)
    if np.any(parameters.dram_energy_per_bit < device * (1 - 1e-9)):
        raise SpecError(file, f"{path}.dram_energy_per_bit", f"not physically possible: "
                        f"{parameters.dram_energy_per_bit:.4g} J/bit is below the DRAM device energy "
                        f"{np.max(device):.4g} J/bit of {gpu.name}")
    dynamic, allowed = (np.asarray(value) for value in dynamic_power_bound(gpu, parameters))
    if np.any(dynamic > allowed):
        worst = np.argmax(np.broadcast_to(dynamic - allowed, np.broadcast_shapes(dynamic.shape, allowed.shape)))
        raise SpecError(file, path, f"not physically possible: dynamic power {np.ravel(dynamic)[worst % dynamic.size]:.4g} W "
                        f"exceeds board minus idle power {np.ravel(allowed)[worst % allowed.size]:.4g} W of {gpu.name}")


def with_calibration(gpu: GPU, name: str | None = None, file: str | Path | None = None) -> GPU:
    """A copy of ``gpu`` using calibration ``name`` (from ``file`` if given); read and checked at once."""
    from archmodel.specs.loading import with_overrides

    overrides = {} if name is None else {"calibration.name": name}
    if file is not None:
        overrides["calibration.file"] = str(Path(file).resolve())
    updated = with_overrides(gpu, overrides, label="calibration")
    updated._selected = select_calibration(updated)
    return updated
