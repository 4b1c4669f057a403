"""Ops of one decode step and their counts, as linear functions of live tokens.

Every count of a decode-step op is affine in the number of live tokens n
(the tokens attended): ``count(n) = fixed + per_token · n``.  Storing the two
coefficients keeps the graph independent of context length and lets every
consumer evaluate any number of context lengths as one numpy expression.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from archmodel.specs.errors import SpecError

#: op kinds, in the order they run within a layer
OP_KINDS = (
    "embedding",
    "attention_norm",
    "q_projection",
    "k_projection",
    "v_projection",
    "kv_write",
    "score",
    "activation",
    "weighted_sum",
    "head_reduction",
    "output_projection",
    "mlp_norm",
    "mlp_up",
    "mlp_activation",
    "mlp_down",
    "final_norm",
    "lm_head",
)


def check_op_kinds(kinds: Iterable[str], file: str, path: str) -> None:
    """Refuse a key of a per-kind table (``kernels_per_op``) that is neither an op kind nor ``"default"``.

    A misspelled kind would otherwise fall back to the default silently.
    """
    for kind in kinds:
        if kind != "default" and kind not in OP_KINDS:
            raise SpecError(file, f"{path}.{kind}", f"unknown op kind; expected 'default' or one of {', '.join(OP_KINDS)}")


#: the attention core: what the paper's analog chip executes
ATTENTION_CORE = ("kv_write", "score", "activation", "weighted_sum", "head_reduction")


@dataclass(frozen=True)
class Op:
    """One op of a decode step, counted for one sequence.

    Attributes
    ----------
    name : str
        Node name in the graph (``"score"``).
    kind : str
        One of :data:`OP_KINDS`.
    layers : int
        How many identical layers run this op (1 for ops outside the layers) [-].
    in_layer : bool
        Part of a decoder layer (False for embedding, final norm, LM head).
    flops, flops_per_token : float
        Floating-point operations (a multiply-add is 2) per sequence: fixed
        part [FLOP] and part per live token [FLOP/token].
    weight_elements : float
        Weight elements read, shared by all sequences of a batch [-].
    cache_read_per_token : float
        KV-cache elements read per live token per sequence [-/token].
    cache_write : float
        KV-cache elements written per sequence [-].
    activation_elements : float
        Activations read plus written per sequence [-].
    shape : dict
        Tensor shapes for display (``{"q": [heads, head_dim], ...}``).
    """

    name: str
    kind: str
    layers: int
    in_layer: bool = True
    flops: float = 0.0
    flops_per_token: float = 0.0
    weight_elements: float = 0.0
    cache_read_per_token: float = 0.0
    cache_write: float = 0.0
    activation_elements: float = 0.0
    shape: dict = field(default_factory=dict)

    def flop_count(self, live_tokens: np.ndarray) -> np.ndarray:
        """FLOPs per sequence [FLOP], shape of ``live_tokens``."""
        return self.flops + self.flops_per_token * np.asarray(live_tokens, dtype=float)

    def cache_read(self, live_tokens: np.ndarray) -> np.ndarray:
        """KV-cache elements read per sequence [-], shape of ``live_tokens``."""
        return self.cache_read_per_token * np.asarray(live_tokens, dtype=float)

    @property
    def depends_on_context(self) -> bool:
        """Whether any count grows with the live tokens."""
        return bool(self.flops_per_token or self.cache_read_per_token)
