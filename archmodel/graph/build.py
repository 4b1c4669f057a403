"""Build the decode-step dataflow graph of a Transformer workload.

Nodes are :class:`~archmodel.graph.ops.Op` (attribute ``op``); edges carry the
tensor passed (``tensor``, ``elements`` per sequence).  The identical decoder
layers are folded into one set of nodes with ``layers = L``.  Knows
Transformers, nothing of hardware.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from archmodel.graph.ops import ATTENTION_CORE, OP_KINDS, Op
from archmodel.specs.workload import Workload


def live_tokens(workload: Workload, context: np.ndarray) -> np.ndarray:
    """Tokens attended at each context length t [-].

    causal: n = t; sliding_window: n = min(t, M); full_buffer: n = M.
    """
    context = np.asarray(context, dtype=float)
    attention = workload.attention
    if attention.kind == "causal":
        return context
    if attention.kind == "sliding_window":
        return np.minimum(context, attention.window)
    return np.full_like(context, float(attention.window))


def _layer_ops(workload: Workload) -> list[Op]:
    m = workload.model
    L, D, H, Hkv, d, F = m.layers, m.d_model, m.heads, m.kv_heads, m.head_dim, m.d_ff
    mlp_in = 2 * F if m.mlp == "gated" else F
    return [
        Op("attention_norm", "attention_norm", L, flops=5 * D, weight_elements=2 * D, activation_elements=2 * D,
           shape={"x": [D]}),
        Op("q_projection", "q_projection", L, flops=2 * D * H * d, weight_elements=D * H * d,
           activation_elements=D + H * d, shape={"W_q": [D, H * d]}),
        Op("k_projection", "k_projection", L, flops=2 * D * Hkv * d, weight_elements=D * Hkv * d,
           activation_elements=D + Hkv * d, shape={"W_k": [D, Hkv * d]}),
        Op("v_projection", "v_projection", L, flops=2 * D * Hkv * d, weight_elements=D * Hkv * d,
           activation_elements=D + Hkv * d, shape={"W_v": [D, Hkv * d]}),
        Op("kv_write", "kv_write", L, cache_write=2 * Hkv * d, activation_elements=2 * Hkv * d,
           shape={"k": [Hkv, d], "v": [Hkv, d]}),
        Op("score", "score", L, flops_per_token=2 * H * d, cache_read_per_token=Hkv * d,
           activation_elements=H * d, shape={"q": [H, d], "K": [Hkv, "n", d]}),
        Op("activation", "activation", L, flops_per_token=5 * H, shape={"S": [H, "n"]}),
        Op("weighted_sum", "weighted_sum", L, flops_per_token=2 * H * d, cache_read_per_token=Hkv * d,
           activation_elements=H * d, shape={"phi": [H, "n"], "V": [Hkv, "n", d]}),
        Op("head_reduction", "head_reduction", L, flops=2 * H * d, activation_elements=2 * H * d,
           shape={"y": [H, d]}),
        Op("output_projection", "output_projection", L, flops=2 * H * d * D, weight_elements=H * d * D,
           activation_elements=H * d + D, shape={"W_o": [H * d, D]}),
        Op("mlp_norm", "mlp_norm", L, flops=5 * D, weight_elements=2 * D, activation_elements=2 * D, shape={"x": [D]}),
        Op("mlp_up", "mlp_up", L, flops=2 * D * mlp_in, weight_elements=D * mlp_in, activation_elements=D + mlp_in,
           shape={"W_up": [D, mlp_in]}),
        Op("mlp_activation", "mlp_activation", L, flops=8 * F, activation_elements=mlp_in + F, shape={"h": [F]}),
        Op("mlp_down", "mlp_down", L, flops=2 * F * D, weight_elements=F * D, activation_elements=F + D,
           shape={"W_down": [F, D]}),
    ]


def _model_ops(workload: Workload) -> list[Op]:
    m = workload.model
    D = m.d_model
    return [
        Op("embedding", "embedding", 1, in_layer=False, weight_elements=D, activation_elements=D, shape={"x": [D]}),
        Op("final_norm", "final_norm", 1, in_layer=False, flops=5 * D, weight_elements=2 * D, activation_elements=2 * D, shape={"x": [D]}),
        Op("lm_head", "lm_head", 1, in_layer=False, flops=2 * D * m.vocab, weight_elements=D * m.vocab,
           activation_elements=D + m.vocab, shape={"W_lm": [D, m.vocab]}),
    ]


#: dataflow edges (producer, consumer); edges to absent ops are dropped
EDGES = [
    ("embedding", "attention_norm"),
    ("attention_norm", "q_projection"),
    ("attention_norm", "k_projection"),
    ("attention_norm", "v_projection"),
    ("k_projection", "kv_write"),
    ("v_projection", "kv_write"),
    ("q_projection", "score"),
    ("kv_write", "score"),
    ("score", "activation"),
    ("activation", "weighted_sum"),
    ("kv_write", "weighted_sum"),
    ("weighted_sum", "head_reduction"),
    ("head_reduction", "output_projection"),
    ("output_projection", "mlp_norm"),
    ("mlp_norm", "mlp_up"),
    ("mlp_up", "mlp_activation"),
    ("mlp_activation", "mlp_down"),
    ("mlp_down", "final_norm"),
    ("final_norm", "lm_head"),
]


def build_graph(workload: Workload) -> nx.DiGraph:
    """The decode-step graph of ``workload`` (one token for each sequence of the batch).

    With ``workload.scope == "attention"`` only the attention core
    (:data:`~archmodel.graph.ops.ATTENTION_CORE`) is in the graph.
    """
    ops = _layer_ops(workload) + _model_ops(workload)
    if workload.scope == "attention":
        ops = [op for op in ops if op.kind in ATTENTION_CORE]
    graph = nx.DiGraph(workload=workload.name, layers=workload.model.layers, scope=workload.scope)
    for op in sorted(ops, key=lambda op: OP_KINDS.index(op.kind)):
        graph.add_node(op.name, op=op)
    for producer, consumer in EDGES:
        if producer in graph and consumer in graph:
            graph.add_edge(producer, consumer, tensor=producer)
    return graph


def ops_in_order(graph: nx.DiGraph) -> list[Op]:
    """Ops of ``graph`` in a topological order (ties broken by :data:`OP_KINDS`)."""
    order = nx.lexicographical_topological_sort(graph, key=lambda name: OP_KINDS.index(graph.nodes[name]["op"].kind))
    return [graph.nodes[name]["op"] for name in order]
