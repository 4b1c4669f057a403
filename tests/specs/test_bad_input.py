"""Bad input gives one line naming file and JSON path, exit code 2, no traceback."""

import copy
import json

import pytest

from tests.conftest import CHIP, WORKLOADS, write_json


def chip_variant(document: dict, path: str, value) -> dict:
    """A copy of ``document`` with the dotted ``path`` set to ``value`` (``...`` deletes it)."""
    document = copy.deepcopy(document)
    *parents, last = path.split(".")
    node = document
    for key in parents:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return document


CHIP_CASES = [
    ("missing field", "array.rows", ..., r"\$\.array\.rows: required field is missing"),
    ("unknown field", "array.bank", 4, r"\$\.array\.bank: unknown field"),
    ("wrong unit dimension", "query_driver.max_pulse_width", "15 mW", r"\$\.query_driver\.max_pulse_width: expected a unit of time"),
    ("zero size", "array.rows", 0, r"\$\.array\.rows: input should be greater than 0, got 0"),
    ("negative size", "array.columns", -64, r"\$\.array\.columns: input should be greater than 0, got -64"),
    ("negative power", "digital.leakage_power", "-1 mW", r"\$\.digital\.leakage_power: input should be greater than or equal to 0"),
    ("unknown chip kind", "kind", "optical_attention", r"\$\.kind: unknown chip kind 'optical_attention'"),
    ("unparsable unit", "gain_cell.area", "1 blorps^2", r"\$\.gain_cell\.area: cannot parse"),
    ("bad provenance", "gain_cell.area", {"value": "1 um^2"}, r"\$\.gain_cell\.area: a wrapped value needs exactly one of"),
    ("inconsistent voltages", "gain_cell.rest_voltage", "1.2 V", r"\$\.gain_cell: need storage_min < rest_voltage < storage_max"),
]


@pytest.mark.parametrize("label, path, value, message", CHIP_CASES, ids=[case[0] for case in CHIP_CASES])
def test_bad_chip_fields(tmp_path, cli, chip_document, label, path, value, message):
    bad = write_json(tmp_path / "chip.json", chip_variant(chip_document, path, value))
    code, out, err = cli("estimate", "--chip", bad, "--workload", WORKLOADS / "gpt2.json")
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(bad) in err
    assert pytest.importorskip("re").search(message, err), err


def test_malformed_json(tmp_path, cli):
    bad = write_json(tmp_path / "chip.json", '{"kind": "gaincell_attention",,}')
    code, _, err = cli("estimate", "--chip", bad, "--workload", WORKLOADS / "gpt2.json")
    assert code == 2
    assert f"{bad}: $: malformed JSON at line 1 column 31" in err


def test_missing_file(cli, tmp_path):
    code, _, err = cli("estimate", "--chip", tmp_path / "nope.json", "--workload", WORKLOADS / "gpt2.json")
    assert code == 2 and "nope.json: $: file not found" in err


def test_window_not_a_multiple_of_the_subtile_width(tmp_path, cli):
    workload = json.loads((WORKLOADS / "gpt2.json").read_text())
    workload["attention"]["window"] = 1000
    bad = write_json(tmp_path / "w.json", workload)
    code, _, err = cli("estimate", "--chip", CHIP, "--workload", bad)
    assert code == 2
    assert f"{bad}: $.attention.window: must be a multiple of the sub-tile width 64" in err
    assert "$.array.columns), got 1000" in err


def test_hf_config_lacking_fields(tmp_path, cli):
    bad = write_json(tmp_path / "config.json", {"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32})
    code, _, err = cli("estimate", "--chip", CHIP, "--workload", bad)
    assert code == 2
    assert f"{bad}: $.num_hidden_layers: required field is missing from this Hugging Face config" in err


@pytest.mark.parametrize("args, message", [
    (["--context", "0"], "context lengths must be positive integers"),
    (["--scope", "chip"], "unknown scope 'chip'"),
    (["--batch", "0"], "batch must be a positive integer"),
])
def test_bad_arguments(cli, args, message):
    code, _, err = cli("estimate", "--chip", CHIP, "--workload", WORKLOADS / "gpt2.json", *args)
    assert code == 2 and message in err


def test_workload_with_heads_not_a_multiple_of_kv_heads(tmp_path, cli):
    workload = json.loads((WORKLOADS / "gpt2.json").read_text())
    workload["model"]["kv_heads"] = 5
    bad = write_json(tmp_path / "w.json", workload)
    code, _, err = cli("estimate", "--chip", CHIP, "--workload", bad)
    assert code == 2 and f"{bad}: $.model: heads (12) must be a multiple of kv_heads (5)" in err


@pytest.mark.parametrize("args, message", [
    (["bogus"], "No such command 'bogus'"),
    (["estimate", "--chip", str(CHIP)], "Missing option '--workload'. (see 'archmodel estimate --help')"),
    (["estimate", "--chip", str(CHIP), "--workload", str(WORKLOADS / "gpt2.json"), "--context", "abc"],
     "Invalid value for '--context'"),
    (["estimate", "--bogus"], "No such option: --bogus"),
])
def test_command_line_usage_errors(cli, args, message):
    """Click's usage errors are one line too (issue 13), with where to find the help."""
    code, _, err = cli(*args)
    assert code == 2 and message in err and "Traceback" not in err
    assert err.strip().startswith("archmodel: error: ") and "\n" not in err.strip()
