"""List scheduling on hand-built task graphs (archmodel/schedule/listing.py).

Every expected time is derived by hand in the test from the durations given.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from archmodel.schedule import Resource, Task, TaskGraph, list_schedule
from archmodel.specs.errors import MappingError

ns = 1e-9


def graph(tasks, resources=("a", "b", "c")):
    return TaskGraph(tuple(tasks), tuple(Resource(name, 1) for name in resources))


def test_two_tasks_on_one_resource_serialise():
    tasks = [Task("x", "op", (), ("a",)), Task("y", "op", (), ("a",))]
    timeline = list_schedule(graph(tasks), [[3 * ns], [5 * ns]])
    assert_allclose(timeline.start[:, 0], [0, 3 * ns])  # y waits for x to free a
    assert_allclose(timeline.makespan, 8 * ns)
    assert_allclose(timeline.busy()["a"], 8 * ns)
    assert_allclose(timeline.utilisation()["a"], 1.0)


def test_independent_tasks_overlap():
    tasks = [Task("x", "op", (), ("a",)), Task("y", "op", (), ("b",))]
    timeline = list_schedule(graph(tasks), [[3 * ns], [5 * ns]])
    assert_allclose(timeline.start[:, 0], [0, 0])
    assert_allclose(timeline.makespan, 5 * ns)  # max(3, 5), not 3 + 5
    assert_allclose(timeline.utilisation()["a"], 3 / 5)


def test_a_chain_takes_the_sum_of_its_durations():
    tasks = [Task("x", "p", (), ("a",)), Task("y", "q", (), ("b",), after=("x",)), Task("z", "r", (), ("c",), after=("y",))]
    timeline = list_schedule(graph(tasks), [[2 * ns], [3 * ns], [4 * ns]])
    assert_allclose(timeline.makespan, 9 * ns)
    assert_allclose([timeline.critical()[op] for op in "pqr"], [[2 * ns], [3 * ns], [4 * ns]])


def test_two_stage_pipeline_repeats_at_the_slower_stage():
    """Turns 0..2, each a (2 ns on a) → (5 ns on b): b is the bottleneck:
    makespan = 2 + 3 × 5 = 17 ns, resource bound 15 ns, each turn spans 7 ns."""
    tasks = []
    for turn in range(3):
        tasks += [Task(f"f{turn}", "front", (), ("a",), turn=turn),
                  Task(f"g{turn}", "back", (), ("b",), after=(f"f{turn}",), turn=turn)]
    timeline = list_schedule(graph(tasks), [[2 * ns], [5 * ns]] * 3)
    assert_allclose(timeline.makespan, 17 * ns)
    assert_allclose(timeline.resource_bound(), 15 * ns)
    critical = timeline.critical()
    assert_allclose(critical["front"] + critical["back"], timeline.makespan)  # the path adds up
    assert_allclose(critical["front"], 2 * ns)  # only the first front stage is on the path
    assert_allclose(timeline.op_busy()["front"], 6 * ns)


def test_durations_vary_along_the_context_axis_without_changing_the_order():
    """Point 0: x=1, y=4 on the same resource → 5; point 1: x=6, y=1 → 7; z runs alongside."""
    tasks = [Task("x", "op", (), ("a",)), Task("y", "op", (), ("a",)), Task("z", "op", (), ("b",))]
    timeline = list_schedule(graph(tasks), np.array([[1, 6], [4, 1], [2, 2]]) * ns)
    assert_allclose(timeline.end[1], [5 * ns, 7 * ns])
    assert_allclose(timeline.makespan, [5 * ns, 7 * ns])
    assert_allclose(sum(timeline.critical().values()), timeline.makespan)


def test_sequence_span_measures_each_sequence_alone():
    """Sequence 1 waits 4 ns for resource a, then runs 3 ns: its span is 3 ns."""
    tasks = [Task("x", "op", (), ("a",), sequence=0), Task("y", "op", (), ("a",), sequence=1)]
    timeline = list_schedule(graph(tasks), [[4 * ns], [3 * ns]])
    assert_allclose(timeline.sequence_span(), 4 * ns)
    assert_allclose(timeline.makespan, 7 * ns)


@pytest.mark.parametrize("tasks, message", [
    ([Task("x", "op", (), ("a",)), Task("x", "op", (), ("a",))], "task 'x' is listed twice"),
    ([Task("y", "op", (), ("a",), after=("x",)), Task("x", "op", (), ("a",))], "waits for 'x', which is not listed before it"),
    ([Task("x", "op", (), ("pump",))], "holds unknown resource 'pump'"),
])
def test_malformed_graphs_are_refused(tasks, message):
    with pytest.raises(MappingError, match=message):
        graph(tasks)


def test_equal_points_are_scheduled_once_and_unequal_ones_never_merged():
    from archmodel.schedule.listing import distinct_columns

    values = np.array([[1.0, 2.0, 1.0, 2.0], [3.0, 3.0, 3.0, 3.0]])
    distinct, inverse = distinct_columns(values)
    assert distinct.shape == (2, 2)
    assert_allclose(distinct[:, inverse], values)
    # two different columns with the same weighted sum (√2·√3 = √3·√2): each keeps its own column
    tie = np.array([[np.sqrt(3), 0.0], [0.0, np.sqrt(2)]])
    keys = np.sqrt([2.0, 3.0]) @ tie
    assert keys[0] == keys[1]  # the weights used inside collide here
    distinct, inverse = distinct_columns(tie)
    assert_allclose(distinct[:, inverse], tie)
