"""Issue 13, spec rows: each bad file or flag is one line naming the file and JSON path (or flag), exit 2.

Every case here was a traceback, a wrong silent default or silent acceptance before
(the table of issue 13); the expected message says what was expected and what was found.
"""

import json
import re

import pytest

from tests.conftest import CHIP, WORKLOADS, write_json
from tests.specs.test_bad_input import chip_variant

GPT2 = WORKLOADS / "gpt2.json"
GPU = CHIP.parent / "gpu" / "rtx4090.json"


def one_line_error(cli, *args):
    code, _, err = cli(*args)
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("archmodel: error:")]
    assert len(lines) == 1, err
    return lines[0]


def estimate_error(cli, chip, workload=GPT2):
    return one_line_error(cli, "estimate", "--chip", chip, "--workload", workload)


def test_deeply_nested_file(tmp_path, cli):
    bad = write_json(tmp_path / "deep.json", "[" * 100_000)
    assert f"{bad}: $: nested deeper than 64 levels" in estimate_error(cli, bad)


def test_nesting_just_below_the_limit_reaches_validation(tmp_path, cli):
    bad = write_json(tmp_path / "nested.json", '{"kind": "gpu", "x": ' + "[" * 60 + "]" * 60 + "}")
    assert "nested deeper" not in estimate_error(cli, bad)


def test_binary_file(tmp_path, cli):
    bad = tmp_path / "program.json"
    bad.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    assert f"{bad}: $: a binary file, not JSON text" in estimate_error(cli, bad)


def test_latin1_file(tmp_path, cli, chip_document):
    chip_document["name"] = "Leroux chip, première version"
    bad = tmp_path / "latin1.json"
    bad.write_bytes(json.dumps(chip_document, ensure_ascii=False).encode("latin-1"))
    assert f"{bad}: $: not UTF-8 text: byte 0xe8 on line 1; save the file as UTF-8" in estimate_error(cli, bad)


def test_utf8_with_byte_order_mark_is_read(tmp_path, cli, chip_document):
    good = tmp_path / "bom.json"
    good.write_bytes(b"\xef\xbb\xbf" + json.dumps(chip_document).encode())
    code, out, err = cli("estimate", "--chip", good, "--workload", GPT2)
    assert code == 0, err


@pytest.mark.parametrize("number, message", [
    ("1" + "0" * 400, "a number with 401 digits is out of range"),
    ("-1" + "0" * 5000, "a number with 5001 digits is out of range"),
    ("1e400", "a number out of range (magnitude at most 1e30)"),
    ("NaN", "NaN is not a finite number"),
    ("-Infinity", "-Infinity is not a finite number"),
])
def test_number_out_of_range(tmp_path, cli, chip_document, number, message):
    text = json.dumps(chip_variant(chip_document, "query_driver.max_pulse_width", "PLACEHOLDER"))
    bad = write_json(tmp_path / "chip.json", text.replace('"PLACEHOLDER"', number))
    line = estimate_error(cli, bad)
    assert f"{bad}: $.query_driver.max_pulse_width: expected a finite number" in line and message in line


def test_duplicate_key(tmp_path, cli, chip_document):
    text = json.dumps(chip_document).replace('"rows": {', '"rows": 32, "rows": {', 1)
    bad = write_json(tmp_path / "chip.json", text)
    assert f"{bad}: $.array.rows: key given twice in one object" in estimate_error(cli, bad)


@pytest.mark.parametrize("kind, found", [
    (["gaincell_attention"], '["gaincell_attention"]'),
    ({}, "{}"),
    (7, "7"),
])
def test_kind_of_the_wrong_type(tmp_path, cli, chip_document, kind, found):
    bad = write_json(tmp_path / "chip.json", chip_variant(chip_document, "kind", kind))
    line = estimate_error(cli, bad)
    assert f"{bad}: $.kind: expected a string, one of ['gaincell_attention', 'gpu', 'system'], got {found}" in line


@pytest.mark.parametrize("path, value, found", [
    ("array.columns", True, "expected an integer, got a boolean True"),
    ("array.rows", "64", "expected an integer, got a string '64'"),
    ("array.rows", 64.0, "expected an integer, got a number written as a float 64.0"),
    ("digital.control_cycles", 1e30, "expected an integer, got a number written as a float 1e+30"),
    ("digital.control_cycles", 2**60, "expected an integer of magnitude at most 2^53"),
    ("schedule.write_overlap", 1, "expected true or false, got int 1"),
    ("activity.query_pulse_fraction", "0.5", "expected a number or a string with a unit of dimensionless, got the string '0.5'"),
])
def test_strict_integers_booleans_and_numbers(tmp_path, cli, chip_document, path, value, found):
    bad = write_json(tmp_path / "chip.json", chip_variant(chip_document, path, value))
    assert f"{bad}: $.{path}: {found}" in estimate_error(cli, bad)


