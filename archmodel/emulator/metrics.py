"""Fidelity of attention outputs against a reference (ideal or linear hardware model)."""

from __future__ import annotations

import numpy as np


def relative_l2_error(y: np.ndarray, reference: np.ndarray) -> float:
    """‖y - reference‖₂ / ‖reference‖₂ over all entries [-] (inf if the reference is 0 and y is not)."""
    y, reference = np.asarray(y, np.float64), np.asarray(reference, np.float64)
    error = np.linalg.norm(y - reference)
    norm = np.linalg.norm(reference)
    if norm == 0:
        return 0.0 if error == 0 else float("inf")
    return float(error / norm)


def mean_cosine_similarity(y: np.ndarray, reference: np.ndarray) -> float:
    """Mean over (B, H, T) of the cosine between token outputs y[b, h, t, :] and the reference's [-].

    A token where both vectors are zero counts as 1, where only one is zero as 0.
    """
    y, reference = np.asarray(y, np.float64), np.asarray(reference, np.float64)
    dot = (y * reference).sum(axis=-1)  # (B, H, T)
    y_norm, reference_norm = np.linalg.norm(y, axis=-1), np.linalg.norm(reference, axis=-1)
    norms = y_norm * reference_norm
    both_zero = (y_norm == 0) & (reference_norm == 0)
    cosine = np.divide(dot, norms, out=np.zeros_like(dot), where=norms > 0)
    return float(np.where(both_zero, 1.0, cosine).mean())


def fidelity(y: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """``{"relative_l2_error": ..., "mean_cosine_similarity": ...}`` of ``y`` against ``reference``."""
    return {
        "relative_l2_error": relative_l2_error(y, reference),
        "mean_cosine_similarity": mean_cosine_similarity(y, reference),
    }
