"""The design-space exploration report (reports/dse_example.json, "kind": "dse"): figures in the page, the front
in the page is pareto_mask of an independent sweep, hover text with units, strict recipes, Chromium."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from archmodel import load_chip, load_workload
from archmodel.cli import run
from archmodel.pareto import pareto_mask
from archmodel.report import build_report
from archmodel.report.build import recipe_kind
from archmodel.report.dse import load_dse_recipe
from archmodel.specs.units import format_si
from archmodel.sweep import Grid, run_sweep
from archmodel.sweep.sampling import draw, parse_range

from report_helpers import DEFAULT_RECIPE, GAINCELL, GPT2, ROOT, write_recipe
from report_helpers import assert_error_names_path
from report_helpers import set_value as _set

EXAMPLE = ROOT / "reports" / "dse_example.json"
#: designs of the test copy of the example (the example draws 300)
DESIGNS = 24


def small_dse_recipe(**changes) -> dict:
    """The shipped example with absolute spec paths and 24 designs."""
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    document.update(chip=str(GAINCELL), workload=str(GPT2), samples={**document["samples"], "n": DESIGNS})
    document.pop("output")
    document.update(changes)
    return document


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small DSE report built through ``build_report`` (the kind dispatch); (recipe, page path, page text)."""
    folder = tmp_path_factory.mktemp("dse")
    recipe = write_recipe(folder, small_dse_recipe(), "dse.json")
    report = build_report(recipe, folder / "out" / "dse.html")
    assert (report.figures, report.designs) == (3, DESIGNS)
    return recipe, report.path, report.path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def independent_front():
    """The example's designs swept here without the report code: variant → (row, on the front)."""
    document = small_dse_recipe()
    chip, workload = load_chip(GAINCELL), load_workload(GPT2)
    ranges = [parse_range(text) for text in document["ranges"]]
    samples = draw(ranges, [chip], [workload], **document["samples"])
    grid = Grid(chips=(chip,), workloads=(workload,), contexts=[document["context"]], samples=samples,
                scope=document["scope"])
    points = run_sweep(grid, executor="local", breakdown=False).points
    return points, pareto_mask(points, document["objectives"])


