"""Calibrations: stored parameters are what the code computes, fits recover known parameters."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from archmodel import SpecError, estimate, load_chip
from archmodel.measure.calibrate import recalibrate
from archmodel.measure.fit import fit_calibration, step_terms
from archmodel.measure.harness import EAGER_KERNELS
from archmodel.specs.gpu import (
    Calibration,
    Measurement,
    calibration_path,
    load_calibration_file,
    select_calibration,
    with_calibration,
)
from tests.gpu.conftest import GPU_SPECS

from archmodel.measure.calibrate import summary
KAPPA = 0.5  # assumed compute fraction of the synthetic calibrations [-]


@pytest.mark.parametrize("path", GPU_SPECS, ids=lambda path: path.stem)
def test_stored_parameters_are_recomputed_by_code(path, load_gpu):
    """Every calibration's parameters equal a fresh fit / transfer / derivation (stored to 6 digits)."""
    gpu = load_gpu(path.stem)
    _, rows = recalibrate(gpu)
    stored = {c.name: summary(c.parameters) for c in load_calibration_file(calibration_path(gpu), gpu).calibrations}
    for row in rows:
        for name, value in stored[row["name"]].items():
            assert_allclose(value, row[name], rtol=1e-5, atol=1e-18, err_msg=f"{row['name']}.{name}")
        assert row["dynamic_power"] <= row["allowed_power"]


def _calibration(measurements, overhead=None) -> Calibration:
    return Calibration.model_validate({
        "name": "synthetic", "status": "measured", "date": "2026-01-01", "method": "synthetic", "source": "test",
        "implementation": "test", "kernels_per_op": EAGER_KERNELS,
        "assumed": {"compute_fraction": KAPPA, **({} if overhead is None else {"kernel_overhead": overhead})},
        "measurements": measurements,
    })


def _synthetic(gpu, eta, t0, power, sizes, energy=True):
    """Measurements made by the model itself with known η, t0, P."""
    measurements = []
    for batch, slots in sizes:
        shape = {"batch": batch, "heads": 12, "kv_heads": 12, "head_dim": 64, "kv_slots": slots, "dtype": "float32"}
        terms = step_terms(gpu, Measurement(**shape, time_per_token=1.0), EAGER_KERNELS, KAPPA, "synthetic")
        step_energy = terms.energy(eta, t0, power, gpu.memory.energy_per_bit)
        measurements.append({**shape, "time_per_token": terms.time(eta, t0) / batch,
                             **({"energy_per_token": step_energy / batch} if energy else {})})
    return measurements


def test_a_sweep_recovers_known_parameters(load_gpu):
    gpu = load_gpu("h100_sxm")
    measurements = _synthetic(gpu, 0.7, 12e-6, 250.0, [(8, 2048), (16, 4096), (64, 1024), (128, 8192)])
    fitted = fit_calibration(gpu, _calibration(measurements))
    attention = fitted.kernel_classes["attention"]
    assert_allclose([attention.bandwidth_fraction, attention.launch_time, fitted.active_power], [0.7, 12e-6, 250.0],
                    rtol=1e-9)


def test_a_negative_overhead_is_bounded_at_zero(load_gpu):
    """Times with less intercept than zero overhead: the bounded least squares puts t0 = 0."""
    gpu = load_gpu("h100_sxm")
    measurements = _synthetic(gpu, 0.5, 0.0, 100.0, [(8, 2048), (64, 8192)])
    measurements[0]["time_per_token"] *= 0.9
    fitted = fit_calibration(gpu, _calibration(measurements))
    attention = fitted.kernel_classes["attention"]
    assert attention.launch_time == 0.0 and 0 < attention.bandwidth_fraction <= 1


def test_one_size_needs_an_assumed_overhead(load_gpu):
    gpu = load_gpu("h100_sxm")
    with pytest.raises(SpecError, match=r"\$\.assumed\.kernel_overhead: one measured size cannot separate kernel overhead"):
        fit_calibration(gpu, _calibration(_synthetic(gpu, 0.5, 5e-6, 100.0, [(64, 1024)])))


def test_faster_than_peak_bandwidth_is_not_physical(load_gpu):
    gpu = load_gpu("h100_sxm")
    measurements = _synthetic(gpu, 0.5, 0.0, 100.0, [(64, 1024)])
    measurements[0]["time_per_token"] /= 3
    with pytest.raises(SpecError, match=r"not physically possible: .*bandwidth fraction η = 1\.50\d* > 1 \(faster than the peak bandwidth\)"):
        fit_calibration(gpu, _calibration(measurements, overhead=0.0))


def test_missing_power_data_is_refused(load_gpu):
    gpu = load_gpu("h100_sxm")
    measurements = _synthetic(gpu, 0.5, 5e-6, 100.0, [(64, 1024)], energy=False)
    with pytest.raises(SpecError, match=r"no measurement has energy_per_token \(power data missing\); cannot fit active_power"):
        fit_calibration(gpu, _calibration(measurements, overhead=5e-6))


def test_more_power_than_the_board_allows_is_not_physical(load_gpu):
    gpu = load_gpu("h100_sxm")
    measurements = _synthetic(gpu, 0.5, 5e-6, 2000.0, [(64, 1024)])
    with pytest.raises(SpecError, match=r"not physically possible: dynamic power .* exceeds board minus idle power 632 W"):
        fit_calibration(gpu, _calibration(measurements, overhead=5e-6))


def test_another_calibration_can_be_chosen(load_gpu, paper_workload):
    gpu = load_gpu("rtx4090")
    eager = with_calibration(gpu, "paper_pytorch_eager")
    fused = estimate(gpu, paper_workload)
    default = estimate(eager, paper_workload)
    assert fused.latency[0] < default.latency[0]
    assert "paper_pytorch_eager" in default.labels[0] and "measured" in default.labels[0]
    assert gpu.calibration.name == "serving"  # the original spec is unchanged
    assert eager.provenance["$.calibration.name"].text == "calibration: set to 'paper_pytorch_eager'"


def test_a_prediction_inherits_the_kernels_of_its_source(gpu_copy):
    """kernels_per_op of a predicted calibration is left out, refused until calibrate writes its source's."""
    spec, calibration, write = gpu_copy("h100_sxm")
    del calibration["calibrations"][0]["kernels_per_op"]
    gpu = load_chip(write(spec, calibration))
    with pytest.raises(SpecError, match=r"\$\.calibrations\[0\]\.kernels_per_op: calibration "
                                        r"'predicted_from_rtx4090_pytorch_eager' has no kernels_per_op yet; run"):
        select_calibration(gpu, "predicted_from_rtx4090_pytorch_eager")
    document, _ = recalibrate(gpu)
    written = document["calibrations"][0]["kernels_per_op"]
    assert written["value"] == EAGER_KERNELS
    assert written["derivation"].startswith("transfer_calibration from rtx4090.json 'paper_pytorch_eager'")

