"""The default report in a real headless Chromium: every figure renders, no console errors, offline.

Uses Debian's Chromium (/usr/bin/chromium) through Playwright with
``executable_path``; Playwright never downloads a browser.  Skips where
Chromium is absent, except under CI (env var CI set), where that fails.
Writes tests/output/report.png: look at it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from report_helpers import FIGURE_KEYS, two_scenario_recipe, write_recipe

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = Path(__file__).resolve().parents[2] / "tests" / "output" / "report.png"


def chromium() -> Path:
    """Path of Chromium, or skip (fail under CI) with how to install it."""
    found = CHROMIUM if CHROMIUM.exists() else (shutil.which("chromium") and Path(shutil.which("chromium")))
    if found:
        return found
    message = "Chromium not found at /usr/bin/chromium; install it with: apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def rendered(default_report):
    """Open the report from disk in headless Chromium; yield (page, console errors, network requests)."""
    with open_in_chromium(default_report) as opened:
        yield opened


@contextlib.contextmanager
def open_in_chromium(report: Path):
    """Open ``report`` in headless Chromium and wait until every figure is drawn."""
    executable = chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    errors, requests = [], []
    with tempfile.TemporaryDirectory(prefix="archmodel-chromium-") as profile, sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(executable), headless=True, args=ARGS,
            viewport={"width": 1366, "height": 900},
        )
        try:
            page = context.new_page()
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report.as_uri(), wait_until="load")
            expected = int(page.get_attribute('meta[name="archmodel-figures"]', "content"))
            page.wait_for_function(
                "n => [...document.querySelectorAll('.js-plotly-plot')].filter(e => e.querySelector('svg.main-svg')).length >= n",
                arg=expected, timeout=20_000)
            yield page, errors, requests, expected
        finally:
            context.close()


def test_no_console_errors_and_no_network(rendered):
    page, errors, requests, _ = rendered
    assert errors == []
    external = [url for url in requests if not url.startswith(("file:", "data:", "blob:", "about:"))]
    assert external == []


def test_every_figure_renders_an_svg(rendered):
    page, _, _, expected = rendered
    plots = page.eval_on_selector_all(".js-plotly-plot", "els => els.filter(e => e.querySelector('svg.main-svg')).length")
    assert expected == len(FIGURE_KEYS)
    assert plots == expected
    assert all(page.locator(f"#figure-{key} svg.main-svg").count() >= 1 for key in FIGURE_KEYS)
    assert page.locator(".js-plotly-plot").count() == expected


def test_titles_and_axis_labels_present(rendered):
    page, _, _, expected = rendered
    titles = page.eval_on_selector_all(".js-plotly-plot", "els => els.map(e => (e.querySelector('.gtitle') || {}).textContent || '')")
    assert len(titles) == expected and all(title.strip() for title in titles)
    for plot in range(expected):
        container = page.locator(".js-plotly-plot").nth(plot)
        x_titles = container.locator(".xtitle, .x2title").all_text_contents()
        y_titles = container.locator(".ytitle, .y2title").all_text_contents()
        assert x_titles and all(text.strip() for text in x_titles), titles[plot]
        assert y_titles and all(text.strip() for text in y_titles), titles[plot]
    assert "Time per generated token vs context length" in titles
    assert "time per token [µs]" in page.locator("#figure-time .ytitle").text_content()


def test_published_points_are_drawn_next_to_the_curves(rendered):
    page, _, _, _ = rendered
    labels = page.locator("#figure-time text").all_text_contents()
    assert "paper 65 ns" in labels          # gain-cell, Leroux 2025 Fig. 5
    assert "fitted to 22.37 µs" in labels   # RTX 4090, paper benchmark: its calibration was fitted to it
    assert "fitted to 488.9 µs" in labels   # Jetson Nano, likewise
    assert "paper 73.8 nJ" in page.locator("#figure-energy text").all_text_contents()


def test_screenshot(rendered):
    page, _, _, _ = rendered
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 50_000


def test_log_axis_ticks_read_as_numbers(rendered):
    page, _, _, _ = rendered
    ticks = page.locator("#figure-time .xtick text").all_text_contents()
    assert ticks == ["1", "10", "100", "1,000", "10,000"]


@pytest.fixture(scope="module")
def custom_rendered(tmp_path_factory, rendered):
    """A custom recipe (gain-cell chip and RTX 4090, two scenarios) built and drawn in Chromium, in a new tab
    of the default report's browser; returns what the tests read: console errors, curve dash patterns, summary text."""
    from archmodel.report import build_report

    folder = tmp_path_factory.mktemp("custom")
    out = build_report(write_recipe(folder, two_scenario_recipe()), folder / "custom.html").path
    page = rendered[0].context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(out.as_uri(), wait_until="load")
        expected = int(page.get_attribute('meta[name="archmodel-figures"]', "content"))
        page.wait_for_function(
            "n => [...document.querySelectorAll('.js-plotly-plot')].filter(e => e.querySelector('svg.main-svg')).length >= n",
            arg=expected, timeout=20_000)
        dashes = page.eval_on_selector_all(
            "#figure-time .scatterlayer .trace .js-line",
            "els => els.map(e => e.style.strokeDasharray || getComputedStyle(e).strokeDasharray || 'none')")
        return {"errors": errors, "dashes": dashes, "summary": page.locator("#summary").inner_text()}
    finally:
        page.close()


def test_custom_recipe_scenarios_have_distinct_line_styles(custom_rendered):
    assert custom_rendered["errors"] == []
    dashes = custom_rendered["dashes"]
    assert len(dashes) == 4                     # 2 chips x 2 scenarios, drawn as lines
    assert len(set(dashes)) == 2                # solid for the first scenario, dashed for the second


def test_custom_recipe_shows_every_chips_area(custom_rendered):
    summary = custom_rendered["summary"]
    assert "4.78 mm²" in summary                               # gain-cell chip, bottom-up
    assert "608.4 mm² (whole die, datasheet)" in summary       # RTX 4090 spec die_area (608.4 mm², AD102)
    assert summary.count("Batch 8: time per token = step latency / 8") == 1
