"""Figure functions: DataFrames in, Figures out, readable units, one colour per chip everywhere."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
from numpy.testing import assert_allclose

from archmodel.report import collect, load_recipe, sections
from archmodel.report.figures.breakdowns import area_figure, share_figure
from archmodel.report.figures.curves import context_figure
from archmodel.report.style import axis_unit, chip_colors, display_values, ratio_text
from archmodel.specs.units import format_area, milli
from report_helpers import DEFAULT_RECIPE, FIGURE_KEYS


@pytest.mark.parametrize(("values", "unit", "expected"), [
    ([65e-9], "s", "ns"),
    ([1e-9, 540e-6], "s", "µs"),          # prefix of the largest value; the smallest shows as 0.001
    ([73.8e-9, 7e-3], "J", "µJ"),         # mJ would show 73.8 nJ as 0.0000738: one step down
    ([6.15e-9, 1.12e-9], "J", "nJ"),
    ([7.7e-8, 1.3e-6], "m^2", "mm²"),
    ([5e-11], "m^2", "µm²"),
    ([3.0, 40.0], "", ""),
])
def test_axis_units(values, unit, expected):
    assert axis_unit(values, unit)[1] == expected


def test_ratio_text():
    assert [ratio_text(v) for v in (344.4, 7520.3, 97312.2, 1.234)] == ["×344", "×7,520", "×97,300", "×1.23"]


def test_chip_colors_keep_choices_and_fill_the_rest():
    colors = chip_colors(["a", "b", "c"], ["#0072B2", None, None])
    assert colors["a"] == "#0072B2" and len(set(colors.values())) == 3


@pytest.fixture(scope="module")
def default_sections():
    return sections(collect(load_recipe(DEFAULT_RECIPE)))


def test_every_section_is_a_titled_figure_with_axis_titles(default_sections):
    assert [section.key for section in default_sections] == list(FIGURE_KEYS)
    for section in default_sections:
        assert isinstance(section.figure, go.Figure)
        layout = section.figure.layout
        assert layout.title.text, section.key
        assert layout.xaxis.title.text and layout.yaxis.title.text, section.key


def test_time_figure_scales_values_to_its_axis_unit(default_sections):
    figure = next(s.figure for s in default_sections if s.key == "time")
    assert figure.layout.yaxis.title.text == "time per token [µs]"
    assert figure.layout.xaxis.type == "log" and figure.layout.yaxis.type == "log"
    star = next(t for t in figure.data if t.legendgroup == "Leroux 2025 (published)" and t.name == "RTX 4090")
    assert_allclose(star.y, [22.37])                                  # 22.37 µs, Leroux 2025 §5
    # the RTX 4090 calibration (paper_pytorch_eager) was fitted to this very measurement
    assert star.text == ("fitted to 22.37 µs",)
    gaincell = next(t for t in figure.data if t.legendgroup == "Leroux 2025 (published)" and t.name.startswith("Gain-cell"))
    assert gaincell.text == ("paper 65 ns",)                          # Leroux 2025 Fig. 5, not fitted


def test_log_axes_read_as_whole_numbers(default_sections):
    figure = next(s.figure for s in default_sections if s.key == "time")
    # contexts 1 to 16,384 (reports/paper_reproduction.json): one tick per decade, written out
    assert list(figure.layout.xaxis.ticktext) == ["1", "10", "100", "1,000", "10,000"]
    assert all(text.replace(",", "").replace(".", "").isdigit() for text in figure.layout.yaxis.ticktext)


def test_each_scenario_has_its_own_line_style(default_sections):
    figure = next(s.figure for s in default_sections if s.key == "time")
    curves = [t for t in figure.data if t.legendgroup and t.legendgroup.startswith("GPT-2") or
              (t.legendgroup and t.legendgroup.startswith("paper's GPU"))]
    styles = {t.legendgroup: (t.line.dash, t.marker.symbol) for t in curves}
    assert len(styles) == 2 and len(set(styles.values())) == 2
    colors = {t.name: t.line.color for t in curves}
    assert all(t.line.color == colors[t.name] for t in curves)  # colour stays per chip


def test_colours_are_the_same_for_a_chip_in_every_figure(default_sections):
    seen: dict[str, set] = {}
    for section in default_sections[:4]:
        for trace in section.figure.data:
            color = trace.line.color if trace.mode == "lines" else trace.marker.color
            seen.setdefault(trace.name, set()).add(color)
    assert all(len(colors) == 1 for colors in seen.values()), seen
    rtx = next(chip for chip in load_recipe(DEFAULT_RECIPE).recipe.chips if chip.key == "rtx4090")
    assert seen[rtx.label] == {rtx.color}                             # the recipe's choice


def test_context_figure_from_plain_frames():
    curves = pd.DataFrame({"scenario_label": "s", "chip_label": ["A", "A", "B", "B"],
                           "context": [1, 10, 1, 10], "value": [1e-9, 2e-9, 5e-9, 6e-9]})
    overlay = pd.DataFrame({"chip_label": ["A"], "context": [10], "value": [3e-9], "model": [2e-9], "note": ["n"]})
    figure = context_figure(curves, overlay, {"A": "#000000", "B": "#ffffff"}, "s", "T", "time")
    assert [trace.name for trace in figure.data] == ["A", "B", "A"]
    assert_allclose(figure.data[0].y, [1.0, 2.0])                     # in ns
    assert list(figure.data[0].customdata) == ["1 ns", "2 ns"]


def test_share_figure_shares_sum_to_100():
    parts = pd.DataFrame({"chip_label": ["A", "A", "B"], "part": ["x", "y", "x"], "value": [1e-9, 3e-9, 2e-3]})
    figure = share_figure(parts, ["A", "B"], "J", "T", "energy", "group")
    shares = {trace.name: list(trace.x) for trace in figure.data}
    assert_allclose(shares["x"], [25.0, 100.0])
    assert_allclose(shares["y"], [75.0, 0.0])
    assert figure.data[0].customdata[0][0] == "1 nJ"


def test_area_figure_in_mm2():
    areas = pd.DataFrame({"component": ["cells", "digital"], "group": ["qk", "digital"], "area": [0.8e-6, 0.96e-6]})
    figure = area_figure(areas, "T")
    assert figure.layout.xaxis.title.text == "area [mm²]"
    assert_allclose([figure.data[0].x[0], figure.data[1].x[0]], [0.8, 0.96])
    assert [list(trace.customdata) for trace in figure.data] == [["0.8 mm²"], ["0.96 mm²"]]   # not "800 mmm²"


def test_area_hover_of_the_default_report_reads_the_bar(default_sections):
    """Each bar's hover text is its own area: the bar length [mm² on the axis] as format_area shows it."""
    figure = next(s.figure for s in default_sections if s.key == "area")
    assert figure.layout.xaxis.title.text == "area [mm²]"
    shown = [(text, x) for trace in figure.data for text, x in zip(trace.customdata, trace.x)]
    assert shown and all(text == format_area(x * milli**2) and text.endswith(" mm²") for text, x in shown)


