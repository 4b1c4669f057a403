"""Fixtures of the report tests: the default report, built once per test session (per xdist worker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archmodel.report import build_report
from report_helpers import DEFAULT_RECIPE


@pytest.fixture(scope="session")
def default_report(tmp_path_factory) -> Path:
    """The default recipe's report (reports/paper_reproduction.json), in a temporary folder."""
    out = tmp_path_factory.mktemp("report") / "paper_reproduction.html"
    build_report(DEFAULT_RECIPE, out)
    return out
