"""Calibration parameters computed from measurements (never typed to match).

The GPU cost model (:mod:`archmodel.costs.gpu`) of one decode step of a
measured attention workload, when every op that moves bytes is
memory-bound (decode attention does ≈0.5 FLOP per byte, two orders below
every GPU's ridge point; the fit checks it), is linear in t0 and 1/η::

    T = K·t0 + A/η + C                                        [s]
    K = Σ_op k_op          A = Σ_op Q_op / B_peak             C = Σ_(Q_op = 0) F_op / (κ·F_peak)

A measured calibration fits t0 and 1/η by least squares over its
measurements (t0 fixed when ``assumed.kernel_overhead`` is given, else
bounded at ≥ 0); κ is always assumed.  The power above idle, with the DRAM
devices charged at e_bit per bit, fits P by least squares::

    E_j = 8·e_bit·Q_j + P·t_x,j   →    P = Σ (E_j − 8·e_bit·Q_j)·t_x,j / Σ t_x,j²      [W]

with T_j the model's time and t_x = T − K·t0 the time kernels run (launch
gaps of an eager loop are at idle power).  One measured benchmark cannot
tell kernel classes apart: a measured calibration gives every class the
same η, κ and t0 (launch time), no launch overlap and no host overhead.

A predicted calibration keeps η, κ, t_l, t_h, the launch overlap and the
kernel structure of its source and scales the power terms::

    e_dram,target = e_dram,source · e_bit,target / e_bit,source
    P_a,target = φ·(P_board − P_idle)_target − 8·e_dram,target·η_max·B_peak,target
    φ = P_dyn,source / (P_board − P_idle)_source

(the busy dynamic power P_dyn = P_a + 8·e_dram·η_max·B_peak, see
:func:`~archmodel.specs.gpu.dynamic_power_bound`, takes the same share of
the power headroom on both GPUs).

An assumed calibration takes η, κ, t0 from the literature and P_a from a
board-power fraction φ:  P_a = φ·P_board − P_idle − 8·e_bit·η·B_peak.
A published calibration is fitted to published whole-model measurements
(:mod:`archmodel.measure.public`).  Every result is checked against
:func:`archmodel.specs.gpu.check_physical`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from archmodel.costs.gpu import BITS_PER_BYTE, op_traffic
from archmodel.graph.build import build_graph, live_tokens, ops_in_order
from archmodel.specs.errors import SpecError
from archmodel.specs.gpu import (
    GPU,
    KERNEL_CLASSES,
    Calibration,
    KernelClass,
    Measurement,
    Parameters,
    calibration_path,
    check_physical,
    dynamic_power_bound,
    kernel_launches,
    select_calibration,
)
from archmodel.specs.loading import load_chip, validate
from archmodel.specs.workload import Workload


def measurement_workload(measurement: Measurement, label: str) -> Workload:
    """The attention-only, full-buffer workload of one measurement (one layer)."""
    d_model = measurement.heads * measurement.head_dim
    document = {
        "name": measurement.label or label,
        "model": {"layers": 1, "d_model": d_model, "heads": measurement.heads, "kv_heads": measurement.kv_heads,
                  "head_dim": measurement.head_dim, "d_ff": 4 * d_model, "vocab": 1, "max_context": measurement.kv_slots},
        "attention": {"kind": "full_buffer", "window": measurement.kv_slots},
        "dtype": measurement.dtype,
        "batch": measurement.batch,
        "scope": "attention",
    }
    return validate(Workload, document, label)


@dataclass(frozen=True)
class StepTerms:
    """The terms of T = K·t0 + A/η + C for one measured step, and what the checks need.

    ``memory_terms`` and ``compute_terms`` are Q_op / B_peak and F_op / (κ·F_peak) of each op that moves bytes [s].
    """

    kernels: float
    compute_time: float
    moved: float
    memory_terms: tuple[float, ...]
    compute_terms: tuple[float, ...]

    @property
    def memory_time(self) -> float:
        """A = Σ_op Q_op / B_peak [s]."""
        return sum(self.memory_terms)

    def time(self, eta: float, t0: float) -> float:
        """The model's step time T = K·t0 + A/η + C [s] at bandwidth fraction ``eta`` and kernel overhead ``t0`` [s]."""
        return self.kernels * t0 + self.memory_time / eta + self.compute_time

    def busy_time(self, eta: float) -> float:
        """t_x = A/η + C: the time kernels run, without launch gaps [s]."""
        return self.memory_time / eta + self.compute_time

    def energy(self, eta: float, t0: float, power: float, energy_per_bit: float) -> float:
        """The model's step energy above idle E = 8·e_bit·Q + P·t_x [J] (``power`` P [W], ``energy_per_bit`` e_bit
        [J/bit]); launch gaps (K·t0) are at idle power."""
        return BITS_PER_BYTE * energy_per_bit * self.moved + power * self.busy_time(eta)


