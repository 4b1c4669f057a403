"""Recipes: strict validation, errors naming file and JSON path; the CLI leaves no HTML behind."""

from __future__ import annotations

import pytest

from archmodel import SpecError
from archmodel.cli import run
from archmodel.report import load_recipe

from report_helpers import GAINCELL, ROOT, small_recipe, write_recipe


def test_small_recipe_loads(tmp_path):
    loaded = load_recipe(write_recipe(tmp_path, small_recipe()))
    assert loaded.recipe.chip_keys == ["gaincell", "narrow"]
    assert loaded.output_path() == tmp_path / "output" / "recipe.html"


def test_shipped_default_recipe_is_valid():
    loaded = load_recipe(ROOT / "reports" / "paper_reproduction.json")
    assert loaded.output_path() == ROOT / "reports" / "output" / "paper_reproduction.html"
    assert [chip.key for chip in loaded.recipe.chips] == ["gaincell", "rtx4090", "jetson_nano", "h100_sxm"]


@pytest.mark.parametrize(("document", "path", "message"), [
    (small_recipe(colour="red"), "$.colour", "unknown field (not part of a recipe; check the spelling)"),
    (small_recipe(reference="gpu"), "$.reference", "expected one of the chip keys ['gaincell', 'narrow'], got 'gpu'"),
    (small_recipe(breakdown={"scenario": "decode", "context": 0}), "$.breakdown.context", "greater than or equal to 1"),
    (small_recipe(breakdown={"scenario": "prefill", "context": 8}), "$.breakdown.scenario", "expected one of the scenario keys"),
    (small_recipe(chips=[]), "$.chips", "at least 1 item"),
])
def test_recipe_errors_name_the_json_path(tmp_path, document, path, message):
    recipe = write_recipe(tmp_path, document)
    with pytest.raises(SpecError) as error:
        load_recipe(recipe)
    assert str(error.value).startswith(f"{recipe}: {path}: ") and message in str(error.value)


def test_wrong_types_are_not_coerced(tmp_path):
    document = small_recipe()
    document["scenarios"][0]["batch"] = "64"
    with pytest.raises(SpecError, match=r"recipe.json: \$\.scenarios\[0\]\.batch: Input should be a valid integer, got '64'"):
        load_recipe(write_recipe(tmp_path, document))


def test_duplicate_keys_and_unknown_published_keys(tmp_path):
    document = small_recipe()
    document["chips"][1]["key"] = "gaincell"
    with pytest.raises(SpecError, match=r"\$\.chips\[1\]\.key: duplicate key 'gaincell'"):
        load_recipe(write_recipe(tmp_path, document))
    document = small_recipe()
    document["chips"][0]["published"] = "tpu"
    with pytest.raises(SpecError, match=r"\$\.chips\[0\]\.published: expected one of \['gaincell_leroux2025', 'jetson_nano', 'rtx4090'\], got 'tpu'"):
        load_recipe(write_recipe(tmp_path, document))


def test_missing_file_names_the_recipe_path(tmp_path):
    document = small_recipe()
    document["chips"][1]["file"] = "../hardware_specs/gpu/tpu_v9.json"
    with pytest.raises(SpecError, match=r"recipe.json: \$\.chips\[1\]\.file: file not found: '../hardware_specs/gpu/tpu_v9.json'"):
        load_recipe(write_recipe(tmp_path, document))


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
