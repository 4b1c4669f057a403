"""The import direction of DESIGN.md §2: specs imports nothing else of archmodel."""

import subprocess
import sys


def imported_archmodel_modules(module: str) -> set[str]:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('archmodel')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(eval(out))


def test_specs_imports_only_specs():
    specs = imported_archmodel_modules("archmodel.specs.loading, archmodel.specs.gpu, archmodel.specs.registry")
    assert "archmodel.specs.gaincell" in specs
    assert {m for m in specs if not m.startswith("archmodel.specs")} <= {"archmodel"}


def test_graph_imports_only_specs_and_graph():
    others = {m for m in imported_archmodel_modules("archmodel.graph")
              if not m.startswith(("archmodel.specs", "archmodel.graph"))}
    assert others <= {"archmodel"}


def test_costs_do_not_import_the_engine():
    modules = imported_archmodel_modules("archmodel.costs")
    assert not any(m.startswith(("archmodel.engine", "archmodel.report", "archmodel.sweep", "archmodel.cli")) for m in modules)
