"""The schedule sits between graph and mapping: it imports only specs (errors) and itself."""

from tests.test_layering import imported_archmodel_modules


def test_schedule_imports_only_specs_and_schedule():
    others = {m for m in imported_archmodel_modules("archmodel.schedule")
              if not m.startswith(("archmodel.specs", "archmodel.schedule"))}
    assert others <= {"archmodel"}
