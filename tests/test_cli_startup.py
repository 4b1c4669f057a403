"""``archmodel --help`` starts fast because the CLI imports heavy modules only in the command that uses them;
``archmodel --version`` prints the installed version.  (Times are measured in benchmarks/bench_cli_startup.py.)"""

import subprocess
import sys
from importlib.metadata import version

HEAVY = ("numpy", "pandas", "pint", "pydantic", "plotly", "dask", "rich.table", "archmodel.specs.loading")


def test_cli_import_loads_no_heavy_module():
    code = f"import sys, archmodel.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_help_lists_every_command_without_heavy_imports():
    code = ("import sys\nfrom archmodel.cli import run\nrun(['--help'])\n"
            f"print('HEAVY', ' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for command in ("estimate", "compare", "calibrate", "measure-gpu", "emulate", "sweep", "report", "--version"):
        assert command in out
    assert out.strip().splitlines()[-1] == "HEAVY"


def test_version(cli):
    code, out, _ = cli("--version")
    assert code == 0 and out == f"archmodel {version('archmodel')}\n"


def test_help_shows_real_flag_types(cli):
    code, out, _ = cli("emulate", "--help")
    assert code == 0
    assert "<bool>" not in out  # flags take no value
    assert "--tokens <int>" in out and "--chip <path>" in out and "--time-per-token TIME" in out and "--path prefill|decode" in out
    assert "sliding window M [tokens]" in out  # help text is not read as markup


def test_sweep_help_names_the_real_executors():
    from archmodel.cli.sweep import EXECUTOR_NAMES
    from archmodel.sweep.executors import EXECUTORS

    assert tuple(EXECUTOR_NAMES) == tuple(EXECUTORS)
