"""Spec of a Transformer decoding workload."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt, model_validator

from archmodel.specs.quantities import Document, Spec

#: element types a workload may use
WorkloadDtype = Literal["float32", "float16", "bfloat16", "float8", "int8", "int4"]
#: bytes per element of each supported dtype [byte]
DTYPE_BYTES: dict[str, float] = {
    "float32": 4.0,
    "float16": 2.0,
    "bfloat16": 2.0,
    "float8": 1.0,
    "int8": 1.0,
    "int4": 0.5,
}


class TransformerShape(Spec):
    layers: PositiveInt = Field(description="decoder layers [-]")
    d_model: PositiveInt = Field(description="residual width [-]")
    heads: PositiveInt = Field(description="query heads per layer [-]")
    kv_heads: PositiveInt = Field(description="key/value heads per layer (< heads for GQA) [-]")
    head_dim: PositiveInt = Field(description="d, width of one head [-]")
    d_ff: PositiveInt = Field(description="hidden width of the MLP [-]")
    vocab: PositiveInt = Field(description="vocabulary size [-]")
    max_context: PositiveInt = Field(description="largest context the model was trained for [-]")
    mlp: Literal["gelu", "gated"] = Field(default="gelu", description="two-matrix GELU MLP or three-matrix gated (SwiGLU) MLP")

    @model_validator(mode="after")
    def _heads(self):
        if self.heads % self.kv_heads:
            raise ValueError(f"heads ({self.heads}) must be a multiple of kv_heads ({self.kv_heads})")
        return self


class Attention(Spec):
    """Which cached tokens each decode step attends.

    causal: all t tokens so far; sliding_window: the last min(t, window);
    full_buffer: all ``window`` slots of a ring buffer at every step (the
    paper's GPU benchmark, which attends the whole 1024-slot buffer).
    """

    kind: Literal["causal", "sliding_window", "full_buffer"]
    window: PositiveInt | None = Field(default=None, description="M, tokens kept [-]")

    @model_validator(mode="after")
    def _window(self):
        if self.kind != "causal" and self.window is None:
            raise ValueError(f"attention kind {self.kind!r} needs a window")
        return self


class Workload(Document):
    name: str = Field(min_length=1)
    description: str = ""
    source: str = Field(default="", description="where the shape comes from")
    model: TransformerShape
    attention: Attention
    dtype: WorkloadDtype
    batch: PositiveInt = Field(default=1, description="sequences decoded together [-]")
    scope: Literal["attention", "full"] = Field(
        default="full",
        description="attention: only the attention core (KV write, Q·Kᵀ, softmax, S·V) is in the workload; full: projections, MLP, norms too",
    )

    @property
    def dtype_bytes(self) -> float:
        """Bytes per element [byte]."""
        return DTYPE_BYTES[self.dtype]
