"""The README's examples run as written (STYLE.md: docs and examples that drift)."""

import re
import shlex

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_block(heading: str, language: str) -> str:
    section = README.split(heading, 1)[1]
    return re.search(rf"```{language}\n(.*?)```", section, re.S).group(1)


COMMANDS = [line for line in code_block("## Command line", "sh").splitlines()
            if line.startswith("archmodel ") and "[" not in line]


@pytest.mark.parametrize("line", COMMANDS)
def test_command_line_examples(line, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = shlex.split(line)[1:]
    if "--out" in args:
        index = args.index("--out") + 1
        args[index] = str(tmp_path / args[index])
    code, out, err = cli(*args)
    assert code == 0, err
    assert out.strip()


def test_python_example(monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(code_block("## Python", "python"), namespace)
    assert namespace["result"].latency.shape == (3,)


def test_first_screen_gives_the_two_commands():
    first = code_block("# archmodel", "sh")
    assert [line.split()[0] for line in first.strip().splitlines()] == ["./scripts/report", "./scripts/test"]
