"""Issue 13, emulator rows: ``archmodel emulate`` refuses bad inputs and flags on one line, exit 2, before any work."""

import numpy as np
import pytest

from archmodel.emulator import inputs as inputs_module
from archmodel.emulator.cli import run_emulate

from .conftest import CHIP_PATH


def one_line_error(cli, *args):
    code, out, err = cli("emulate", "--chip", CHIP_PATH, "--mode", "gaincell_linear", *args)
    assert code == 2, (out, err)
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err


def test_single_npy_array(tmp_path, cli):
    path = tmp_path / "q.npy"
    np.save(path, np.zeros((1, 1, 4, 8), np.float32))
    assert f"{path}: a single .npy array, not an npz archive; expected an npz archive" in one_line_error(cli, "--inputs", path)


def test_text_file_named_npz(tmp_path, cli):
    path = tmp_path / "x.npz"
    path.write_text("q,k,v\n1,2,3\n")
    err = one_line_error(cli, "--inputs", path)
    assert f"{path}: not an npz archive (no zip header)" in err and "pickled" not in err


@pytest.mark.parametrize("flag", ["--tokens", "--heads", "--batch", "--head-dim"])
def test_zero_sizes(cli, flag):
    assert f"{flag} must be a positive integer, got 0" in one_line_error(cli, flag, "0")


def test_head_dim_beyond_the_array_rows(cli):
    err = one_line_error(cli, "--head-dim", "65")
    assert "--head-dim: a head of 65 dimensions does not fit the chip's K arrays of 64 rows" in err


def test_head_dim_of_random_inputs(cli):
    code, out, err = cli("emulate", "--chip", CHIP_PATH, "--mode", "gaincell_linear", "--tokens", "64",
                         "--heads", "1", "--window", "64", "--head-dim", "16", "--json")
    assert code == 0, err
    assert '"head_dim": 16' in out


def test_head_dim_only_for_random_inputs(tmp_path):
    path = tmp_path / "in.npz"
    q = np.zeros((1, 1, 4, 8), np.float32)
    np.savez(path, q=q, k=q, v=q)
    with pytest.raises(Exception, match="--head-dim only apply to random inputs"):
        run_emulate(CHIP_PATH, "gaincell_linear", inputs=path, head_dim=8)


def test_decay_above_one_per_step(cli):
    err = one_line_error(cli, "--decay-per-step", "5")
    assert "--decay-per-step must be at most 1 (stored values would fall to e^-5 between tokens), got 5.0" in err


def test_time_per_token_without_a_unit(cli):
    # 0.78 s over the chip's τ = 5 ms (hardware_specs/gaincell_leroux2025.json) is λ = 156
    err = one_line_error(cli, "--time-per-token", "0.78")
    assert "--time-per-token: 0.78 s is 156 retention times τ per token" in err and "'0.78 us'" in err


@pytest.mark.parametrize("args, shape", [
    (["--tokens", "100000000"], "--batch 1 × --heads 12 × --tokens 100000000 × head dim 64"),
    (["--batch", "1000000", "--heads", "1000"], "--batch 1000000 × --heads 1000 × --tokens 1024 × head dim 64"),
])
def test_memory_estimated_before_allocation(cli, monkeypatch, args, shape):
    monkeypatch.setattr(inputs_module, "available_memory", lambda: 16e9)  # 16 GB machine, share 0.8 → 12.8 GB
    err = one_line_error(cli, *args)
    assert shape in err and "more than the 12.8 GB available" in err


def test_memory_estimate_arithmetic():
    # 1 × 12 × 10^8 × 64 elements × 128 bytes = 9.83e12 bytes
    needed = 1 * 12 * 10**8 * 64 * inputs_module.BYTES_PER_ELEMENT
    assert needed == pytest.approx(9.8304e12)
    inputs_module.check_memory(1, 12, 1024, 64)  # the default shape fits any machine that runs the tests


def test_memory_of_an_npz_estimated_before_reading(tmp_path, cli, monkeypatch):
    path = tmp_path / "in.npz"
    q = np.zeros((1, 2, 64, 64), np.float32)  # 8,192 elements, 32 kB stored → 1 MB estimated
    np.savez(path, q=q, k=q, v=q)
    monkeypatch.setattr(inputs_module, "available_memory", lambda: 1e6)  # share 0.8 → 0.8 MB
    err = one_line_error(cli, "--inputs", path)
    # q.npy stored: 32,768 bytes of data + 128 of header = 32.9 kB → 8,224 elements × 128 bytes = 1.05 MB
    assert f"{path}: q of 32.9 kB would need about 1.1 MB to emulate, more than the 0.8 MB available" in err
