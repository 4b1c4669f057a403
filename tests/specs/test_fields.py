"""Spec fields by dotted path: the SI unit a field is stored in and its validated value."""

from __future__ import annotations

from archmodel.specs.fields import field_unit, field_value


def test_field_units_follow_the_spec_classes(chip, gpt2):
    assert field_unit(chip, "digital.leakage_power") == "W"
    assert field_unit(chip, "gain_cell.area") == "m**2"
    assert field_unit(chip, "array.rows") == ""
    assert field_unit(gpt2, "attention.window") == ""
    assert field_value(gpt2, "attention.window") == 1024
