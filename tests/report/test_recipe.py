"""Recipes: strict validation, errors naming file and JSON path; the CLI leaves no HTML behind."""

from __future__ import annotations

import pytest

from archmodel import SpecError
from archmodel.cli import run
from archmodel.report import load_recipe

from report_helpers import GAINCELL, ROOT, small_recipe, write_recipe
from report_helpers import assert_error_names_path
from report_helpers import set_value as _set


def test_small_recipe_loads(tmp_path):
    loaded = load_recipe(write_recipe(tmp_path, small_recipe()))
    assert loaded.recipe.chip_keys == ["gaincell", "narrow"]
    assert loaded.output_path() == tmp_path / "output" / "recipe.html"


def test_shipped_default_recipe_is_valid():
    loaded = load_recipe(ROOT / "reports" / "paper_reproduction.json")
    assert loaded.output_path() == ROOT / "reports" / "output" / "paper_reproduction.html"
    assert [chip.key for chip in loaded.recipe.chips] == ["gaincell", "rtx4090", "jetson_nano", "h100_sxm"]


@pytest.mark.parametrize(("mutate", "path", "message"), [
    (_set("colour", value="red"), "$.colour", "unknown field (not part of a recipe; check the spelling)"),
    (_set("reference", value="gpu"), "$.reference", "expected one of the chip keys ['gaincell', 'narrow'], got 'gpu'"),
    (_set("breakdown", "context", value=0), "$.breakdown.context", "greater than or equal to 1"),
    (_set("breakdown", "scenario", value="prefill"), "$.breakdown.scenario", "expected one of the scenario keys"),
    (_set("chips", value=[]), "$.chips", "at least 1 item"),
    (_set("scenarios", 0, "batch", value="64"), "$.scenarios[0].batch", "Input should be a valid integer, got '64'"),
    (_set("chips", 1, "key", value="gaincell"), "$.chips[1].key", "duplicate key 'gaincell'"),
    (_set("chips", 0, "published", value="tpu"), "$.chips[0].published",
     "expected one of ['gaincell_leroux2025', 'jetson_nano', 'rtx4090'], got 'tpu'"),
    (_set("chips", 1, "file", value="../hardware_specs/gpu/tpu_v9.json"), "$.chips[1].file",
     "file not found: '../hardware_specs/gpu/tpu_v9.json'"),
])
def test_recipe_errors_name_the_json_path(tmp_path, mutate, path, message):
    document = small_recipe()
    mutate(document)
    assert_error_names_path(load_recipe, write_recipe(tmp_path, document), path, message)


def test_malformed_json(tmp_path):
    recipe = tmp_path / "recipe.json"
    recipe.write_text("{\"title\": ", encoding="utf-8")
    with pytest.raises(SpecError, match=r"recipe.json: \$: malformed JSON at line 1"):
        load_recipe(recipe)


@pytest.mark.parametrize(("change", "message"), [
    ({"chips": [{"key": "x", "file": "missing.json"}], "reference": "x"}, "$.chips[0].file: file not found: 'missing.json'"),
    ({"chips": [{"key": "x", "file": "spec.json", "set": {"array.rowz": 1}}], "reference": "x"}, "unknown spec path 'array.rowz'"),
    ({"chips": [{"key": "x", "file": "spec.json", "set": {"dac.conversion_time": "3 V"}}], "reference": "x"},
     "$.dac.conversion_time: expected a unit of time (like s), got '3 V'"),
])
def test_cli_exits_2_and_leaves_no_html(tmp_path, capsys, change, message):
    (tmp_path / "spec.json").write_text(GAINCELL.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    assert run(["report", str(write_recipe(tmp_path, small_recipe(**change))), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("archmodel: error: ") and message in error and error.count("\n") == 1
    assert list(out.parent.iterdir()) == []


def test_missing_recipe(tmp_path, capsys):
    assert run(["report", str(tmp_path / "nope.json")]) == 2
    assert "nope.json: $: file not found" in capsys.readouterr().err
