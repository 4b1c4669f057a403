"""The documentation stands alone (issue 13): every .md file the README and docs/ name is in the repository,
and none points outside it (no shared/ or reference/ folders of the team)."""

import re

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: copies of the published facts: they name files of the sources they cite, not of this repository
SOURCES = ("paper.md", "hardware_data.md")


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_named_markdown_files_exist(page):
    text = page.read_text(encoding="utf-8")
    assert "../shared" not in text and "shared/DESIGN" not in text and "reference/" not in text
    local = re.sub(r"https?://\S+", "", text)  # a web address names a file of another repository
    for name in sorted(set(re.findall(r"[\w./-]*\w\.md\b", local)) if page.name not in SOURCES else ()):
        candidates = [ROOT / name, ROOT / "docs" / name, page.parent / name]
        assert any(path.is_file() for path in candidates), f"{page.name} names {name}, which is not in the repository"


def test_cited_sections_exist():
    """'paper.md §N' and 'hardware_data.md §N.M' citations resolve to headings of the docs copies."""
    headings = {}
    for name in SOURCES:
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        headings[name] = set(re.findall(r"^#+ (\d+(?:\.\d+)?)[. ]", text, re.M))
    cited = set()
    for page in [*PAGES, *ROOT.glob("hardware_specs/**/*.json")]:
        cited |= set(re.findall(r"(paper\.md|hardware_data\.md) §(\d+(?:\.\d+)?)", page.read_text(encoding="utf-8")))
    assert len(cited) >= 10
    missing = sorted((name, number) for name, number in cited if number not in headings[name])
    assert missing == []


SHIPPED = sorted([*ROOT.glob("hardware_specs/**/*.json"), *ROOT.glob("workloads/*.json"), *ROOT.glob("archmodel/**/*.py")])


def test_shipped_sources_cite_the_docs_copies():
    """Spec 'source' strings, docstrings and pages cite docs/paper.md and docs/hardware_data.md by their path in
    this repository: never the team's reference/ folder, never a bare 'paper.md' a reader could look for elsewhere."""
    outside = r"reference/\w+\.md|\.\./shared|DESIGN\.md|STYLE\.md|(?<![\w/])(paper|hardware_data)\.md"
    offenders = [str(path.relative_to(ROOT)) for path in [*SHIPPED, *PAGES]
                 if re.search(outside, path.read_text(encoding="utf-8"))]
    assert len(SHIPPED) > 50 and offenders == []
