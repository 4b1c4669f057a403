"""The emulator sits on top of specs (DESIGN.md §2) and imports no other layer
(``archmodel.files``, the atomic file writer, imports only specs' errors)."""

import subprocess
import sys


def test_emulator_imports_only_specs():
    code = "import sys, archmodel.emulator.cli; print(sorted(m for m in sys.modules if m.startswith('archmodel')))"
    modules = eval(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    others = {m for m in modules if not m.startswith(("archmodel.emulator", "archmodel.specs"))}
    assert others <= {"archmodel", "archmodel.files"}