def step_terms(gpu: GPU, measurement: Measurement, kernels_per_op: dict[str, int], compute_fraction: float,
               label: str) -> StepTerms:
    """K [-], A [s], C [s] and bytes moved Q [byte] of one measured step under ``kernels_per_op`` and κ."""
    workload = measurement_workload(measurement, label)
    peak = gpu.peak_compute.get(measurement.dtype)
    if peak is None:
        raise SpecError(label, "$.dtype", f"{gpu.short_name} lists no peak compute for {measurement.dtype!r}")
    compute = compute_fraction * peak
    n = live_tokens(workload, np.array([measurement.kv_slots]))
    kernels = fixed = moved = 0.0
    memory_terms, compute_terms = [], []
    for op in ops_in_order(build_graph(workload)):
        q, f = (float(x[0]) for x in op_traffic(op, measurement.batch, workload.dtype_bytes, n))
        kernels += kernel_launches(kernels_per_op, op.kind)
        moved += q
        if q > 0:
            memory_terms.append(q / gpu.memory.bandwidth)
            compute_terms.append(f / compute)
        else:
            fixed += f / compute
    return StepTerms(kernels, fixed, moved, tuple(memory_terms), tuple(compute_terms))


def _solve_time(kernels: np.ndarray, memory: np.ndarray, rest: np.ndarray, overhead: float | None) -> tuple[float, float]:
    """Least-squares (t0 [s], 1/η [-]) of T − C = K·t0 + A·(1/η) (``rest`` = T − C [s]); t0 ≥ 0."""
    if overhead is None:
        design = np.column_stack([kernels, memory])
        (t0, inverse), *_ = np.linalg.lstsq(design, rest, rcond=None)
        if t0 >= 0:
            return float(t0), float(inverse)
        overhead = 0.0
    remainder = rest - kernels * overhead
    return overhead, float(np.dot(memory, remainder) / np.dot(memory, memory))


def fit_time(terms: list[StepTerms], times: np.ndarray, calibration: Calibration, file: str, path: str) -> tuple[float, float]:
    """Fitted bandwidth fraction η [-] and kernel overhead t0 [s]; refuses what is not physical."""
    overhead = calibration.assumed.kernel_overhead
    memory = np.array([t.memory_time for t in terms])
    if overhead is None and np.ptp(memory) <= 1e-9 * np.max(memory):
        raise SpecError(file, f"{path}.assumed.kernel_overhead", "one measured size cannot separate kernel overhead "
                        "from bandwidth; give assumed.kernel_overhead or measure at least two sizes")
    kernels = np.array([t.kernels for t in terms])
    rest = times - np.array([t.compute_time for t in terms])
    t0, inverse = _solve_time(kernels, memory, rest, overhead)
    if inverse <= 1:
        eta = 1 / inverse if inverse > 0 else float("inf")
        raise SpecError(file, f"{path}.measurements", f"not physically possible: the measured times need a bandwidth "
                        f"fraction η = {eta:.4g} > 1 (faster than the peak bandwidth) after {t0:.4g} s per kernel")
    eta = 1 / inverse
    for term in terms:
        if any(m / eta < c for m, c in zip(term.memory_terms, term.compute_terms)):
            raise SpecError(file, f"{path}.measurements", "an op is compute-bound at the fitted parameters; this fit "
                            "assumes memory-bound decode attention")
    return eta, t0


def fit_power(gpu: GPU, terms: list[StepTerms], model_times: np.ndarray, energies: list[float | None],
              file: str, path: str) -> float:
    """Active power above idle P [W] from the step energies E_j [J] that were measured (``model_times``: t_x [s])."""
    pairs = [(t, e, term.moved) for t, e, term in zip(model_times, energies, terms) if e is not None]
    if not pairs:
        raise SpecError(file, f"{path}.measurements", "no measurement has energy_per_token (power data missing); "
                        "cannot fit active_power")
    times, step_energy, moved = (np.array(column) for column in zip(*pairs))
    beyond_dram = step_energy - BITS_PER_BYTE * gpu.memory.energy_per_bit * moved
    power = float(np.dot(beyond_dram, times) / np.dot(times, times))
    if power < 0:
        raise SpecError(file, f"{path}.measurements", f"not physically possible: the DRAM energy alone "
                        f"({gpu.memory.energy_per_bit * 1e12:.3g} pJ/bit) exceeds the measured energy")
    return power


def fit_calibration(gpu: GPU, calibration: Calibration, file: str = "<calibration>", path: str = "$") -> Parameters:
    """Parameters of a ``measured`` calibration, fitted from its measurements."""
    kappa = calibration.assumed.compute_fraction
    terms = [step_terms(gpu, m, calibration.kernels_per_op, kappa, f"{file} {path}.measurements[{i}]")
             for i, m in enumerate(calibration.measurements)]
    batches = np.array([m.batch for m in calibration.measurements], dtype=float)
    times = np.array([m.time_per_token for m in calibration.measurements]) * batches
    eta, t0 = fit_time(terms, times, calibration, file, path)
    busy_times = np.array([t.busy_time(eta) for t in terms])
    energies = [None if m.energy_per_token is None else m.energy_per_token * m.batch for m in calibration.measurements]
    power = fit_power(gpu, terms, busy_times, energies, file, path)
    parameters = uniform_parameters(eta, kappa, t0, power, gpu.memory.energy_per_bit)
    check_physical(gpu, parameters, file, path)
    return parameters


