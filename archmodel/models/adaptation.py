"""The paper's adaptation algorithm (statistics matching of the scalers) on a whole pretrained model.

Leroux 2025 adapt a trained model to the non-linear hardware by matching,
per layer and head, the mean and std of ``a·x + b`` before clamping (q, k,
v, head output) to those of a reference model, with no gradients
(:func:`archmodel.emulator.adapt_scalers`; docs/paper.md §3).  Here the
reference is the pretrained model with ideal softmax attention:

- start: q, k, v scalers range-matched on the reference's activations of
  each layer (mean ± 3σ onto the clamp ranges), a_out = 1, b_out = 0;
- targets: the start's q, k, v moments on the reference's activations and
  the per-head moments of the reference's softmax attention output;
- a forward pass runs the whole model with the gain-cell mode in every
  layer; all layers' scalers move together (stacked as L·H heads).

The paper then fine-tunes the model with gradients; this module does not
(a numpy forward pass has no gradients), so its perplexities are those of
the adaptation step alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archmodel.emulator.adapt import adapt_scalers
from archmodel.emulator.scalers import SCALER_NAMES, Scalers, range_matched_scalers
from archmodel.emulator.settings import hardware_of
from archmodel.emulator.statistics import Moments
from archmodel.models.attention import ModeAttention
from archmodel.models.llama import LlamaModel, forward, perplexity


@dataclass(frozen=True)
class ModelAdaptation:
    """Adapted scalers per layer, the passes run, convergence, and the perplexity at the start."""

    scalers: dict[int, Scalers]
    iterations: int
    converged: bool
    history: tuple[float, ...]
    initial_perplexity: float


class _Recorder(ModeAttention):
    """Softmax attention that keeps range-matched scalers of each layer's q, k, v."""

    def __call__(self, layer, q, k, v):
        self.start = getattr(self, "start", {})
        self.start[layer] = range_matched_scalers(q, k, v, self.hardware)
        return super().__call__(layer, q, k, v)


def adapt_model(model: LlamaModel, ids, mode: str, chip=None, options: dict | None = None, *,
                max_iterations: int = 10, threshold: float = 1e-4) -> ModelAdaptation:
    """Statistics matching of every layer's scalers of ``mode`` toward the softmax model (module docstring)."""
    hardware = hardware_of(chip)
    reference = _Recorder("softmax", hardware)
    forward(model, ids, reference)
    layers = sorted(reference.start)
    start = _stack([reference.start[layer] for layer in layers])
    targets = {name: _targets(name, reference, layers, hardware) for name in SCALER_NAMES}
    first = []

    def run(stacked: Scalers) -> dict[str, Moments]:
        attention = ModeAttention(mode, hardware, dict(options or {}), scalers=_split(stacked, layers))
        logits = forward(model, ids, attention)
        if not first:
            first.append(perplexity(logits, ids))
        return {name: Moments(*(np.concatenate([getattr(attention.moments[layer][name], part) for layer in layers])
                                for part in ("mean", "std"))) for name in SCALER_NAMES}

    result = adapt_scalers(run, start, targets, threshold=threshold, max_iterations=max_iterations)
    return ModelAdaptation(_split(result.scalers, layers), result.iterations, result.converged, result.history, first[0])


def _targets(name: str, reference: _Recorder, layers, hardware) -> Moments:
    """Target moments (L·H,): the reference's output, or the centre and 1/6 of each clamp range.

    Range matching maps mean ± 3σ onto [low, high], so a·x + b on the
    reference's own activations has mean (low + high)/2 and std (high - low)/6.
    """
    if name == "out":
        return Moments(*(np.concatenate([getattr(reference.references[layer], part) for layer in layers])
                         for part in ("mean", "std")))
    low, high = hardware.input_ranges[name]
    heads = reference.start[layers[0]].heads * len(layers)
    return Moments(np.full(heads, (low + high) / 2), np.full(heads, (high - low) / 6))


def _stack(per_layer: list[Scalers]) -> Scalers:
    """Scalers of L layers as one (L·H,) set; output scalers start at a = 1, b = 0."""
    values = {key: np.concatenate([s.as_dict()[key] for s in per_layer]) for key in per_layer[0].as_dict()}
    values["a_out"], values["b_out"] = np.ones_like(values["a_out"]), np.zeros_like(values["b_out"])
    return Scalers.from_mapping(values)


def _split(stacked: Scalers, layers) -> dict[int, Scalers]:
    heads = stacked.heads // len(layers)
    values = stacked.as_dict()
    return {layer: Scalers.from_mapping({key: value[i * heads:(i + 1) * heads] for key, value in values.items()})
            for i, layer in enumerate(layers)}
