"""Shared fixtures: paths of shipped specs, loaded specs, a CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHIP = ROOT / "hardware_specs" / "gaincell_leroux2025.json"
WORKLOADS = ROOT / "workloads"


@pytest.fixture(scope="session")
def chip():
    from archmodel import load_chip

    return load_chip(CHIP)


@pytest.fixture(scope="session")
def gpt2():
    from archmodel import load_workload

    return load_workload(WORKLOADS / "gpt2.json")


@pytest.fixture
def cli(capsys):
    """Run the archmodel CLI in-process; return (exit code, stdout, stderr)."""
    from archmodel.cli import run

    def invoke(*args: str):
        code = run([str(arg) for arg in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def chip_document() -> dict:
    """The shipped chip JSON as a dict, to mutate into bad inputs."""
    return json.loads(CHIP.read_text())


def write_json(path: Path, document) -> Path:
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path
