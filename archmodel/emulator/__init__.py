"""Functional emulator of gain-cell analog attention (Leroux 2025, docs/paper.md §3).

Public API::

    from archmodel.emulator import attention, emulate, Scalers
    y = attention(q, k, v, mode="gaincell_cubic", chip=chip, path="prefill")   # (B, H, T, d)
    run = emulate(q, k, v, mode="gaincell_cubic", chip=chip)
    run.statistics.activity.as_chip_overrides()
    adapt_scalers(forward, initial_scalers, targets)   # statistics matching

Modes, stages and units are described in ``docs/emulator.md``.
"""

from archmodel.emulator.adapt import AdaptationResult, adapt_scalers
from archmodel.emulator.api import Emulation, attention, emulate
from archmodel.emulator.metrics import fidelity, mean_cosine_similarity, relative_l2_error
from archmodel.emulator.modes import MODES
from archmodel.emulator.parameters import HardwareParameters
from archmodel.emulator.scalers import SCALER_NAMES, Scalers
from archmodel.emulator.statistics import ActivityStatistics, Moments, RunStatistics

__all__ = [
    "MODES",
    "SCALER_NAMES",
    "ActivityStatistics",
    "AdaptationResult",
    "Emulation",
    "HardwareParameters",
    "Moments",
    "RunStatistics",
    "Scalers",
    "adapt_scalers",
    "attention",
    "emulate",
    "fidelity",
    "mean_cosine_similarity",
    "relative_l2_error",
]
