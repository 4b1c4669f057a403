"""GPU specs: every shipped one validates, carries a source for each number, and keeps dense and sparse apart."""

from __future__ import annotations

import json

import pytest
from numpy.testing import assert_allclose

from archmodel import load_chip
from archmodel.specs import read_json
from archmodel.specs.gpu import GPU, CalibrationFile, load_calibration_file, select_calibration
from archmodel.specs.loading import validate
from tests.gpu.conftest import CALIBRATION_FILES, GPU_SPECS

#: free text and identifiers, not numbers: they need no provenance
NOT_NUMBERS = {"$.kind", "$.name", "$.short_name", "$.description", "$.segment", "$.calibration.file", "$.gpu"}
CALIBRATION_TEXT = ("name", "status", "date", "method", "source", "implementation", "label", "gpu_spec", "calibration",
                    "setup", "fitted")


def leaf_paths(node, path="$"):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaf_paths(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaf_paths(value, f"{path}[{index}]")
    else:
        yield path


def unsourced(document) -> list[str]:
    """Leaves of a validated document with no provenance record at them or at an ancestor."""
    records = document.provenance
    missing = []
    for path in leaf_paths(document.raw):
        if path in NOT_NUMBERS or path.rsplit(".", 1)[-1].split("[")[0] in CALIBRATION_TEXT:
            continue
        prefixes = [path[:end] for end in range(len(path), 0, -1) if end == len(path) or path[end] in ".["]
        if not any(prefix in records for prefix in prefixes):
            missing.append(path)
    return missing


def test_the_seven_gpus_are_shipped():
    assert {path.stem for path in GPU_SPECS} == {
        "h100_sxm", "h100_pcie", "h200", "a100_sxm_80gb", "rtx4090", "jetson_nano", "jetson_orin_nano"}


@pytest.mark.parametrize("path", GPU_SPECS, ids=lambda path: path.stem)
def test_gpu_spec_validates_and_every_number_has_a_source(path):
    gpu = load_chip(path)
    assert isinstance(gpu, GPU) and gpu.kind == "gpu"
    assert unsourced(gpu) == []
    select_calibration(gpu)  # its default calibration exists, is fitted and physically possible


@pytest.mark.parametrize("path", CALIBRATION_FILES, ids=lambda path: path.stem)
def test_calibration_file_validates_and_every_number_has_a_source(path):
    document = validate(CalibrationFile, read_json(path), str(path))
    assert unsourced(document) == []
    spec = load_chip(path.with_name(path.name.replace(".calibration", "")))
    assert load_calibration_file(path, spec).gpu == spec.name


def test_h100_sxm_dense_fp16_is_not_the_sparse_figure(load_gpu):
    """docs/hardware_data.md §1.1: H100 SXM dense FP16/BF16 tensor 989.4 TFLOP/s (1,979 with 2:4 sparsity)."""
    gpu = load_gpu("h100_sxm")
    assert_allclose(gpu.peak_compute["float16"], 989.4e12, rtol=0.01)
    assert_allclose(gpu.peak_compute_sparse["float16"], 2 * gpu.peak_compute["float16"], rtol=0.01)


@pytest.mark.parametrize(("stem", "dense"), [
    ("h100_pcie", 756e12), ("h200", 989e12), ("a100_sxm_80gb", 312e12), ("rtx4090", 165.2e12)])
def test_dense_fp16_peaks_match_hardware_data(load_gpu, stem, dense):
    """docs/hardware_data.md §1.1, 'FP16/BF16 tensor, dense' row (RTX 4090: FP32 accumulate)."""
    assert_allclose(load_gpu(stem).peak_compute["float16"], dense, rtol=0.01)


def test_a_sparse_figure_entered_as_dense_is_refused(tmp_path):
    document = json.loads(GPU_SPECS[0].read_text())
    document["peak_compute"]["float16"] = {"value": "1979 TFLOP/s", "source": "a vendor page"}
    path = tmp_path / "gpu.json"
    path.write_text(json.dumps(document))
    from archmodel import SpecError

    with pytest.raises(SpecError, match=r"peak_compute_sparse\.float16 .* must be twice peak_compute\.float16 .*2:4-sparse"):
        load_chip(path)


def test_datasheet_bandwidths(load_gpu):
    """docs/hardware_data.md §1.1 DRAM bandwidth row."""
    expected = {"h100_sxm": 3.35e12, "h100_pcie": 2.0e12, "h200": 4.8e12, "a100_sxm_80gb": 2.039e12,
                "rtx4090": 1.008e12, "jetson_nano": 25.6e9, "jetson_orin_nano": 68e9}
    for stem, bandwidth in expected.items():
        assert_allclose(load_gpu(stem).memory.bandwidth, bandwidth, rtol=1e-9, err_msg=stem)


def test_the_source_check_sees_a_bare_number():
    document = json.loads(GPU_SPECS[0].read_text())
    document["streaming_multiprocessors"] = 132
    assert unsourced(validate(GPU, document, "<test>")) == ["$.streaming_multiprocessors"]
