"""The two attention kernels, shared by prefill (a tile of queries) and decode (one query).

Both compute in float64: prefill and decode add the same products in
different orders, and float64 keeps those differences (~1e-16) far below
a quantisation step, so both paths round every sub-tile output to the
same level.  The analog kernel takes operands encoded by
:class:`~archmodel.emulator.encoding.CellEncoding` (leakage folded in).
"""

from __future__ import annotations

import numpy as np

from archmodel.emulator.encoding import CellEncoding


def analog_tile(queries, keys, values, live, factors, encoding: CellEncoding, subtiles: int,
                noise=None, tally=None, dead_columns=None, score_factors=None) -> np.ndarray:
    """Σ over sub-tiles of the clamped, quantised sub-tile outputs of a tile of queries.

    Parameters
    ----------
    queries : (B, H, Tq, K) float64
        Encoded query pulses (``CellEncoding.encode_queries``).
    keys : (B, H, K, L) float64
        Encoded keys of the L = n_seg·W columns, leakage factors applied, /S_sat.
    values : (B, H, n_seg, W, K) float64
        Encoded values by segment, leakage factors applied, /(S_out·readout step).
    live : (Tq, L) bool
        Key column j is in the window of query i.
    factors : (Tq, blocks) float64 or None
        Query-side leakage factors e^{-pλ(i - r)} (None without leakage).
    subtiles : int
        n_sub; segments s and s + n_sub are one physical sub-tile.
    noise : TileNoise or None
        Additive read noise on S/S_sat and on each sub-tile output [-].
    dead_columns : list of slice, optional
        Column ranges holding every dead entry (``dead_column_runs(live)``);
        the window mask is applied there only.  Default: everywhere.
    score_factors : (blocks, Tq, L) or None
        Decay per (query, key) and power for the scores, when it does not
        factor (bfloat16 rounding); the queries then carry unit factors.

    Returns
    -------
    (B, H, Tq, d) float64, the digital sum Σ_T A_iT before the output scaler.
    """
    batch, heads, tokens, _ = queries.shape
    segments, width = values.shape[2], values.shape[3]
    phi = _scores(queries, keys, encoding, score_factors)  # (B, H, Tq, L): S/S_sat
    if noise is not None:
        phi += noise.score
    np.clip(phi, 0.0, 1.0, out=phi)  # HardSigmoid: φ/T_max
    for columns in [slice(None)] if dead_columns is None else dead_columns:
        phi[..., columns] *= live[:, columns]
    if tally is not None:
        tally.add_phi(phi, live)
    weights = phi.reshape(batch, heads, tokens, segments, width).transpose(0, 1, 3, 2, 4)  # (B, H, n_seg, Tq, W)
    partial = encoding.combine(weights @ values, factors)  # (B, H, n_seg, Tq, d): g/(S_out·step)
    if not encoding.model.subtile_clamp:
        return partial.sum(axis=2)
    live_subtiles = _fold(live.reshape(tokens, segments, width).any(axis=-1).T, subtiles, axis=0)  # (n_compact, Tq)
    outputs = _fold(partial, subtiles, axis=2)  # (B, H, n_compact, Tq, d), in readout steps
    model = encoding.model
    return _clamp_subtiles(outputs, live_subtiles, model, noise, tally).sum(axis=2) * model.output_step


def _scores(queries, keys, encoding: CellEncoding, score_factors) -> np.ndarray:
    """S/S_sat (B, H, Tq, L): one matmul, or one per power block weighted by ``score_factors``."""
    if score_factors is None:
        return queries @ keys
    d = encoding.head_dim
    phi = np.zeros(queries.shape[:-1] + (keys.shape[-1],))
    for block, factor in enumerate(score_factors):
        phi += factor * (queries[..., block * d:(block + 1) * d] @ keys[..., block * d:(block + 1) * d, :])
    if encoding.constant:
        phi += queries[..., -1:] @ keys[..., -1:, :]
    return phi


def _fold(x: np.ndarray, subtiles: int, axis: int) -> np.ndarray:
    """Add up segments that are one physical sub-tile (s and s + n_sub) along ``axis``.

    The result has min(n_seg, n_sub) entries along ``axis``; booleans are OR-ed.
    """
    segments = x.shape[axis]
    if segments <= subtiles:
        return x
    x = np.moveaxis(x, axis, 0)
    folded = x[:subtiles].copy()
    for start in range(subtiles, segments, subtiles):
        stop = min(start + subtiles, segments)
        folded[:stop - start] += x[start:stop]
    return np.moveaxis(folded, 0, axis)


def _clamp_subtiles(outputs, live_subtiles, model, noise, tally):
    """A/step = round(clamp(u, -1/step, 1/step)) per sub-tile, u = g/(S_out·step); in place.

    This is the paper's ``step·round(clamp(g/S_out, -1, 1)/step)`` divided by
    the step (docs/paper.md §3); dead sub-tiles have g = 0 and stay 0.
    """
    limit = 1.0 / model.output_step
    if noise is not None:
        outputs += noise.output * (live_subtiles * limit)[:, :, None]
    if tally is not None:
        saturated = (np.abs(outputs) >= limit) & live_subtiles[:, :, None]
        copies = outputs.shape[0] * outputs.shape[1] * outputs.shape[-1]
        tally.add_subtile_outputs(int(np.count_nonzero(saturated)), int(np.count_nonzero(live_subtiles)) * copies)
    np.clip(outputs, -limit, limit, out=outputs)
    if model.output_levels is not None:
        np.rint(outputs, out=outputs)
    return outputs


def softmax_rows(q, keys, values, live, scale: float) -> np.ndarray:
    """Ideal attention of a tile of queries over a band of keys.

    q (B, H, Tq, d), keys and values (B, H, L, d), live (Tq, L) bool; all
    float64.  Returns (B, H, Tq, d) = softmax(scale·q·kᵀ over live keys)·v.
    """
    scores = q @ keys.swapaxes(-1, -2)  # (B, H, Tq, L)
    scores *= scale
    scores += np.where(live, 0.0, -np.inf)  # (Tq, L) mask of the window
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    return scores @ values
