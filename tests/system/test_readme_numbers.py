"""The README's Llama 3 8B system table is what ``archmodel system`` prints (rerun it after a model change)."""

import shlex

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_table_is_the_commands_output(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    line = next(line for line in README.splitlines() if line.startswith("archmodel system "))
    code, out, err = cli(*shlex.split(line)[1:])
    assert code == 0, err
    rows = [row for row in out.splitlines() if row.startswith("| ")]
    assert len(rows) == 5  # header and four (batch, context) rows
    section = README.split("## Whole models", 1)[1]
    for row in rows:
        assert row in section, f"README table out of date; rerun: {line}"
