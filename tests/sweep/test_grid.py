"""Reading sweep axes: context ranges, settings, values; building variants."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from archmodel import SpecError, UsageError
from archmodel.sweep import Grid, parse_contexts, parse_setting, parse_values


@pytest.mark.parametrize(("text", "expected"), [
    ("1024", [1024]),
    ("1,2,4,8", [1, 2, 4, 8]),
    ("8,1,8", [1, 8]),                      # sorted, duplicates dropped
    ("1:5", [1, 2, 3, 4, 5]),               # both ends included
    ("250:1000:250", [250, 500, 750, 1000]),
    ("1:1000:lin5", [1, 251, 500, 750, 1000]),
    ("1:1000:log4", [1, 10, 100, 1000]),
])
def test_context_forms(text, expected):
    assert_array_equal(parse_contexts(text), expected)


def test_zero_is_not_a_context_length():
    with pytest.raises(UsageError, match="context lengths must be positive integers, got \\[0"):
        parse_contexts("0:1000:250")


def test_log_range_gives_unique_integers_spanning_the_range():
    contexts = parse_contexts("1:16384:log64")
    assert contexts[0] == 1 and contexts[-1] == 16384
    assert np.all(np.diff(contexts) > 0)            # small values repeat after rounding and are dropped
    assert 50 <= contexts.size <= 64
    assert 1024 in contexts                         # 2**10 lies on the log grid of 2**0 .. 2**14


def test_several_texts_are_joined():
    assert_array_equal(parse_contexts(["1:3", "10", "2"]), [1, 2, 3, 10])


@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=30))
@settings(max_examples=50, deadline=None)
def test_any_list_of_positive_integers_round_trips(values):
    assert_array_equal(parse_contexts(",".join(map(str, values))), sorted(set(values)))


@pytest.mark.parametrize(("parse", "text", "message"), [
    (parse_contexts, "10:1", "empty sweep: '10:1' gives no context lengths"),
    (parse_contexts, "", "empty sweep: no context lengths given"),
    (parse_contexts, "a:b", "cannot read contexts 'a:b'"),
    (parse_contexts, "1:10:logx", "cannot read contexts '1:10:logx'"),
    (parse_contexts, "1.5", "cannot read contexts '1.5'"),
    (parse_contexts, "-4", "cannot read contexts '-4'"),
    (parse_contexts, "1:10:0", "contexts '1:10:0': the step must be 1 or more"),
    (parse_contexts, "1:inf", "cannot read contexts '1:inf'"),
    (parse_setting, "array.rows=32", "cannot read setting 'array.rows=32'; expected chip.PATH=V1,V2"),
    (parse_setting, "chip.array.rows", "cannot read setting 'chip.array.rows'"),
    (parse_setting, "chip.array.rows=", "empty sweep: setting 'chip.array.rows' has no values"),
    (parse_setting, "chip.array.rows= , ", "empty sweep: setting 'chip.array.rows' has no values"),
])
def test_bad_contexts_and_settings(parse, text, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        parse(text)


def test_values_are_json_or_text():
    assert parse_values('32, 1e-8, true, "x", 10 ns') == (32, 1e-8, True, "x", "10 ns")


def test_setting():
    setting = parse_setting("chip.array.rows=32,64,128")
    assert (setting.target, setting.path, setting.values, setting.column) == ("chip", "array.rows", (32, 64, 128), "chip.array.rows")


def test_variants_cross_every_axis_in_order(chip, gpt2, gpt2_xl):
    grid = Grid((chip,), (gpt2, gpt2_xl), [1024], settings=(parse_setting("chip.array.rows=32,64"),), batches=(1, 4))
    variants = grid.variants()
    assert grid.size == len(variants) == 1 * 2 * 2 * 2
    assert [(v.workload.name, v.values["chip.array.rows"], v.batch) for v in variants[:4]] == [
        ("gpt2", 32, 1), ("gpt2", 32, 4), ("gpt2", 64, 1), ("gpt2", 64, 4)]
    assert variants[0].chip.array.rows == 32 and variants[0].overrides == "chip.array.rows=32"
    assert variants[0].chip.file.endswith("gaincell_leroux2025.json")      # the overridden spec keeps its file


def test_quantity_values_are_stored_in_si_with_their_unit(chip, gpt2):
    grid = Grid((chip,), (gpt2,), [1024], settings=(parse_setting("chip.dac.conversion_time=10 ns,20 ns"),))
    assert [v.values["chip.dac.conversion_time"] for v in grid.variants()] == pytest.approx([10e-9, 20e-9])
    assert grid.swept_units() == {"chip.dac.conversion_time": "s"}


def test_unknown_path_is_a_usage_error(chip, gpt2):
    grid = Grid((chip,), (gpt2,), [1024], settings=(parse_setting("chip.array.rowz=32"),))
    with pytest.raises(UsageError, match=r"gaincell_leroux2025.json: unknown spec path 'array.rowz'"):
        grid.variants()


@pytest.mark.parametrize(("setting", "message"), [
    ("chip.array.rows=abc", r"\$\.array\.rows: expected an integer, got a string"),
    ("chip.dac.conversion_time=10 mV", r"\$\.dac\.conversion_time: expected a unit of time \(like s\), got '10 mV'"),
    ("workload.attention.window=0", r"\$\.attention\.window: input should be greater than 0"),
])
def test_wrong_type_or_unit_names_the_path(chip, gpt2, setting, message):
    grid = Grid((chip,), (gpt2,), [1024], settings=(parse_setting(setting),))
    with pytest.raises(SpecError, match=message):
        grid.variants()


def test_empty_grid_and_bad_arguments(chip, gpt2):
    with pytest.raises(UsageError, match="empty sweep: no chip given"):
        Grid((), (gpt2,), [1024])
    with pytest.raises(UsageError, match="empty sweep: no workload given"):
        Grid((chip,), (), [1024])
    with pytest.raises(UsageError, match="batch must be a positive integer, got 0"):
        Grid((chip,), (gpt2,), [1024], batches=(0,))
    with pytest.raises(UsageError, match="unknown scope 'chip'"):
        Grid((chip,), (gpt2,), [1024], scope="chip")
    with pytest.raises(UsageError, match="a field is swept twice: 'chip.array.rows'"):
        Grid((chip,), (gpt2,), [1024], settings=(parse_setting("chip.array.rows=32"), parse_setting("chip.array.rows=64")))
