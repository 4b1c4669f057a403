"""Bad GPU input fails loudly, naming file, JSON path, what was expected and what was found."""

from __future__ import annotations

import math

import pytest

from archmodel import MappingError, SpecError, estimate, load_chip, load_workload, with_overrides
from tests.conftest import WORKLOADS
from tests.gpu.conftest import GPU_DIR


def test_a_calibration_for_another_gpu(gpu_copy, paper_workload):
    spec, calibration, write = gpu_copy("rtx4090")
    calibration["gpu"] = "NVIDIA Jetson Nano 4 GB"
    path = write(spec, calibration)
    with pytest.raises(SpecError, match=r"rtx4090\.calibration\.json: \$\.gpu: calibration is for 'NVIDIA Jetson Nano 4 GB', "
                                        r"not for 'NVIDIA GeForce RTX 4090'"):
        estimate(load_chip(path), paper_workload)


def test_a_kv_cache_larger_than_memory(load_gpu, paper_workload):
    """Batch 1024 of the paper's benchmark holds 1024 × 6.29 MB = 6.44 GB of KV cache > 4 GB."""
    big = with_overrides(paper_workload, {"batch": 1024}, label="test")
    with pytest.raises(MappingError, match=r"paper_gpu_benchmark\.json.*: KV cache of 6\.442 GB \(1024 slots, batch 1024, 1 layers, "
                                           r"float32\) plus weights of 0 B exceed the 4 GB of memory of NVIDIA Jetson Nano 4 GB "
                                           r"\(.*jetson_nano\.json \$\.memory\.capacity\)"):
        estimate(load_gpu("jetson_nano"), big)


def test_a_causal_context_beyond_memory(load_gpu, gpt2):
    """Causal GPT-2 at batch 256 holds 2·12·12·64·256·2 B = 9.44 MB of KV cache per token: ⌊80 GB / 9.44 MB⌋ tokens fit.

    The mapping sets the plan's token capacity; the engine refuses 65,536 tokens (618 GB) with its capacity message.
    """
    causal = with_overrides(gpt2, {"attention": {"kind": "causal"}, "batch": 256}, label="test")
    gpu = load_gpu("h100_sxm")
    capacity = math.floor(gpu.memory.capacity / (2 * 12 * 12 * 64 * 256 * 2))
    estimate(gpu, causal, context=[1024, capacity])  # fits
    with pytest.raises(MappingError, match=rf"gpt2\.json: \$\.attention: causal attention needs 65536 live tokens, more "
                                           rf"than the {capacity} the chip 'NVIDIA H100 SXM5 80 GB' holds per sequence"):
        estimate(gpu, causal, context=[1024, 65536])


def test_weights_count_when_projections_are_in_scope(load_gpu):
    """GPT-2-XL in float32 with its projections: ≈6.2 GB of weights do not fit the Jetson Nano's 4 GB."""
    xl = with_overrides(load_workload(WORKLOADS / "gpt2-xl.json"), {"scope": "full", "dtype": "float32"}, label="test")
    with pytest.raises(MappingError, match=r"plus weights of 6\.\d+ GB exceed the 4 GB of memory of NVIDIA Jetson Nano"):
        estimate(load_gpu("jetson_nano"), xl)


def test_missing_idle_power(gpu_copy):
    spec, calibration, write = gpu_copy("rtx4090")
    del spec["power"]["idle"]
    with pytest.raises(SpecError, match=r"rtx4090\.json: \$\.power\.idle: required field is missing"):
        load_chip(write(spec, calibration))


def test_missing_power_data_in_a_measured_calibration(gpu_copy, cli):
    spec, calibration, write = gpu_copy("rtx4090")
    del calibration["calibrations"][0]["measurements"][0]["energy_per_token"]
    code, _, err = cli("calibrate", "--chip", write(spec, calibration))
    assert code == 2
    assert "rtx4090.calibration.json: $.calibrations[0].measurements: no measurement has energy_per_token " \
           "(power data missing); cannot fit active_power" in err


def test_a_measured_calibration_needs_an_assumed_compute_fraction(gpu_copy, paper_workload):
    spec, calibration, write = gpu_copy("rtx4090")
    del calibration["calibrations"][0]["assumed"]["compute_fraction"]
    with pytest.raises(SpecError, match=r"rtx4090\.calibration\.json: \$\.calibrations\[0\]: a measured calibration needs "
                                        r"assumed\.compute_fraction \(decode attention is memory-bound"):
        estimate(load_chip(write(spec, calibration)), paper_workload)


