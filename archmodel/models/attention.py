"""Attention for the forward pass: ideal softmax, or an emulator mode on a chip, with a per-layer record.

:class:`ModeAttention` is an :data:`~archmodel.models.llama.AttentionFn`.
At every layer it computes the ideal causal softmax attention on the same
q, k, v (the reference), runs the chosen emulator mode and records the mean
cosine similarity of the two outputs.  The gain-cell modes need per-head
scalers; a pretrained model has none, so each layer's are

- ``calibrated`` (default): q, k, v scalers map mean ± 3σ of each head onto
  the clamp ranges (:func:`~archmodel.emulator.scalers.range_matched_scalers`),
  output scalers are the per-head least-squares fit of the emulated output
  to the reference on the same activations — the best affine digital
  read-out, an oracle that uses the reference at every layer;
- given (``scalers={layer: Scalers}``), e.g. from the adaptation algorithm
  (:mod:`archmodel.models.adaptation`), used as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from archmodel.emulator.api import attention as ideal_attention, emulate
from archmodel.emulator.metrics import mean_cosine_similarity
from archmodel.emulator.modes import MODES
from archmodel.emulator.scalers import Scalers, fit_output_pair, range_matched_scalers
from archmodel.emulator.settings import hardware_of
from archmodel.emulator.statistics import Moments


@dataclass
class ModeAttention:
    """One emulator mode as the attention of every layer; ``options`` go to :func:`~archmodel.emulator.emulate`.

    After a forward pass ``cosine[layer]`` is the mean cosine similarity of
    the layer's output with softmax attention on the same activations [-],
    ``moments[layer]`` the pre-clamp moments (gain-cell modes).
    """

    mode: str
    chip: object = None  # chip spec, path or HardwareParameters; default the paper's
    options: dict = field(default_factory=dict)
    scalers: dict[int, Scalers] | None = None
    cosine: dict[int, float] = field(default_factory=dict)
    moments: dict[int, dict[str, Moments]] = field(default_factory=dict)
    references: dict[int, Moments] = field(default_factory=dict)

    def __post_init__(self):
        self.hardware = hardware_of(self.chip)

    @property
    def gaincell(self) -> bool:
        """The mode has scalers (and the chip's stages)."""
        return MODES[self.mode].hardware

    def __call__(self, layer: int, q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
        reference = ideal_attention(q, k, v, mode="softmax")  # (1, H, T, d)
        if self.mode == "softmax":
            y = reference
        elif not self.gaincell:
            y = ideal_attention(q, k, v, mode=self.mode, **self.options)
        else:
            y = self._gaincell(layer, q, k, v, reference)
        self.cosine[layer] = mean_cosine_similarity(y, reference)
        self.references[layer] = _head_moments(reference)
        return y

    def _gaincell(self, layer, q, k, v, reference) -> np.ndarray:
        given = self.scalers is not None and layer in self.scalers
        scalers = self.scalers[layer] if given else range_matched_scalers(q, k, v, self.hardware)
        run = emulate(q, k, v, mode=self.mode, chip=self.hardware, scalers=scalers, **self.options)
        self.moments[layer] = run.statistics.pre_clamp
        if given:
            return run.output
        a, b = fit_output_pair(run.output, reference)
        return (a[None, :, None, None] * run.output + b[None, :, None, None]).astype(np.float32)

    def layer_cosine(self) -> list[float]:
        """Cosine of each layer run, in layer order [-]."""
        return [self.cosine[layer] for layer in sorted(self.cosine)]


def _head_moments(y: np.ndarray) -> Moments:
    """Per-head mean and std of (B, H, T, d) outputs."""
    y = y.astype(np.float64)
    return Moments(y.mean(axis=(0, 2, 3)), y.std(axis=(0, 2, 3)))
