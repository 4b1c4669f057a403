"""Helpers of the report tests: paths of shipped specs and small recipes written to temporary folders."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GAINCELL = ROOT / "hardware_specs" / "gaincell_leroux2025.json"
GPT2 = ROOT / "workloads" / "gpt2.json"
DEFAULT_RECIPE = ROOT / "reports" / "paper_reproduction.json"

#: the figure sections of a report with two or more chips, in reading order (docs/reports.md, "What the
#: default report shows", 1-12): four curve figures, two published comparisons, four breakdowns, the schedule,
#: the sensitivity tornado, the GPU validation
FIGURE_KEYS = ("time", "energy", "speedup", "energy_ratio", "published", "groups",
               "energy_group", "energy_component", "phases", "area", "schedule", "sensitivity", "gpu_validation")
#: the sections dividing by the reference chip, absent from a one-chip report
RATIO_KEYS = ("speedup", "energy_ratio")
#: the sections shown only when a recipe has a GPU (absent from the small recipes)
GPU_KEYS = ("gpu_validation",)


def small_recipe(**changes) -> dict:
    """A recipe of the gain-cell chip and a variant of it (no GPU files needed), absolute paths."""
    recipe = {
        "title": "Small test report",
        "chips": [
            {"key": "gaincell", "file": str(GAINCELL), "published": "gaincell_leroux2025"},
            {"key": "narrow", "file": str(GAINCELL), "label": "Gain-cell, 32-row arrays", "set": {"array.rows": 32}},
        ],
        "reference": "gaincell",
        "scenarios": [{"key": "decode", "label": "GPT-2, batch 1", "workload": str(GPT2),
                       "contexts": "1:4096:log16", "batch": 1, "scope": "layer", "published": "gaincell_m1024"}],
        "breakdown": {"scenario": "decode", "context": 1024},
    }
    recipe.update(changes)
    return recipe


def write_recipe(folder: Path, document: dict, name: str = "recipe.json") -> Path:
    """Write ``document`` as JSON into ``folder``; return its path."""
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


RTX4090 = ROOT / "hardware_specs" / "gpu" / "rtx4090.json"
PAPER_BENCHMARK = ROOT / "workloads" / "paper_gpu_benchmark.json"


def two_scenario_recipe(**changes) -> dict:
    """A custom recipe of a gain-cell chip and a GPU on two scenarios, neither the paper's GPU benchmark
    (nothing of the RTX 4090 is reproduced), contexts given as lists."""
    recipe = {
        "title": "Custom two-scenario report",
        "chips": [
            {"key": "gaincell", "file": str(GAINCELL), "label": "Gain-cell", "published": "gaincell_leroux2025"},
            {"key": "rtx4090", "file": str(RTX4090), "label": "RTX 4090", "published": "rtx4090"},
        ],
        "reference": "gaincell",
        "scenarios": [
            {"key": "short", "label": "GPT-2, batch 1, short contexts", "workload": str(GPT2),
             "contexts": [128, 1024, 2048], "batch": 1, "scope": "layer", "published": "gaincell_m1024"},
            {"key": "batched", "label": "GPT-2, batch 8", "workload": str(GPT2),
             "contexts": [256, 4096], "batch": 8, "scope": "layer"},
        ],
        "breakdown": {"scenario": "short", "context": 1024},
    }
    recipe.update(changes)
    return recipe


def set_value(*keys, value):
    """A mutation of a recipe document: the value at ``keys`` (dict keys and list indices) becomes ``value``."""
    def mutate(document: dict) -> None:
        node = document
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return mutate


def assert_error_names_path(load, recipe: Path, path: str, message: str) -> None:
    """``load(recipe)`` raises a SpecError ``RECIPE: PATH: ...`` that contains ``message``."""
    import pytest

    from archmodel.specs import SpecError

    with pytest.raises(SpecError) as error:
        load(recipe)
    assert str(error.value).startswith(f"{recipe}: {path}: ") and message in str(error.value)
