"""Decode-step dataflow graphs of Transformer workloads (knows nothing of hardware)."""

from archmodel.graph.build import build_graph, live_tokens, ops_in_order
from archmodel.graph.export import graph_to_dict, graph_to_dot, graph_to_json
from archmodel.graph.ops import ATTENTION_CORE, OP_KINDS, Op

__all__ = ["ATTENTION_CORE", "OP_KINDS", "Op", "build_graph", "graph_to_dict", "graph_to_dot", "graph_to_json", "live_tokens", "ops_in_order"]
