"""The measurement harness with a fake GPU: fake clock, fake NVML power source, fake kernel runner."""

from __future__ import annotations

import datetime
import json
import sys
import time
import types

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel import UsageError, estimate, load_workload
from archmodel.files import write_json
from archmodel.measure.fit import step_terms
from archmodel.measure.harness import (
    COMPUTE_FRACTION,
    EAGER_KERNELS,
    PAPER_POINT,
    PAPER_SHAPE,
    Point,
    find_gpu_spec,
    measure_and_write,
    sweep_points,
)
from archmodel.measure.methods import event_method, paper_method
from archmodel.measure.power import PowerSampler, PowerTrace, measure_idle
from archmodel.specs.gpu import Measurement, load_calibration_file, with_calibration
from tests.gpu.conftest import GPU_DIR, PAPER_WORKLOAD

IDLE = 70.0  # [W]


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeNvml:
    """Board power = idle + the dynamic power of the last pass; an energy counter if asked."""

    def __init__(self, clock, counter=True):
        self.clock, self.dynamic, self.total, self.counter = clock, 0.0, 0.0, counter

    def power(self) -> float:
        return IDLE + self.dynamic

    def energy(self):
        return self.total if self.counter else None

    def run(self, duration: float, dynamic: float) -> None:
        self.clock.now += duration
        self.total += (IDLE + dynamic) * duration
        self.dynamic = dynamic


class FakeRunner:
    """Passes of ``steps_per_pass`` steps that take ``step_time`` [s] at ``dynamic`` [W] above idle."""

    def __init__(self, nvml, batch, step_time, dynamic, steps_per_pass=1024):
        self.nvml, self.batch, self.step_time, self.dynamic, self.steps_per_pass = nvml, batch, step_time, dynamic, steps_per_pass
        self.passes = 0

    def run_pass(self):
        self.passes += 1
        self.nvml.run(self.step_time * self.steps_per_pass, self.dynamic)

    def synchronize(self):
        pass

    def timed_pass(self) -> float:
        self.run_pass()
        return self.step_time * self.steps_per_pass


def test_paper_method():
    clock = FakeClock()
    nvml = FakeNvml(clock)
    runner = FakeRunner(nvml, batch=64, step_time=1.5e-3, dynamic=300.0)
    result = paper_method(runner, nvml, IDLE, clock=clock, warmup=5, passes=10)
    assert runner.passes == 15
    assert_allclose(result.pass_time, 1.536, rtol=1e-12)
    assert_allclose(result.dynamic_power, 300.0)
    assert_allclose(result.time_per_token, 1.5e-3 / 64, rtol=1e-12)
    assert_allclose(result.energy_per_token, 300.0 * 1.5e-3 / 64, rtol=1e-12)


def test_event_method_uses_the_energy_counter():
    clock = FakeClock()
    nvml = FakeNvml(clock)
    runner = FakeRunner(nvml, batch=8, step_time=2e-4, dynamic=150.0)
    result = event_method(runner, nvml, IDLE, clock=clock, warmup=2, passes=4)
    assert result.energy_source == "nvml_energy_counter"
    assert_allclose(result.energy_per_pass, 150.0 * 2e-4 * 1024, rtol=1e-9)
    assert_allclose(result.time_per_token, 2e-4 / 8, rtol=1e-12)


class SleepingRunner(FakeRunner):
    def run_pass(self):
        time.sleep(self.step_time * self.steps_per_pass)


def test_event_method_integrates_samples_without_a_counter():
    """A GPU without an energy counter: ≥ 10 Hz samples of a constant 250 W (idle + 180 W) over real time."""
    nvml = FakeNvml(FakeClock(), counter=False)
    nvml.dynamic = 180.0
    runner = SleepingRunner(nvml, batch=1, step_time=0.06 / 1024, dynamic=180.0)
    result = event_method(runner, nvml, IDLE, warmup=0, passes=4, interval=0.01)
    assert result.energy_source == "sampled_power"
    assert result.sampling_rate >= 10
    assert_allclose(result.dynamic_power, 180.0, rtol=1e-9)


def test_sampler_runs_at_the_asked_rate():
    nvml = FakeNvml(FakeClock(), counter=False)
    with PowerSampler(nvml, interval=0.01) as sampler:
        time.sleep(0.15)
    trace = sampler.trace
    assert trace.times.size >= 5 and trace.rate >= 10
    assert_allclose(trace.mean_power(), IDLE)


def test_sampling_slower_than_10_hz_is_refused():
    with pytest.raises(UsageError, match=r"interval must be in \(0, 0\.1\] s \(>= 10 Hz\), got 0\.5"):
        PowerSampler(FakeNvml(FakeClock()), interval=0.5)


def test_idle_power_is_the_mean_of_readings():
    nvml = FakeNvml(FakeClock())
    assert_allclose(measure_idle(nvml, duration=1.0, interval=0.1, sleep=lambda _: None), IDLE)


def test_trapezoid_integral_of_a_varying_power():
    """100 W, 200 W, 100 W at 0, 1, 3 s: (100 + 200)/2·1 + (200 + 100)/2·2 = 450 J over 3 s, 150 W (the samples' mean: 133 W)."""
    trace = PowerTrace(np.array([0.0, 1.0, 3.0]), np.array([100.0, 200.0, 100.0]))
    assert_allclose(trace.energy(), 450.0, rtol=1e-12)
    assert_allclose(trace.mean_power(), 150.0, rtol=1e-12)
    assert_allclose(trace.rate, 2 / 3, rtol=1e-12)


