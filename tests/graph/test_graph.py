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


def test_a_full_workload_on_an_attention_chip_alone_is_refused(chip, gpt2):
    """issue 10 item 4: no silent drops; the message names the unmapped ops and points to system specs."""
    import pytest

    from archmodel import MappingError, estimate

    with pytest.raises(MappingError, match=r"\$\.scope: .*not mapped: embedding, .*mlp_up, .*lm_head .*system spec"):
        estimate(chip, with_overrides(gpt2, {"scope": "full"}), context=1024)


def test_the_cli_refuses_a_full_workload_on_an_attention_chip_in_one_line(tmp_path, cli):
    from tests.conftest import CHIP, WORKLOADS

    workload = tmp_path / "gpt2-full.json"
    document = json.loads((WORKLOADS / "gpt2.json").read_text())
    workload.write_text(json.dumps({**document, "scope": "full"}))
    code, out, err = cli("estimate", "--chip", CHIP, "--workload", workload)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "not mapped: embedding" in err and "hardware_specs/systems/" in err

