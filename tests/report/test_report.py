"""The HTML report: self-contained, every section present, published points shown, atomic on failure."""

from __future__ import annotations

import base64
import io
import re

import pandas as pd
import plotly.offline
import pytest
from numpy.testing import assert_allclose

import archmodel.report.build as build_module
from archmodel.cli import run
from archmodel.report import build_report, collect, load_recipe
from report_helpers import DEFAULT_RECIPE, FIGURE_KEYS, GPU_KEYS, RATIO_KEYS, small_recipe, write_recipe


@pytest.fixture(scope="module")
def html(default_report) -> str:
    return default_report.read_text(encoding="utf-8")


def test_self_contained(html):
    assert not re.search(r"<script[^>]+src=", html)          # plotly.js is inline
    assert not re.search(r"<link[^>]+stylesheet", html)      # CSS is inline
    assert html.count("plotly.js v") >= 1 and html.count('<script type="text/javascript">/**') == 1  # loaded once
    assert f'<meta name="archmodel-figures" content="{len(FIGURE_KEYS)}">' in html


def test_sections_and_tables_present(html):
    for anchor in ("summary", "caveats", *FIGURE_KEYS, "comparison", "calibrations", "provenance", "downloads"):
        assert f'id="{anchor}"' in html, anchor
    assert "amortised" in html and "attention core" in html          # caveats
    assert "predicted from rtx4090.json" in html                      # H100 calibration label
    assert "Leroux 2025, Methods (V_DD = 0.9 V)" in html              # a provenance record of the chip


def test_download_links_decode_to_csv_with_units(html):
    links = dict(re.findall(r'download="([^"]+)" href="data:text/csv;charset=utf-8;base64,([^"]+)"', html))
    assert set(links) >= {"points.csv", "energy_breakdown.csv", "published_vs_model.csv", "provenance.csv"}
    points = pd.read_csv(io.StringIO(base64.b64decode(links["points.csv"]).decode("utf-8")))
    assert {"time_per_token [s]", "energy_per_token [J]", "context [token]", "chip_label"} <= set(points.columns)
    assert points["chip_label"].nunique() == 4


@pytest.fixture(scope="module")
def small_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    return collect(load_recipe(write_recipe(folder, small_recipe())))


def test_published_points_sit_next_to_the_model(small_data):
    """At M = 1024 the shipped chip reproduces Leroux 2025 Fig. 5 within 1 % (its energies derive from it)."""
    gaincell = small_data.comparison[small_data.comparison["device"] == "gaincell_leroux2025"]
    rows = gaincell.set_index(["quantity", "scope", "group"])
    assert_allclose(rows.loc[("time_per_token", "layer", ""), "model"], 65e-9, rtol=0.01)
    assert_allclose(rows.loc[("energy_per_token", "head", ""), "model"], 6.15e-9, rtol=0.01)
    assert_allclose(rows.loc[("energy_per_token", "layer", ""), "model"], 73.8e-9, rtol=0.01)
    assert_allclose(rows.loc[("energy_by_group", "head", "digital"), "model"], 4000e-12, rtol=0.01)
    gpu = small_data.comparison[small_data.comparison["device"] == "rtx4090"]
    assert gpu["model"].isna().all() and (gpu["chip_label"] == "RTX 4090").all()      # not in this recipe


def test_ratios_divide_by_the_reference(small_data):
    points = small_data.points.set_index(["chip_key", "context"])["time_per_token"]
    ratios = small_data.ratios.set_index("context")["speedup"]
    assert_allclose(ratios, points["narrow"].loc[ratios.index] / points["gaincell"].loc[ratios.index], rtol=1e-12)


def test_cli_writes_to_the_recipe_output_and_prints_where(tmp_path, capsys):
    recipe = write_recipe(tmp_path, small_recipe(output="made/report.html"))
    assert run(["report", str(recipe)]) == 0
    out = tmp_path / "made" / "report.html"
    assert out.is_file() and capsys.readouterr().out.startswith(f"wrote {out} ({len(FIGURE_KEYS) - len(GPU_KEYS)} figures, 2 chips, 1 scenario,")


def test_default_recipe_without_arguments(tmp_path, capsys):
    out = tmp_path / "default.html"
    assert run(["report", "--out", str(out)]) == 0
    assert f"{len(FIGURE_KEYS)} figures, 4 chips, 2 scenarios" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").count(plotly.offline.get_plotlyjs()) == 1    # plotly.js embedded, once
    assert build_module.default_recipe() == DEFAULT_RECIPE


def test_failure_while_building_leaves_no_html(tmp_path, monkeypatch):
    out = tmp_path / "report.html"
    out.write_text("previous report", encoding="utf-8")

    def broken(data):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(build_module, "sections", broken)
    with pytest.raises(RuntimeError, match="figure failed"):
        build_report(write_recipe(tmp_path, small_recipe()), out)
    assert out.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recipe.json", "report.html"]


def test_one_chip_recipe_has_no_ratio_figures(tmp_path):
    document = small_recipe()
    document["chips"] = document["chips"][:1]
    built = build_report(write_recipe(tmp_path, document), tmp_path / "one.html")
    html = built.path.read_text(encoding="utf-8")
    assert built.figures == len(FIGURE_KEYS) - len(RATIO_KEYS) - len(GPU_KEYS) and 'id="time"' in html
    assert not any(f'id="{key}"' in html for key in RATIO_KEYS)
