"""The decode-step graph: ops, order, counts (hand-derived from GPT-2's shape)."""

import json

from numpy.testing import assert_allclose

from archmodel import with_overrides
from archmodel.graph import build_graph, live_tokens, ops_in_order


def test_attention_scope_holds_the_core_in_order(gpt2):
    graph = build_graph(gpt2)
    assert [op.name for op in ops_in_order(graph)] == ["kv_write", "score", "activation", "weighted_sum", "head_reduction"]


def test_full_scope_counts(gpt2):
    full = with_overrides(gpt2, {"scope": "full"})
    ops = {op.name: op for op in ops_in_order(build_graph(full))}
    assert len(ops) == 17
    # Q·Kᵀ: 2 FLOP per MAC × 12 heads × 64 dims per live token
    assert_allclose(ops["score"].flop_count([1024]), 2 * 12 * 64 * 1024)
    # K cache read: 12 KV heads × 64 values per token
    assert_allclose(ops["score"].cache_read([1024]), 12 * 64 * 1024)
    assert ops["mlp_up"].weight_elements == 768 * 3072
    assert ops["lm_head"].layers == 1 and ops["score"].layers == 12


def test_live_tokens(gpt2):
    assert_allclose(live_tokens(gpt2, [1, 1024, 4096]), [1, 1024, 1024])
    causal = with_overrides(gpt2, {"attention": {"kind": "causal"}})
    assert_allclose(live_tokens(causal, [4096]), [4096])


def test_graph_cli_json_and_dot(cli):
    from tests.conftest import WORKLOADS

    code, out, _ = cli("graph", "--workload", WORKLOADS / "gpt2-xl.json")
    document = json.loads(out)
    assert code == 0 and document["layers"] == 48 and len(document["ops"]) == 5
    code, out, _ = cli("graph", "--workload", WORKLOADS / "gpt2.json", "--format", "dot")
    assert code == 0 and out.startswith('digraph "gpt2"') and '"score" -> "activation";' in out


def test_not_mapped_ops_are_reported(chip, gpt2):
    from archmodel import estimate

    result = estimate(chip, with_overrides(gpt2, {"scope": "full"}), context=1024)
    assert "mlp_up" in result.not_mapped and "q_projection" in result.not_mapped
    assert result.to_dict()["not_mapped"] == result.not_mapped