@pytest.mark.parametrize(("values", "unit", "missing", "expected"), [
    ([65e-9, float("nan")], "s", "n/a", ["65 ns", "n/a"]),
    ([0.3983e-6, 5e-11], "m^2", "—", ["0.3983 mm²", "50 µm²"]),
    ([344.4, float("inf")], "", "—", ["×344", "—"]),
    ([6.15e-9, 2.0], ["J", ""], "—", ["6.15 nJ", "×2.00"]),     # one unit per value
])
def test_display_values(values, unit, missing, expected):
    assert display_values(values, unit, missing) == expected


def test_gantt_puts_each_task_on_every_resource_it_holds(chip):
    """Paper point (docs/paper.md §4): score 0 → 15 ns on the query drivers and K arrays, the 10 ns
    K write alongside it on the K DACs and write port; the step ends at 65 ns."""
    from archmodel import estimate, load_workload
    from archmodel.report.figures.schedule import gantt_figure
    from tests.conftest import WORKLOADS

    tasks = estimate(chip, load_workload(WORKLOADS / "gpt2.json"), context=1024, scope="layer").tasks
    figure = gantt_figure(tasks, "schedule")
    bars = {trace.name: trace for trace in figure.data}
    score = bars["score"]
    assert list(score.y) == ["query_drivers", "k_arrays"]
    assert_allclose(list(score.base), [0, 0])
    assert_allclose(list(score.x), [15, 15])  # ns axis
    assert_allclose(max(trace.base[i] + trace.x[i] for trace in figure.data for i in range(len(trace.x))), 65)
    assert set(bars["kv_write"].y) == {"k_dacs", "k_write_port", "v_dacs", "v_write_port"}
    assert "[ns]" in figure.layout.xaxis.title.text
