"""Dump a decode-step graph as JSON or Graphviz dot."""

from __future__ import annotations

import dataclasses
import json

import networkx as nx

from archmodel.graph.build import ops_in_order


def graph_to_dict(graph: nx.DiGraph) -> dict:
    """A JSON-ready description: graph attributes, ops with counts, edges."""
    return {
        "workload": graph.graph["workload"],
        "layers": graph.graph["layers"],
        "scope": graph.graph["scope"],
        "ops": [dataclasses.asdict(op) for op in ops_in_order(graph)],
        "edges": [{"from": a, "to": b} for a, b in graph.edges],
    }


def graph_to_json(graph: nx.DiGraph) -> str:
    return json.dumps(graph_to_dict(graph), indent=2)


def graph_to_dot(graph: nx.DiGraph) -> str:
    """Graphviz text; each node labelled with its op and per-token FLOPs."""
    lines = [f'digraph "{graph.graph["workload"]}" {{', "  rankdir=TB;"]
    for op in ops_in_order(graph):
        label = f"{op.name}\\nx{op.layers} layers" if op.layers > 1 else op.name
        if op.depends_on_context:
            label += f"\\n{op.flops_per_token:g} FLOP/token"
        lines.append(f'  "{op.name}" [label="{label}"];')
    lines += [f'  "{a}" -> "{b}";' for a, b in graph.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"