def plotly_traces(text: str) -> dict[str, list[dict]]:
    """Figure div id → its traces, read from the page's ``Plotly.newPlot("id", [traces], ...)`` calls."""
    decoder = json.JSONDecoder()
    return {match[1]: decoder.raw_decode(text, match.end())[0]
            for match in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', text)}


def values(array) -> np.ndarray:
    """A trace array as numpy: plotly writes numeric arrays as {"dtype", "bdata": base64}."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)


def test_shipped_example_is_a_valid_dse_recipe():
    loaded = load_dse_recipe(EXAMPLE)
    assert recipe_kind(EXAMPLE) == "dse" and recipe_kind(DEFAULT_RECIPE) == "comparison"
    assert len(loaded.samples) == 300 and loaded.recipe.samples.method == "lhs"
    assert [item.column for item in loaded.samples.ranges] == [
        "chip.array.rows", "chip.query_driver.max_pulse_width", "chip.technology.node",
        "chip.technology.supply_voltage", "chip.clocks.digital"]
    assert loaded.output_path() == ROOT / "reports" / "output" / "dse_example.html"


def test_page_has_the_three_figures_offline(built):
    _, path, text = built
    traces = plotly_traces(text)
    assert list(traces) == ["figure-tradeoff", "figure-tradeoff_3d", "figure-parallel"]
    assert {trace["type"] for trace in traces["figure-tradeoff"]} == {"scatter"}
    assert {trace["type"] for trace in traces["figure-tradeoff_3d"]} == {"scatter3d"}
    assert [trace["type"] for trace in traces["figure-parallel"]] == ["parcoords"]
    assert '<meta name="archmodel-figures" content="3">' in text
    assert not re.search(r"<script[^>]+src=", text)                            # plotly.js is inline
    assert text.count('<script type="text/javascript">/**') == 1               # and embedded once
    assert list(path.parent.iterdir()) == [path]                                # written atomically


def test_front_in_the_page_is_pareto_mask_of_the_sweep(built, independent_front):
    _, _, text = built
    points, mask = independent_front
    expected = sorted(points["variant"][mask])
    assert 1 <= len(expected) < DESIGNS
    traces = plotly_traces(text)
    on_front_3d = next(t for t in traces["figure-tradeoff_3d"] if t["name"].startswith("on the front"))
    on_front_2d = next(t for t in traces["figure-tradeoff"] if t["name"].startswith("on the front"))
    assert sorted(values(on_front_3d["customdata"]).tolist()) == expected
    assert sorted(values(on_front_2d["customdata"]).tolist()) == expected
    table = text[text.index('<section id="front">'):]
    table = table[:table.index("</section>")]
    assert sorted(int(cell) for cell in re.findall(r"<tr><td>(\d+)</td>", table)) == expected
    assert f"{len(expected)} of {DESIGNS} designs are on the Pareto front" in text


def test_hover_shows_each_designs_swept_fields_with_units(built, independent_front):
    _, _, text = built
    points, mask = independent_front
    design = points[mask].iloc[0]
    front = next(t for t in plotly_traces(text)["figure-tradeoff"] if t["name"].startswith("on the front"))
    hover = front["hovertext"][sorted(points["variant"][mask]).index(design["variant"])]
    assert f"<b>design {design['variant']}</b>" in hover
    assert f"chip.technology.node = {format_si(design['chip.technology.node'], 'm')}" in hover    # e.g. 7.54 nm
    assert f"chip.array.rows = {design['chip.array.rows']}<br>" in hover


def test_cli_builds_the_dse_report(tmp_path, capsys):
    recipe = write_recipe(tmp_path, small_dse_recipe(samples={"n": 6, "seed": 2, "method": "random"}), "dse.json")
    assert run(["report", str(recipe), "--out", str(tmp_path / "dse.html")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {tmp_path / 'dse.html'} (3 figures, 6 designs, ") and " on the front, " in out




@pytest.mark.parametrize(("mutate", "path", "message"), [
    (_set("colour", value="red"), "$.colour", "unknown field (not part of a DSE recipe; check the spelling)"),
    (_set("samples", "n", value=0), "$.samples.n", "greater than or equal to 1"),
    (_set("samples", "method", value="sobol"), "$.samples.method", "'lhs', 'random' or 'grid'"),
    (_set("context", value="1024"), "$.context", "Input should be a valid integer"),
    (_set("objectives", value=["energy_per_token"]), "$.objectives", "at least 2 items"),
    (_set("objectives", 1, value="power"), "$.objectives[1]", "'energy_per_token'"),
    (_set("objectives", 2, value="energy_per_token"), "$.objectives[2]", "'energy_per_token' is named twice"),
    (_set("ranges", 1, value="chip.query_driver.max_pulse_wdth=5 ns:150 ns"), "$.ranges[1]",
     "unknown spec path 'query_driver.max_pulse_wdth'"),
    (_set("ranges", 2, value="chip.technology.node=65 nm:7 nm:log"), "$.ranges[2]", "expected LOW < HIGH"),
    (_set("ranges", 3, value="chip.technology.supply_voltage=0.1 V:1.1 V"), "$.ranges[3]",
     "supply_voltage must be within [0.5, 1.3] V"),
    (_set("ranges", 4, value="chip.array.rows=8:16"), "$.ranges[4]", "chip.array.rows is sampled twice"),
    (_set("ranges", 0, value="chip.array.rows=16"), "$.ranges[0]", "cannot read range 'chip.array.rows=16'"),
    (_set("chip", value="missing.json"), "$.chip", "file not found: 'missing.json'"),
])
def test_recipe_errors_name_the_json_path(tmp_path, mutate, path, message):
    document = small_dse_recipe()
    mutate(document)
    assert_error_names_path(load_dse_recipe, write_recipe(tmp_path, document), path, message)


@pytest.mark.parametrize(("change", "message"), [
    ({"kind": "pareto"}, "$.kind: expected 'dse' (a comparison recipe has no kind), got 'pareto'"),
    ({"scope": "chip"}, "$.scope: "),
])
def test_cli_exits_2_with_one_line_and_no_html(tmp_path, capsys, change, message):
    out = tmp_path / "out" / "dse.html"
    out.parent.mkdir()
    assert run(["report", str(write_recipe(tmp_path, small_dse_recipe(**change))), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("archmodel: error: ") and message in error and error.count("\n") == 1
    assert list(out.parent.iterdir()) == []


@pytest.mark.browser
def test_chromium_draws_the_three_figures_without_errors(built):
    from test_browser import open_in_chromium

    _, path, _ = built
    with open_in_chromium(path) as (page, errors, requests, expected):
        assert expected == 3 and errors == []
        assert [url for url in requests if not url.startswith(("file:", "data:", "blob:", "about:"))] == []
        for key in ("tradeoff", "tradeoff_3d", "parallel"):
            assert page.locator(f"#figure-{key} svg.main-svg").count() >= 1
        assert page.locator("#figure-tradeoff_3d canvas").count() >= 1        # WebGL scene drawn
        assert page.locator("#figure-parallel .y-axis").count() == 8          # 5 swept fields + 3 objectives
