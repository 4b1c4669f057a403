"""Plotly comparison reports: one self-contained HTML file per recipe.

Public API::

    built = build_report("reports/paper_reproduction.json", out="report.html")
    loaded = load_recipe(path); data = collect(loaded)      # tidy tables (ReportData)
    sections(data)                                           # figures, each a plotly Figure
    write_html(page(data, sections(data)), path)             # atomic

Steps: :mod:`recipe` (validation) → :mod:`data` (sweeps, comparison with
:mod:`published`) → :mod:`contents` and :mod:`figures` (DataFrame → Figure)
→ :mod:`html` (page assembly, atomic write).
"""

from archmodel.report.build import BuiltReport, build_report, default_recipe
from archmodel.report.contents import Section, sections
from archmodel.report.data import ReportData, collect
from archmodel.report.html import page, write_html
from archmodel.report.recipe import Recipe, load_recipe

__all__ = [
    "BuiltReport",
    "Recipe",
    "ReportData",
    "Section",
    "build_report",
    "collect",
    "default_recipe",
    "load_recipe",
    "page",
    "sections",
    "write_html",
]
