"""The micro-batch pipeline (system/schedule.py) on hand-made stage times."""

import numpy as np
from numpy.testing import assert_allclose

from archmodel.system.schedule import LayerTimes, micro_batch_counts, pipeline


def times(host, link, busy, chips, shared=False):
    return LayerTimes(np.array([host]), np.array([link]), np.array([busy]), np.array([chips]), shared)


def test_one_micro_batch_is_the_plain_sum():
    """h = 2, l = 1, c = 3 per layer, 2 layers, 1 outside: T = 2·6 + 1 = 13, split 5 / 2 / 6."""
    timeline = pipeline(times(2.0, 1.0, 0.5, 3.0), 1, 2, np.array([1.0]))
    assert_allclose(timeline.token_time, [13.0])
    assert_allclose([timeline.by_device[d][0] for d in ("host", "link", "attention")], [5.0, 2.0, 6.0])


def test_a_busy_host_takes_the_whole_period():
    """m = 4: the host works 4 × 2 = 8 per layer, more than one micro-batch's loop of 6: T = 2·8 + 1."""
    timeline = pipeline(times(2.0, 1.0, 0.5, 3.0), 4, 2, np.array([1.0]))
    assert_allclose(timeline.token_time, [17.0])
    assert_allclose([timeline.by_device[d][0] for d in ("host", "link", "attention")], [17.0, 0.0, 0.0])


def test_shared_chips_and_a_busy_link_bind_when_they_are_the_longest():
    """Time-multiplexed chips: 3 micro-batches × c = 3 → 9 > loop 6; a link busy 4 per micro-batch: 12."""
    chips = pipeline(times(1.0, 1.0, 0.5, 4.0, shared=True), 3, 1, np.array([0.0]))
    assert_allclose(chips.token_time, [12.0]) and assert_allclose(chips.by_device["attention"], [12.0])
    link = pipeline(times(1.0, 5.0, 4.0, 1.0), 3, 1, np.array([0.0]))
    assert_allclose(link.token_time, [12.0]) and assert_allclose(link.by_device["link"], [12.0])


def test_micro_batch_counts_divide_the_batch():
    assert micro_batch_counts(12) == [1, 2, 3, 4, 6, 12] and micro_batch_counts(1) == [1]