def test_malformed_calibration_json(gpu_copy, paper_workload):
    spec, _, write = gpu_copy("rtx4090")
    path = write(spec, '{"gpu": "NVIDIA GeForce RTX 4090", "calibrations": [')
    with pytest.raises(SpecError, match=r"rtx4090\.calibration\.json: \$: malformed JSON at line 1 column \d+"):
        estimate(load_chip(path), paper_workload)


def test_a_calibration_without_parameters(gpu_copy, paper_workload):
    spec, calibration, write = gpu_copy("rtx4090")
    del calibration["calibrations"][0]["parameters"]
    with pytest.raises(SpecError, match=r"\$\.calibrations\[0\]\.parameters: calibration 'paper_pytorch_eager' has no "
                                        r"parameters yet; run 'archmodel calibrate"):
        estimate(load_chip(f"{write(spec, calibration)}#paper_pytorch_eager"), paper_workload)


def test_a_bandwidth_fraction_above_one(gpu_copy):
    spec, calibration, write = gpu_copy("rtx4090")
    calibration["calibrations"][0]["parameters"]["kernel_classes"]["attention"]["bandwidth_fraction"]["value"] = 1.2
    with pytest.raises(SpecError, match=r"\$\.calibrations\[0\]\.parameters\.kernel_classes\.attention\.bandwidth_fraction: "
                                        r"input should be less than "
                                        r"or equal to 1, got 1\.2"):
        from archmodel.specs.gpu import select_calibration

        select_calibration(load_chip(write(spec, calibration)))


def test_stored_power_above_the_board_limit(gpu_copy, paper_workload):
    spec, calibration, write = gpu_copy("rtx4090")
    calibration["calibrations"][0]["parameters"]["active_power"]["value"] = "500 W"
    with pytest.raises(SpecError, match=r"\$\.calibrations\[0\]\.parameters: not physically possible: dynamic power 516\.\d W "
                                        r"exceeds board minus idle power 430 W of NVIDIA GeForce RTX 4090"):
        estimate(load_chip(f"{write(spec, calibration)}#paper_pytorch_eager"), paper_workload)


def test_an_unknown_calibration_name(load_gpu):
    from archmodel.specs.gpu import with_calibration

    with pytest.raises(SpecError, match=r"rtx4090\.json: \$\.calibration\.name: no calibration named 'tensorrt' in .*; "
                                        r"available: paper_pytorch_eager, serving"):
        with_calibration(load_gpu("rtx4090"), "tensorrt")


def test_cli_unknown_and_empty_calibration_names(cli):
    """``GPU.json#NAME`` with an unknown NAME, or with nothing after '#': one line, exit 2."""
    for chip, message in ((f"{GPU_DIR / 'rtx4090.json'}#tensorrt", "$.calibration.name: no calibration named 'tensorrt'"),
                          (f"{GPU_DIR / 'rtx4090.json'}#", "rtx4090.json#: empty calibration name after '#'; "
                                                           "write PATH#NAME, or PATH for the default")):
        code, out, err = cli("estimate", "--chip", chip, "--workload", WORKLOADS / "paper_gpu_benchmark.json")
        assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err


def test_cli_a_dtype_the_gpu_lacks(cli, tmp_path):
    """The Jetson Nano lists no float8 peak: ``estimate`` says so in one line, exit 2."""
    import json

    document = json.loads((WORKLOADS / "paper_gpu_benchmark.json").read_text())
    document["dtype"] = "float8"
    path = tmp_path / "fp8.json"
    path.write_text(json.dumps(document))
    code, out, err = cli("estimate", "--chip", GPU_DIR / "jetson_nano.json", "--workload", path)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "jetson_nano.json: $.peak_compute: Jetson Nano lists no peak compute for dtype 'float8'" in err


def test_an_unknown_op_kind_in_kernels(gpu_copy, paper_workload):
    spec, calibration, write = gpu_copy("rtx4090")
    calibration["calibrations"][0]["kernels_per_op"]["value"]["softmax"] = 1
    with pytest.raises(SpecError, match=r"\$\.calibrations\[0\]\.kernels_per_op\.softmax: unknown op kind; expected 'default' or one of"):
        estimate(load_chip(f"{write(spec, calibration)}#paper_pytorch_eager"), paper_workload)


