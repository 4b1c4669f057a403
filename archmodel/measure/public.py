"""Published whole-model decode measurements: predict them, and fit a ``published`` calibration to a few.

A published point (:class:`~archmodel.specs.gpu.PublishedPoint`) is a model
shape, a dtype, a batch B and the mean context n attended per step.  The
model predicts one decode step of the full workload (every layer, causal
attention at n, scope ``model``): step time T, energy above idle E, and::

    time per token   = T / B                       [s]
    board energy     = (E + P_idle·T) / B          [J per token]
    board power      = (E + P_idle·T) / T          [W]

A ``published`` calibration fits only the parameters it names in
``fitted``, to the points it stores in ``published`` (the rest of the
published data is held out, see tests/validation/gpu_public.json)::

    η_a, t_h:  minimise Σ_j (T_j / T_meas,j − 1)²  over the points with a time;
               for every η_a of a grid, t_h = Σ w_j (T_meas,j − T_gpu,j) / Σ w_j,  w_j = 1 / T_meas,j²  (t_h ≥ 0)
    P_a:       E_meas,j = P_idle·T_j + P_a·t_x,j + R_j   (R_j: DRAM and FLOP energy; t_x,j: time kernels run)
               P_a = Σ w_j (E_meas,j − P_idle·T_j − R_j)·t_x,j / Σ w_j t_x,j²,  w_j = 1 / E_meas,j²

(a point with board power gives E_meas,j = P_meas,j·T_j).  The grid of η_a
is evaluated as one estimate per point, with a numpy array in the float
field (the cost model is elementwise in its parameters).
"""

from __future__ import annotations

import numpy as np

from archmodel.engine.estimate import estimate
from archmodel.specs.errors import SpecError
from archmodel.specs.gpu import GPU, Calibration, KernelClass, Parameters, PublishedPoint, Selected, check_physical
from archmodel.specs.loading import validate
from archmodel.specs.workload import Workload

#: bandwidth fractions tried for the attention kernels [-]
ETA_GRID = np.linspace(0.10, 1.0, 181)


def point_workload(point: PublishedPoint) -> Workload:
    """The full decoding workload of a published point: causal attention, scope full."""
    document = {"name": point.label, "model": point.model.model_dump(), "attention": {"kind": "causal"},
                "dtype": point.dtype, "batch": point.batch, "scope": "full", "source": point.source}
    return validate(Workload, document, point.label)


def with_parameters(gpu: GPU, calibration: Calibration, parameters: Parameters) -> GPU:
    """A copy of ``gpu`` whose selected calibration is ``calibration`` with ``parameters`` (not validated: numpy
    arrays may stand in for float fields)."""
    copy = gpu.model_copy()
    copy._selected = Selected(calibration.model_copy(update={"parameters": parameters}), gpu.file, "$")
    return copy


def step(gpu: GPU, point: PublishedPoint, points: int = 1) -> dict[str, np.ndarray]:
    """T [s], E above idle [J], t_x [s] (needs P_a = 1 W to be read off) and R [J] of one step, ``points`` copies."""
    result = estimate(gpu, point_workload(point), context=[point.context] * points, scope="model")
    components = result.energy_by_component
    busy = components.get("processor_busy", 0.0)
    return {"time": result.latency, "energy": result.energy, "busy_energy": busy, "rest": result.energy - busy}


def predict(gpu: GPU, point: PublishedPoint) -> dict[str, float]:
    """What the model gives for what ``point`` measured: time/token [s], board energy/token [J], board power [W]."""
    values = step(gpu, point)
    time, energy = float(values["time"][0]), float(values["energy"][0])
    board = energy + gpu.power.idle * time
    return {"time_per_token": time / point.batch, "board_energy_per_token": board / point.batch,
            "board_power": board / time}


def _attention(parameters: Parameters, eta) -> Parameters:
    classes = dict(parameters.kernel_classes)
    classes["attention"] = classes["attention"].model_copy(update={"bandwidth_fraction": eta})
    return parameters.model_copy(update={"kernel_classes": classes})


def start_parameters(gpu: GPU, calibration: Calibration) -> Parameters:
    """The assumed values, with neutral starts for what is fitted."""
    a = calibration.assumed
    classes = {}
    for name, given in a.kernel_classes.items():
        eta = given.bandwidth_fraction if given.bandwidth_fraction is not None else 1.0
        classes[name] = KernelClass(bandwidth_fraction=eta, compute_fraction=given.compute_fraction,
                                    launch_time=given.launch_time)
    return Parameters(kernel_classes=classes, step_overhead=a.step_overhead or 0.0, active_power=a.active_power or 0.0,
                      dram_energy_per_bit=a.dram_energy_per_bit or gpu.memory.energy_per_bit,
                      energy_per_flop=a.energy_per_flop or 0.0)


