"""Properties of the engine that hold for any shape (hypothesis).

Expected behaviour from the cost model's structure (DESIGN.md §4): energy
never falls as the context grows, the gain-cell pipeline latency does not
depend on the context, totals equal the sum of their breakdown, and the
model scope is L layers of the layer scope.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from archmodel import estimate, with_overrides

shapes = st.fixed_dictionaries({
    "heads": st.sampled_from([1, 4, 12, 25]),
    "head_dim": st.sampled_from([32, 64, 96, 128]),
    "window_subtiles": st.integers(1, 64),
    "layers": st.integers(1, 48),
})
contexts = st.lists(st.integers(1, 200_000), min_size=1, max_size=30, unique=True)


def shaped(gpt2, shape):
    return with_overrides(gpt2, {
        "model.heads": shape["heads"], "model.kv_heads": shape["heads"], "model.head_dim": shape["head_dim"],
        "model.d_model": shape["heads"] * shape["head_dim"], "model.layers": shape["layers"],
        "attention.window": 64 * shape["window_subtiles"],
    })


@settings(max_examples=40, deadline=None)
@given(shape=shapes, context=contexts)
def test_energy_grows_with_context_and_latency_does_not(chip, gpt2, shape, context):
    ordered = np.sort(np.asarray(context))
    result = estimate(chip, shaped(gpt2, shape), context=ordered, scope="model")
    assert np.all(np.diff(result.energy) >= -1e-18)
    assert_allclose(result.latency, result.latency[0])
    assert np.all(np.isfinite(result.energy)) and np.all(result.energy > 0)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, context=contexts)
def test_breakdowns_add_up_and_scopes_nest(chip, gpt2, shape, context):
    workload = shaped(gpt2, shape)
    model = estimate(chip, workload, context=context, scope="model")
    layer = estimate(chip, workload, context=context, scope="layer")
    head = estimate(chip, workload, context=context, scope="head")
    assert_allclose(sum(model.energy_by_group.values()), model.energy, rtol=1e-12)
    assert_allclose(sum(model.energy_by_component.values()), model.energy, rtol=1e-12)
    assert_allclose(model.energy, shape["layers"] * layer.energy, rtol=1e-12)
    assert_allclose(layer.energy, shape["heads"] * head.energy, rtol=1e-12)
    assert_allclose(model.latency, shape["layers"] * layer.latency, rtol=1e-12)
    ledger_total = model.ledger.groupby("context", sort=False)["energy"].sum()
    assert_allclose(ledger_total.reindex(np.asarray(context)).to_numpy(), model.energy, rtol=1e-12)
