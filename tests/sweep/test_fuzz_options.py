"""Fuzzing the sweep's text options: whatever is typed, the answer is a table (exit 0) or one line (exit 2).

Hypothesis draws short strings from the characters these options are made of
(digits, separators, spacing words, units) for ``--contexts``, a ``--set``
list or range and ``--sample``; none may end in a traceback.  Numbers are kept
to four digits so that a valid draw is a small sweep.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archmodel.cli import run

ROOT = Path(__file__).resolve().parents[2]
BASE = ["sweep", "--chip", str(ROOT / "hardware_specs" / "gaincell_leroux2025.json"),
        "--workload", str(ROOT / "workloads" / "gpt2.json"), "--quiet"]
CONTEXT_PIECES = st.sampled_from(["1", "7", "64", "1024", "4096", "0", "-3", "1e3", "x", ":", ",", "log", "lin", "8", " "])
VALUE_PIECES = st.sampled_from(["0.7", "1.1", "9e-1", "-1", "0", "V", " mV", " ns", "nm", ":", ":log", ",", "abc", "1e400", " "])
PATHS = st.sampled_from(["chip.technology.supply_voltage", "chip.array.rows", "chip.clocks.digital", "workload.attention.window",
                         "chip.name", "chip.nope", "workload.batch"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contexts=st.lists(CONTEXT_PIECES, min_size=1, max_size=6).map("".join),
       path=PATHS, value=st.lists(VALUE_PIECES, min_size=1, max_size=5).map("".join),
       sample=st.sampled_from([None, "3", "0", "-2", "x"]))
def test_typed_options_give_a_table_or_one_line(tmp_path_factory, capsys, contexts, path, value, sample):
    out = tmp_path_factory.mktemp("fuzz") / "r.csv"
    arguments = [*BASE, "--contexts", contexts, "--set", f"{path}={value}", "--out", str(out)]
    arguments += ["--sample", sample] if sample is not None else []
    code = run(arguments)
    error = capsys.readouterr().err.strip()
    lines = [line for line in error.splitlines() if not line.startswith("archmodel: warning: ")]
    assert code in (0, 2), error
    assert "Traceback" not in error
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith("archmodel: error: "), error
        assert not out.exists()
    else:
        assert out.exists()
