"""Assemble one self-contained HTML page (plotly.js embedded once) and write it atomically."""

from __future__ import annotations

import html
from pathlib import Path

import plotly.io
import plotly.offline

from archmodel.report import page_tables
from archmodel.report.contents import Section
from archmodel.report.data import ReportData
from archmodel.files import atomic_write

#: plotly options for every figure: no logo, no link to the cloud, responsive width
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "svg"}}

STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; margin: 0;
       color: #1d1d1f; background: #fafafa; line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; padding: 1.2rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: 0.6rem 0; } h2 { font-size: 1.25rem; margin: 2rem 0 0.4rem; }
section.figure { background: white; border: 1px solid #e3e3e3; border-radius: 6px; padding: 0.6rem 1rem 1rem;
                 margin: 1.2rem 0; }
p.lead { color: #444; } p.cite { font-size: 0.85rem; color: #555; }
nav { font-size: 0.9rem; } nav a { margin-right: 0.9rem; }
table.data { border-collapse: collapse; font-size: 0.85rem; width: 100%; background: white; }
table.data th, table.data td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
table.data th { background: #f0f0f0; position: sticky; top: 0; }
div.scroll { max-height: 32rem; overflow: auto; border: 1px solid #ddd; }
details summary { cursor: pointer; font-weight: 600; margin: 0.5rem 0; }
"""


def figure_html(section: Section, index: int) -> str:
    """One figure section: heading, explanation, the plot (no plotly.js; the page loads it once)."""
    plot = plotly.io.to_html(section.figure, full_html=False, include_plotlyjs=False,
                             div_id=f"figure-{section.key}", config=PLOTLY_CONFIG, default_height=None)
    return (f'<section class="figure" id="{section.key}"><h2>{index}. {html.escape(section.heading)}</h2>'
            f'<p>{html.escape(section.text)}</p>{plot}</section>')


def block(key: str, heading: str, body: str) -> str:
    """A page section with an anchor and a heading."""
    return f'<section id="{key}"><h2>{html.escape(heading)}</h2>{body}</section>'


def figure_links(sections: list[Section]) -> str:
    """Nav links to the figure sections."""
    return "".join(f'<a href="#{s.key}">{html.escape(s.heading)}</a>' for s in sections)


def figures_html(sections: list[Section]) -> str:
    """Every figure section, numbered from 1."""
    return "".join(figure_html(section, index) for index, section in enumerate(sections, start=1))


def page(data: ReportData, sections: list[Section]) -> str:
    """The whole report page as one HTML string: summary, caveats, figures, then the tables."""
    nav, figures = figure_links(sections), figures_html(sections)
    before = block("summary", "Summary", page_tables.summary_table(data)) + block(
        "caveats", "Caveats", page_tables.caveats(data))
    after = "".join([
        block("comparison", "Published values next to the model", page_tables.comparison_table(data)),
        block("calibrations", "Calibrations", page_tables.html_table(data.calibrations)),
        block("provenance", "Every number used, with its source",
               f'<details><summary>{len(data.provenance):,} spec values</summary><div class="scroll">'
               f'{page_tables.html_table(data.provenance)}</div></details>'),
        block("downloads", "Download the tables (CSV)", page_tables.downloads(data)),
    ])
    links = '<a href="#summary">Summary</a><a href="#caveats">Caveats</a>' + nav + (
        '<a href="#comparison">Published</a><a href="#provenance">Sources</a><a href="#downloads">Downloads</a>')
    return shell(data.title, data.description, links, f"{before}{figures}{after}", len(sections))


def shell(title: str, description: str, links: str, body: str, figures: int, style: str = "") -> str:
    """A self-contained page: head with the stylesheet and plotly.js (embedded once), title, lead, nav, ``body``."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="archmodel-figures" content="{figures}">'
        f"<title>{html.escape(title)}</title><style>{STYLE}{style}</style>"
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script></head><body><main>'
        f'<h1>{html.escape(title)}</h1><p class="lead">{html.escape(description)}</p>'
        f"<nav>{links}</nav>{body}</main></body></html>"
    )


def write_html(text: str, path: str | Path) -> Path:
    """Write the page to ``path`` atomically (temporary file, then rename), creating its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(path, lambda temporary: Path(temporary).write_text(text, encoding="utf-8"))