def uniform_parameters(eta: float, kappa: float, t0: float, power: float, energy_per_bit: float,
                       step_overhead: float = 0.0, energy_per_flop: float = 0.0) -> Parameters:
    """Parameters with the same η, κ, launch time t0 [s] for every kernel class (what one benchmark can tell)."""
    kernel = KernelClass(bandwidth_fraction=eta, compute_fraction=kappa, launch_time=t0)
    return Parameters(kernel_classes={name: kernel for name in KERNEL_CLASSES}, step_overhead=step_overhead,
                      active_power=power, dram_energy_per_bit=energy_per_bit, energy_per_flop=energy_per_flop)


def transfer_source(calibration: Calibration, file: str) -> tuple[GPU, Calibration]:
    """The measured GPU and calibration a ``predicted`` calibration of ``file`` names (paths relative to ``file``)."""
    source_gpu = load_chip(Path(file).parent / calibration.transfer.gpu_spec)
    return source_gpu, select_calibration(source_gpu, calibration.transfer.calibration).calibration


def transfer_calibration(gpu: GPU, calibration: Calibration, file: str | None = None, path: str = "$") -> Parameters:
    """Parameters of a ``predicted`` calibration, transferred from the measured GPU it names.

    ``file``: the calibration file holding ``calibration`` (default: the one ``gpu`` names), against whose
    folder the source's spec is found.  Its ``kernels_per_op``, where given, must be the source's.
    """
    file = str(calibration_path(gpu)) if file is None else file
    source_gpu, source = transfer_source(calibration, file)
    if calibration.kernels_per_op is not None and source.kernels_per_op != calibration.kernels_per_op:
        raise SpecError(file, f"{path}.kernels_per_op", f"must equal the kernels_per_op of {source.name!r} "
                        f"({source.kernels_per_op}), the implementation it is transferred from")
    if source.launch_overlap != calibration.launch_overlap:
        raise SpecError(file, f"{path}.launch_overlap", f"must equal the launch_overlap of {source.name!r} "
                        f"({source.launch_overlap}), the implementation it is transferred from")
    p = source.parameters
    dram = p.dram_energy_per_bit * gpu.memory.energy_per_bit / source_gpu.memory.energy_per_bit
    source_dynamic, source_allowed = dynamic_power_bound(source_gpu, p)
    parameters = p.model_copy(update={"dram_energy_per_bit": dram, "active_power": 0.0})
    dram_power, allowed = dynamic_power_bound(gpu, parameters)
    power = source_dynamic / source_allowed * allowed - dram_power
    if power < 0:
        raise SpecError(file, path, f"not physically possible: DRAM power alone ({dram_power:.4g} W) exceeds the share "
                        f"{source_dynamic / source_allowed:.3g} of board minus idle power that {source.name!r} uses")
    parameters = parameters.model_copy(update={"active_power": power})
    check_physical(gpu, parameters, file, path)
    return parameters


def assumed_parameters(gpu: GPU, calibration: Calibration, file: str = "<calibration>", path: str = "$") -> Parameters:
    """Parameters of an ``assumed`` calibration from its literature figures."""
    a = calibration.assumed
    dram = BITS_PER_BYTE * gpu.memory.energy_per_bit * a.bandwidth_fraction * gpu.memory.bandwidth
    power = a.board_power_fraction * gpu.power.board - gpu.power.idle - dram
    if power < 0:
        raise SpecError(file, f"{path}.assumed.board_power_fraction", f"leaves no power for the processor: "
                        f"{a.board_power_fraction} x {gpu.power.board:.4g} W is below idle plus DRAM power")
    parameters = uniform_parameters(a.bandwidth_fraction, a.compute_fraction, a.kernel_overhead, power,
                                    gpu.memory.energy_per_bit)
    check_physical(gpu, parameters, file, path)
    return parameters


def published_parameters(gpu: GPU, calibration: Calibration, file: str = "<calibration>", path: str = "$") -> Parameters:
    """Parameters of a ``published`` calibration (see :mod:`archmodel.measure.public`)."""
    from archmodel.measure.public import fit_published  # public estimates with the engine, which imports costs

    return fit_published(gpu, calibration, file, path)


#: how each status obtains its parameters
PARAMETER_RULES = {
    "measured": fit_calibration,
    "predicted": transfer_calibration,
    "assumed": assumed_parameters,
    "published": published_parameters,
}