def test_kv_cache_of_a_point():
    """The paper's point: K and V of 64 sequences, 12 heads, 1024 slots, d = 64, 4 bytes: 2·64·12·1024·64·4 = 402,653,184 B."""
    assert PAPER_POINT.cache_bytes() == 402_653_184


@pytest.mark.parametrize(("stem", "batch", "slots", "kept"), [
    ("h100_sxm", 8, 2048, False),  # 2·8·12·2048·64·4 B = 100.7 MB, under 2 × 52.4 MB of L2
    ("h100_sxm", 8, 4096, True),  # 201.3 MB
    ("h100_sxm", 128, 8192, True),  # 6.44 GB, under half of 80 GB
    ("jetson_nano", 8, 512, True),  # 25.2 MB, over 2 × 0.26 MB of L2
    ("jetson_nano", 32, 8192, True),  # 1.61 GB, under half of 4 GB
    ("jetson_nano", 64, 8192, False),  # 3.22 GB, over half of 4 GB
])
def test_sweep_keeps_sizes_streamed_from_dram_that_fit_in_memory(load_gpu, stem, batch, slots, kept):
    points = sweep_points(load_gpu(stem))
    assert points[0] == PAPER_POINT and points.count(PAPER_POINT) == 1
    assert (Point(batch, slots, f"sweep_b{batch}_s{slots}") in points) == kept


def _model_runner_factory(gpu, nvml, eta, overhead, power):
    """Runners whose step time and energy follow the GPU model with known η, t0, P (κ: the harness's)."""

    def make(point):
        measurement = Measurement(**PAPER_SHAPE, batch=point.batch, kv_slots=point.kv_slots, time_per_token=1.0)
        terms = step_terms(gpu, measurement, EAGER_KERNELS, COMPUTE_FRACTION, "fake")
        step_time = terms.time(eta, overhead)
        dynamic = terms.energy(eta, overhead, power, gpu.memory.energy_per_bit) / step_time
        return FakeRunner(nvml, point.batch, step_time, dynamic)

    return make


def test_harness_writes_a_fitted_calibration_file(load_gpu, tmp_path):
    gpu = load_gpu("h100_sxm")
    clock = FakeClock()
    nvml = FakeNvml(clock)
    points = sweep_points(gpu)[:4]
    out = tmp_path / "measured.calibration.json"
    path, errors = measure_and_write(gpu, _model_runner_factory(gpu, nvml, 0.62, 7e-6, 280.0), nvml, out,
                                     "NVIDIA H100 80GB HBM3", "fake", points, IDLE, datetime.date(2026, 11, 26),
                                     warmup=1, passes=3, clocks=(clock, clock))
    assert errors == [] and path == out
    document = load_calibration_file(out, gpu)
    assert [c.name for c in document.calibrations] == ["measured_paper_method", "measured_cuda_events"]
    for calibration in document.calibrations:
        assert len(calibration.measurements) == 4
        p = calibration.parameters
        for kernel in p.kernel_classes.values():  # the new calibration form: one η, t0 for every kernel class
            assert_allclose([kernel.bandwidth_fraction, kernel.launch_time], [0.62, 7e-6], rtol=1e-5)
        assert_allclose(p.active_power, 280.0, rtol=1e-5)
        assert p.step_overhead == 0.0 and not calibration.launch_overlap
        assert_allclose(p.dram_energy_per_bit, gpu.memory.energy_per_bit, rtol=1e-5)
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left
    measured = with_calibration(gpu, "measured_cuda_events", file=out)
    result = estimate(measured, load_workload(PAPER_WORKLOAD))
    assert "(measured: archmodel measure-gpu on NVIDIA H100 80GB HBM3, 2026-11-26" in result.labels[0]


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "calibration.json"
    write_json({"a": 1}, path)
    with pytest.raises(TypeError):
        write_json({"a": object()}, path)
    assert json.loads(path.read_text()) == {"a": 1}
    assert list(tmp_path.iterdir()) == [path]


def test_the_spec_is_found_by_device_name():
    assert find_gpu_spec("NVIDIA H100 80GB HBM3", GPU_DIR).name == "h100_sxm.json"
    with pytest.raises(UsageError, match=r"no GPU spec in .* lists device 'Radeon' in device_names; pass --chip"):
        find_gpu_spec("Radeon", GPU_DIR)


def test_measure_gpu_without_pytorch_exits_2(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    code, out, err = cli("measure-gpu", "--out", "never.json")
    assert code == 2 and out == ""
    assert "archmodel: error: measure-gpu needs PyTorch, which is not installed; install the extra" in err


def test_measure_gpu_without_a_gpu_exits_2(cli, monkeypatch):
    fake_torch = types.SimpleNamespace(cuda=types.SimpleNamespace(is_available=lambda: False))
    monkeypatch.setitem(sys.modules, "torch", fake_torch)
    code, _, err = cli("measure-gpu")
    assert code == 2
    assert "no CUDA GPU is visible to PyTorch: measure-gpu must run on a machine with an NVIDIA GPU" in err