def fit_time(gpu: GPU, calibration: Calibration, parameters: Parameters) -> Parameters:
    """η_a and t_h (those named in ``fitted``) by relative least squares over the points with a time."""
    points = [p for p in calibration.published if p.time_per_token is not None]
    fit_eta, fit_host = ("attention_bandwidth_fraction" in calibration.fitted, "step_overhead" in calibration.fitted)
    if not points:
        return parameters
    grid = ETA_GRID if fit_eta else np.array([parameters.kernel_classes["attention"].bandwidth_fraction])
    trial = _attention(parameters.model_copy(update={"step_overhead": 0.0}), grid)
    gpu_time = np.array([step(with_parameters(gpu, calibration, trial), p, grid.size)["time"] for p in points])
    measured = np.array([p.time_per_token * p.batch for p in points])[:, None]
    weights = 1 / measured**2
    host = np.sum(weights * (measured - gpu_time), axis=0) / np.sum(weights) if fit_host else parameters.step_overhead
    host = np.maximum(host, 0.0)
    error = np.sum(((gpu_time + host) / measured - 1) ** 2, axis=0)
    best = int(np.argmin(error))
    chosen = _attention(parameters, float(grid[best]))
    return chosen.model_copy(update={"step_overhead": float(np.broadcast_to(host, grid.shape)[best])})


def fit_power(gpu: GPU, calibration: Calibration, parameters: Parameters, file: str, path: str) -> Parameters:
    """P_a by relative least squares over the points with board energy or power."""
    points = [p for p in calibration.published if p.board_energy_per_token is not None or p.board_power is not None]
    if not points:
        raise SpecError(file, f"{path}.published", "no published point has board_energy_per_token or board_power; "
                        "cannot fit active_power")
    unit = with_parameters(gpu, calibration, parameters.model_copy(update={"active_power": 1.0}))
    steps = [step(unit, p) for p in points]
    time = np.array([s["time"][0] for s in steps])
    busy = np.array([s["busy_energy"][0] for s in steps])
    rest = np.array([s["rest"][0] for s in steps])
    measured = np.array([p.board_energy_per_token * p.batch if p.board_energy_per_token is not None
                         else p.board_power * t for p, t in zip(points, time)])
    weights = 1 / measured**2
    power = float(np.sum(weights * (measured - gpu.power.idle * time - rest) * busy) / np.sum(weights * busy**2))
    if power < 0:
        raise SpecError(file, f"{path}.published", f"not physically possible: idle, DRAM and FLOP energy alone exceed "
                        f"the measured board energy (active power {power:.4g} W)")
    return parameters.model_copy(update={"active_power": power})


def fit_published(gpu: GPU, calibration: Calibration, file: str = "<calibration>", path: str = "$") -> Parameters:
    """Parameters of a ``published`` calibration: assumed values, the ``fitted`` ones solved from ``published``."""
    parameters = fit_time(gpu, calibration, start_parameters(gpu, calibration))
    if "active_power" in calibration.fitted:
        parameters = fit_power(gpu, calibration, parameters, file, path)
    parameters = Parameters.model_validate(parameters.model_dump())
    check_physical(gpu, parameters, file, path)
    return parameters


#: the quantities a published point may measure, and their column names in :func:`validation_table`
QUANTITIES = ("time_per_token", "board_energy_per_token", "board_power")


def read_public(path) -> list[tuple[dict, PublishedPoint]]:
    """Rows of a published-measurement file (tests/validation/gpu_public.json): (row, its validated point)."""
    from archmodel.specs.loading import read_json

    document = read_json(path)
    fields = set(PublishedPoint.model_fields)
    rows = []
    for index, row in enumerate(document["rows"]):
        point = validate(PublishedPoint, {k: v for k, v in row.items() if k in fields}, f"{path} $.rows[{index}]")
        rows.append((row, point))
    return rows


def validation_table(path, gpu_folder):
    """Predicted vs measured per published row and quantity: label, gpu, fitted, quantity, measured, predicted,
    error (predicted / measured − 1)."""
    import pandas as pd

    from archmodel.specs.loading import load_chip

    records = []
    for row, point in read_public(path):
        gpu = load_chip(f"{gpu_folder}/{row['gpu']}.json#{row['calibration']}")
        predicted = predict(gpu, point)
        for quantity in QUANTITIES:
            measured = getattr(point, quantity)
            if measured is not None:
                records.append({"label": point.label, "gpu": gpu.short_name, "batch": point.batch,
                                "fitted": bool(row["fitted"]), "quantity": quantity, "measured": measured,
                                "predicted": predicted[quantity], "error": predicted[quantity] / measured - 1})
    return pd.DataFrame.from_records(records)


#: the published data set and the GPU specs it names, in a source checkout
ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
PUBLIC_DATA = ROOT / "tests" / "validation" / "gpu_public.json"
GPU_FOLDER = ROOT / "hardware_specs" / "gpu"


def held_out_medians(table) -> dict[str, float]:
    """Median absolute error [-] of the held-out points: ``throughput`` (time per token) and ``energy``
    (board energy per token or board power)."""
    held_out = table[~table["fitted"]]
    time = held_out["quantity"] == "time_per_token"
    return {"throughput": float(held_out[time]["error"].abs().median()),
            "energy": float(held_out[~time]["error"].abs().median())}
