"""Fixtures of the GPU tests: shipped GPU specs, the paper's benchmark, copies to break."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, WORKLOADS

GPU_DIR = ROOT / "hardware_specs" / "gpu"
GPU_SPECS = sorted(path for path in GPU_DIR.glob("*.json") if not path.name.endswith(".calibration.json"))
CALIBRATION_FILES = sorted(GPU_DIR.glob("*.calibration.json"))
PAPER_WORKLOAD = WORKLOADS / "paper_gpu_benchmark.json"


@pytest.fixture(scope="session")
def paper_workload():
    from archmodel import load_workload

    return load_workload(PAPER_WORKLOAD)


@pytest.fixture(scope="session")
def load_gpu():
    from archmodel import load_chip

    return lambda stem: load_chip(GPU_DIR / f"{stem}.json")


@pytest.fixture
def gpu_copy(tmp_path):
    """Copy a shipped GPU spec and its calibration file into tmp_path; return (spec dict, calibration dict, writer).

    ``writer(spec, calibration)`` writes both (either may be a raw string) and returns the spec path.
    """

    def make(stem: str):
        spec = json.loads((GPU_DIR / f"{stem}.json").read_text())
        calibration = json.loads((GPU_DIR / f"{stem}.calibration.json").read_text())

        def write(spec_document, calibration_document) -> Path:
            for name, document in ((f"{stem}.json", spec_document), (f"{stem}.calibration.json", calibration_document)):
                text = document if isinstance(document, str) else json.dumps(document)
                (tmp_path / name).write_text(text)
            for other in GPU_DIR.glob("*.json"):  # sources of predicted calibrations
                if not (tmp_path / other.name).exists():
                    shutil.copy(other, tmp_path / other.name)
            return tmp_path / f"{stem}.json"

        return spec, calibration, write

    return make
