"""Seeded fuzzing of the shipped chip, GPU, workload and recipe files (issue 13).

Each example mutates one shipped file a few times — deletes a field, gives it
another JSON type, rescales a number by up to 10^±40 or flips its sign,
renames a key — and runs the CLI in-process.  Every example must end in exit
0 with a valid result, or exit 2 with one ``archmodel: error:`` line; never a
traceback.  An accepted estimate must hold no NaN, infinity or negative
number.  The number of examples per file is bounded (``ARCHMODEL_FUZZ_EXAMPLES``,
default 12) so the test runs in seconds; the seeds are fixed, so a failure
reproduces (``ARCHMODEL_FUZZ_SEED=x`` draws other examples, for a longer hunt).
"""

from __future__ import annotations

import copy
import json
import math
import os
import random
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLES = int(os.environ.get("ARCHMODEL_FUZZ_EXAMPLES", "12"))
SEED = os.environ.get("ARCHMODEL_FUZZ_SEED", "")
GPT2 = ROOT / "workloads" / "gpt2.json"
CHIP = ROOT / "hardware_specs" / "gaincell_leroux2025.json"
GPU_DIR = ROOT / "hardware_specs" / "gpu"
RETYPED = [True, False, None, "64", "abc", "15 furlong", "1e400 s", [], [1, 2], {}, {"value": 1}, -1, 0, 1.5,
           10**40, 2**60, "NaN", "-3 ns"]


def leaves(node: object, path: tuple = ()) -> list[tuple]:
    """Paths of every key and list item of a JSON document."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found.append(path + (key,))
        found += leaves(value, path + (key,))
    return found


def mutate(document: dict, rng: random.Random) -> dict:
    """``document`` with 1 to 3 random mutations (delete, retype, rescale, rename)."""
    document = copy.deepcopy(document)
    for _ in range(rng.randint(1, 3)):
        paths = leaves(document)
        if not paths:
            break
        *parents, last = rng.choice(paths)
        node = document
        for key in parents:
            node = node[key]
        action = rng.choice(["delete", "retype", "rescale", "rescale", "rename"])
        value = node[last]
        if action == "delete" and isinstance(node, dict):
            del node[last]
        elif action == "rename" and isinstance(node, dict):
            node[f"{last}_x"] = node.pop(last)
        elif action == "rescale" and isinstance(value, (int, float)) and not isinstance(value, bool):
            node[last] = rng.choice([-1, 1]) * value * 10.0 ** rng.randint(-40, 40)
        elif action == "rescale" and isinstance(value, str) and is_quantity(value):
            number, _, unit = value.partition(" ")
            node[last] = f"{float(number) * 10.0 ** rng.randint(-40, 40):g} {unit}".strip()
        else:
            node[last] = copy.deepcopy(rng.choice(RETYPED))
    return document


def is_quantity(text: str) -> bool:
    """True for ``"15 ns"``-like strings: a number, then a unit."""
    try:
        float(text.partition(" ")[0])
    except ValueError:
        return False
    return True


def numbers(node: object):
    """Every number of a JSON-ready result."""
    if isinstance(node, dict):
        for value in node.values():
            yield from numbers(value)
    elif isinstance(node, list):
        for value in node:
            yield from numbers(value)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield node


def run_checked(cli, *args) -> str | None:
    """Run the CLI; return stdout when it accepted the input, None when it refused it on one line."""
    code, out, err = cli(*args)
    assert "Traceback" not in err and "Traceback" not in out
    assert code in (0, 2), err
    if code == 2:
        assert [line for line in err.splitlines() if line.startswith("archmodel: error: ")], err
        return None
    return out


def check_estimate(cli, chip: Path, workload: Path) -> bool:
    out = run_checked(cli, "estimate", "--chip", chip, "--workload", workload, "--context", "1", "--context", "1024", "--context", "16384", "--json")
    if out is None:
        return False
    result = json.loads(out)
    bad = [value for value in numbers(result) if not math.isfinite(value) or value < 0]
    assert bad == [], f"non-finite or negative numbers in an accepted estimate: {bad[:5]}"
    return True


def write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("seed", range(2))
def test_fuzz_gaincell_chip(tmp_path, cli, seed):
    rng = random.Random(f"{SEED}{1000 + seed}")
    original = json.loads(CHIP.read_text())
    outcomes = [check_estimate(cli, write(tmp_path / f"chip{index}.json", mutate(original, rng)), GPT2)
                for index in range(EXAMPLES)]
    assert not all(outcomes)  # the mutations do reach the checks


@pytest.mark.parametrize("name", ["rtx4090", "h100_sxm"])
def test_fuzz_gpu(tmp_path, cli, name):
    rng = random.Random(f"{SEED}{name}")
    original = json.loads((GPU_DIR / f"{name}.json").read_text())
    shutil.copy(GPU_DIR / f"{name}.calibration.json", tmp_path)
    for index in range(EXAMPLES):
        check_estimate(cli, write(tmp_path / f"{name}.json", mutate(original, rng)), GPT2)
        assert index >= 0


@pytest.mark.parametrize("name", ["rtx4090"])
def test_fuzz_gpu_calibration(tmp_path, cli, name):
    rng = random.Random(f"{SEED}calibration {name}")
    shutil.copy(GPU_DIR / f"{name}.json", tmp_path)
    original = json.loads((GPU_DIR / f"{name}.calibration.json").read_text())
    for _ in range(EXAMPLES):
        write(tmp_path / f"{name}.calibration.json", mutate(original, rng))
        check_estimate(cli, tmp_path / f"{name}.json", GPT2)


@pytest.mark.parametrize("name", ["gpt2", "llama-3-8b"])
def test_fuzz_workload(tmp_path, cli, name):
    rng = random.Random(f"{SEED}{name}")
    original = json.loads((ROOT / "workloads" / f"{name}.json").read_text())
    for index in range(EXAMPLES):
        check_estimate(cli, CHIP, write(tmp_path / f"w{index}.json", mutate(original, rng)))


#: accepted recipe mutations run through the whole report pipeline (each takes about a second)
COLLECTED = 2


def check_tables(data) -> None:
    """No NaN, infinity or negative number in the per-token figures and areas of a collected report."""
    for frame, columns in ((data.points, ["time_per_token", "energy_per_token", "latency", "energy"]), (data.areas, ["area"])):
        values = frame[[column for column in columns if column in frame]].to_numpy(dtype=float)
        assert values.size and math.isfinite(values.sum()) and (values >= 0).all()


def test_fuzz_recipe(tmp_path):
    from archmodel.report import collect
    from archmodel.report.recipe import load_recipe
    from archmodel.specs.errors import ArchmodelError

    rng = random.Random(f"{SEED}recipe")
    recipe = ROOT / "reports" / "paper_reproduction.json"
    original = json.loads(recipe.read_text())
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("hardware_specs", "workloads"):
        (tmp_path / name).symlink_to(ROOT / name)
    refused, collected = 0, 0
    for index in range(EXAMPLES * 2):
        document = mutate(original, rng)
        path = write(folder / f"r{index}.json", document)
        try:
            loaded = load_recipe(path)
            if document["chips"] != original["chips"] or document["scenarios"] != original["scenarios"]:
                if collected < COLLECTED:  # run the changed recipe: its tables hold no NaN or negative number
                    collected += 1
                    check_tables(collect(loaded))
        except ArchmodelError as error:
            refused += 1
            assert "\n" not in str(error)
    assert refused > 0