def test_strict_integers_in_workloads(tmp_path, cli):
    workload = json.loads(GPT2.read_text())
    workload["model"]["heads"] = "12"
    bad = write_json(tmp_path / "w.json", workload)
    assert f"{bad}: $.model.heads: expected an integer, got a string '12'" in estimate_error(cli, CHIP, bad)


@pytest.mark.parametrize("path, value, message", [
    # valid (inside the hard limits) but outside the ranges the gain-cell fields declare (archmodel/specs/gaincell.py)
    ("query_driver.max_pulse_width", 0.5, "500 ms is outside the plausible range 1 ns to 1 µs; a bare number is in s"),
    ("gain_cell.area", "1 mm^2", "1 mm² is outside the plausible range 0.01 µm² to 100 µm²; a bare number is in m²"),
    ("technology.node", "100 nm", "100 nm is outside the plausible range 5 nm to 65 nm"),
    ("digital.control_cycles", 50000, "50000 is outside the plausible range 0 to 64; check the value"),
])
def test_implausible_values_warn_on_one_line(tmp_path, cli, chip_document, path, value, message):
    bad = write_json(tmp_path / "chip.json", chip_variant(chip_document, path, value))
    code, _, err = cli("estimate", "--chip", bad, "--workload", GPT2)
    warnings = [line for line in err.splitlines() if "plausible range" in line]
    assert len(warnings) == 1, err
    assert f"{bad}: $.{path}: {message}" in warnings[0]


def test_shipped_specs_are_plausible():
    from archmodel.specs.loading import load_chip, load_workload
    from archmodel.specs.plausibility import plausibility_warnings

    specs = [load_chip(path) for path in [*CHIP.parent.glob("*.json"), *CHIP.parent.glob("gpu/*[!n].json")]
             if not path.name.endswith("calibration.json")]
    specs += [load_workload(path) for path in WORKLOADS.glob("*.json")]
    assert len(specs) >= 15
    assert {spec.file: plausibility_warnings(spec) for spec in specs} == {spec.file: [] for spec in specs}


def test_window_of_a_billion_warns(tmp_path, cli):
    workload = json.loads(GPT2.read_text())
    workload["attention"]["window"] = 10**9
    bad = write_json(tmp_path / "w.json", workload)
    code, _, err = cli("estimate", "--chip", CHIP, "--workload", bad)
    assert f"{bad}: $.attention.window: 1e+09 is outside the plausible range 1 to 1e+08" in err
    assert "so it is split into" in err  # the die split of an over-reticle chip


def test_batch_of_a_trillion(cli):
    line = one_line_error(cli, "estimate", "--chip", CHIP, "--workload", GPT2, "--batch", "1000000000000")
    assert "batch must be at most 1,000,000 sequences, got 1,000,000,000,000" in line


def test_empty_calibration_name(cli):
    line = one_line_error(cli, "estimate", "--chip", f"{GPU}#", "--workload", GPT2)
    assert re.search(r"rtx4090\.json#: empty calibration name after '#'", line), line


def test_empty_value_between_commas(tmp_path, cli):
    out = tmp_path / "s.csv"
    line = one_line_error(cli, "sweep", "--chip", CHIP, "--workload", GPT2, "--context", "1,,2", "--out", out)
    assert "empty value between commas in '1,,2'" in line
    assert not out.exists()


def test_zero_peak_compute_of_a_gpu(tmp_path, cli):
    """Found by tests/test_fuzz_specs.py: a zero peak divided by zero in the 2:4-sparsity rule."""
    import shutil

    document = json.loads((CHIP.parent / "gpu" / "h100_sxm.json").read_text())
    document["peak_compute"]["float16"] = 0
    shutil.copy(CHIP.parent / "gpu" / "h100_sxm.calibration.json", tmp_path)
    bad = write_json(tmp_path / "h100_sxm.json", document)
    assert f"{bad}: $.peak_compute.float16: input should be greater than 0, got 0" in estimate_error(cli, bad)
