"""Bad system inputs: one line naming the file and JSON path, exit code 2."""

import json

import pytest

from tests.conftest import ROOT, WORKLOADS
from tests.system.conftest import H100_SYSTEM

SPECS = ROOT / "hardware_specs"


def _system(tmp_path, name="system.json", **changes):
    document = json.loads(H100_SYSTEM.read_text())
    document.update({"host": str(SPECS / "gpu" / "h100_sxm.json"), "link": str(SPECS / "links" / "nvlink_c2c.json")})
    document["attention"] = {**document["attention"], "chip": str(SPECS / "gaincell_leroux2025.json")}
    for key, value in changes.items():
        if value is None:
            document.pop(key)
        else:
            document[key] = value
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def _run(cli, system, workload="llama-3-8b.json"):
    code, out, err = cli("estimate", "--chip", system, "--workload", WORKLOADS / workload, "--context", 1024)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    return err


def test_a_host_that_is_not_a_gpu(tmp_path, cli):
    err = _run(cli, _system(tmp_path, host=str(SPECS / "gaincell_leroux2025.json")))
    assert "system.json: $.host: expected a GPU spec (kind 'gpu'), got kind 'gaincell_attention'" in err


def test_a_missing_link(tmp_path, cli):
    assert "system.json: $.link: required field is missing" in _run(cli, _system(tmp_path, link=None))


def test_a_link_file_that_does_not_exist(tmp_path, cli):
    assert "nowhere.json: $: file not found" in _run(cli, _system(tmp_path, link=str(tmp_path / "nowhere.json")))


def test_a_link_that_is_a_gpu(tmp_path, cli):
    err = _run(cli, _system(tmp_path, link=str(SPECS / "gpu" / "h100_sxm.json")))
    assert "$.link: expected a link spec (kind 'link'), got kind 'gpu'" in err


def test_a_chip_that_cannot_hold_one_heads_window(tmp_path, cli):
    """One Llama 3 8B KV head's 8,192-token window takes ≈ 4.8 mm² on the Leroux chip: a 1 mm² die is too small."""
    document = json.loads(H100_SYSTEM.read_text())["attention"]
    attention = {**document, "chip": str(SPECS / "gaincell_leroux2025.json"), "max_die_area": "1 mm^2"}
    err = _run(cli, _system(tmp_path, attention=attention))
    assert "$.attention.max_die_area: one KV head's window of llama-3-8b" in err and "more than a die of 1 mm²" in err


@pytest.mark.parametrize("part", ["host", "link"])
def test_a_cycle_of_system_files(tmp_path, cli, part):
    """a.json's part is b.json, whose host is a.json."""
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    _system(tmp_path, "b.json", host=str(first))
    _system(tmp_path, "a.json", **{part: str(second)})
    assert "circular reference" in _run(cli, first)


def test_a_system_as_its_own_host(tmp_path, cli):
    path = tmp_path / "self.json"
    _system(tmp_path, "self.json", host=str(path))
    assert "self.json: $.host: circular reference" in _run(cli, path)


def test_a_system_as_a_host_without_a_cycle(tmp_path, cli):
    inner = _system(tmp_path, "inner.json")
    err = _run(cli, _system(tmp_path, "outer.json", host=str(inner)))
    assert "outer.json: $.host: expected a GPU spec, got the system" in err


def test_emulate_with_a_system_refuses_a_chip_too(cli):
    code, _, err = cli("emulate", "--mode", "gaincell_linear", "--system", H100_SYSTEM, "--workload",
                       WORKLOADS / "gpt2.json", "--chip", SPECS / "gaincell_leroux2025.json")
    assert code == 2 and "--system sets the chip and λ = Δt/τ itself; drop --chip" in err