def test_calibrate_refuses_an_unknown_op_kind(gpu_copy, cli):
    """A misspelled kind would be fitted with the default's kernel count; calibrate refuses it."""
    spec, calibration, write = gpu_copy("rtx4090")
    calibration["calibrations"][0]["kernels_per_op"]["value"]["sofmax"] = 9
    code, _, err = cli("calibrate", "--chip", write(spec, calibration))
    assert code == 2
    assert "rtx4090.calibration.json: $.calibrations[0].kernels_per_op.sofmax: unknown op kind; expected 'default' or one of" in err


def test_repeated_calibration_names(gpu_copy):
    spec, calibration, write = gpu_copy("rtx4090")
    calibration["calibrations"][1]["name"] = "paper_pytorch_eager"
    from archmodel.specs.gpu import select_calibration

    with pytest.raises(SpecError, match=r"\$: calibration names must be unique, repeated: paper_pytorch_eager"):
        select_calibration(load_chip(write(spec, calibration)))


def test_a_prediction_must_keep_the_source_kernels(gpu_copy, cli):
    spec, calibration, write = gpu_copy("h100_sxm")
    calibration["calibrations"][0]["kernels_per_op"]["value"]["score"] = 3
    code, _, err = cli("calibrate", "--chip", write(spec, calibration))
    assert code == 2 and "$.calibrations[0].kernels_per_op: must equal the kernels_per_op of 'paper_pytorch_eager'" in err


def test_cli_prints_one_line_and_exits_2(gpu_copy, cli):
    spec, calibration, write = gpu_copy("rtx4090")
    calibration["gpu"] = "another GPU"
    path = write(spec, calibration)
    code, out, err = cli("estimate", "--chip", path, "--workload", WORKLOADS / "paper_gpu_benchmark.json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "$.gpu: calibration is for 'another GPU'" in err


def _serving_index(calibration) -> int:
    return [c["name"] for c in calibration["calibrations"]].index("serving")


def test_a_published_calibration_needs_what_it_does_not_fit(gpu_copy, paper_workload):
    spec, calibration, write = gpu_copy("h100_sxm")
    index = _serving_index(calibration)
    del calibration["calibrations"][index]["assumed"]["energy_per_flop"]
    with pytest.raises(SpecError, match=rf"h100_sxm\.calibration\.json: \$\.calibrations\[{index}\]: a published calibration "
                                        r"needs assumed\.energy_per_flop \(not fitted\)"):
        estimate(load_chip(write(spec, calibration)), paper_workload)


def test_a_published_point_that_measures_nothing(gpu_copy, paper_workload):
    spec, calibration, write = gpu_copy("h100_sxm")
    index = _serving_index(calibration)
    point = calibration["calibrations"][index]["published"][0]
    del point["board_energy_per_token"]
    with pytest.raises(SpecError, match=rf"\$\.calibrations\[{index}\]\.published\[0\]: a published point needs "
                                        r"time_per_token, board_energy_per_token or board_power"):
        estimate(load_chip(write(spec, calibration)), paper_workload)


def test_a_prediction_must_keep_the_source_launch_overlap(gpu_copy, cli):
    spec, calibration, write = gpu_copy("a100_sxm_80gb")
    index = _serving_index(calibration)
    calibration["calibrations"][index]["launch_overlap"] = False
    code, _, err = cli("calibrate", "--chip", write(spec, calibration))
    assert code == 2 and err.count("\n") == 1
    assert f"$.calibrations[{index}].launch_overlap: must equal the launch_overlap of 'serving' (True)" in err


def test_dram_energy_below_the_device_floor(gpu_copy, paper_workload):
    spec, calibration, write = gpu_copy("h100_sxm")
    index = _serving_index(calibration)
    calibration["calibrations"][index]["parameters"]["dram_energy_per_bit"]["value"] = "1 pJ/bit"
    with pytest.raises(SpecError, match=rf"\$\.calibrations\[{index}\]\.parameters\.dram_energy_per_bit: not physically "
                                        r"possible: 1e-12 J/bit is below the DRAM device energy 3\.9e-12 J/bit"):
        estimate(load_chip(write(spec, calibration)), paper_workload)
