"""A custom recipe a reader can trust (issue 13): summaries at the recipe's own contexts, every chip's area,
the published table only for what the recipe reproduces, one line style per scenario."""

from __future__ import annotations

import pytest

from archmodel.report import collect, load_recipe
from archmodel.report.contents import sections
from archmodel.report.page_tables import chip_areas, comparison_table, summary_contexts, summary_table
from report_helpers import small_recipe, two_scenario_recipe, write_recipe


@pytest.fixture(scope="module")
def custom_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("custom")
    return collect(load_recipe(write_recipe(folder, two_scenario_recipe())))


def test_summary_per_scenario_at_the_recipe_contexts(custom_data):
    html = summary_table(custom_data)
    assert html.count("<table") == 2
    assert "<h3>GPT-2, batch 1, short contexts</h3>" in html and "<h3>GPT-2, batch 8</h3>" in html
    for scenario, contexts in (("short", [128, 1024, 2048]), ("batched", [256, 4096])):
        info = next(s for s in custom_data.scenarios if s.key == scenario)
        assert summary_contexts(custom_data, info) == contexts
    assert "Batch 8: time per token = step latency / 8, energy per token = step energy / 8" in html
    assert "4,096" in html and "2,048" in html


def test_summary_of_a_long_range_shows_its_ends_and_the_breakdown_context(tmp_path):
    data = collect(load_recipe(write_recipe(tmp_path, small_recipe())))
    scenario = data.scenarios[0]  # contexts "1:4096:log16", breakdown at 1024
    assert len(scenario.contexts) > 6
    nearest = min(scenario.contexts, key=lambda context: abs(context - 1024))  # what the breakdown figures show
    assert summary_contexts(data, scenario) == [1, int(nearest), 4096]
    assert "(of the 16 computed; all in points.csv)" in summary_table(data)


def test_area_of_every_chip(custom_data):
    areas = chip_areas(custom_data)
    # gain-cell bottom-up total 4.78 mm² (as `archmodel estimate`); RTX 4090 die 608.4 mm² (its spec, datasheet)
    assert areas["gaincell"] == "4.78 mm²"
    assert areas["rtx4090"].startswith("608") and areas["rtx4090"].endswith("mm² (whole die, datasheet)")
    assert all(areas[key] in summary_table(custom_data) for key in areas)


def test_published_table_only_for_what_the_recipe_reproduces(custom_data):
    html = comparison_table(custom_data)
    assert "Gain-cell" in html
    assert "RTX 4090" not in html and "not in recipe" not in html  # the paper's GPU benchmark is not a scenario here


def test_no_published_table_without_a_reproduced_point(tmp_path):
    recipe = two_scenario_recipe()
    for entry in recipe["chips"] + recipe["scenarios"]:
        entry.pop("published", None)
    data = collect(load_recipe(write_recipe(tmp_path, recipe)))
    assert "reproduces none of the paper's published points" in comparison_table(data)


def test_scenarios_differ_in_line_style_chips_in_colour(custom_data):
    figure = next(section.figure for section in sections(custom_data) if section.key == "time")
    curves = [trace for trace in figure.data if trace.legendgroup in ("GPT-2, batch 1, short contexts", "GPT-2, batch 8")]
    assert len(curves) == 4
    dashes = {trace.legendgroup: trace.line.dash for trace in curves}
    assert dashes["GPT-2, batch 1, short contexts"] != dashes["GPT-2, batch 8"]
    for chip in ("Gain-cell", "RTX 4090"):
        assert len({trace.line.color for trace in curves if trace.name == chip}) == 1


def test_area_follows_the_scenario_batch(custom_data):
    # the shipped chip replicates its arrays per sequence (schedule.batch_policy "replicate"): 8 × 4.78 mm²
    # at batch 8 (4.7797 mm² bottom-up, `archmodel estimate`); the GPU die does not change
    assert chip_areas(custom_data, "batched")["gaincell"] == "38.24 mm²"
    assert chip_areas(custom_data, "batched")["rtx4090"] == chip_areas(custom_data, "short")["rtx4090"]
