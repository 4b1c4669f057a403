"""Perplexity of a text under each attention mode: what ``archmodel evaluate`` computes.

For every mode the whole model runs with that attention in every layer
(:class:`~archmodel.models.attention.ModeAttention`); the result per mode is
the perplexity of the text's tokens and the per-layer mean cosine
similarity of the layer's attention output with softmax attention on the
same activations.  With ``adapt`` each gain-cell mode also runs with scalers
from the paper's statistics matching (:mod:`archmodel.models.adaptation`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from archmodel.emulator.modes import MODES
from archmodel.models.attention import ModeAttention
from archmodel.models.gguf_file import require_tokens
from archmodel.models.llama import LlamaModel, forward, perplexity
from archmodel.specs.errors import UsageError

#: Tokens evaluated when the caller gives no number.
DEFAULT_TOKENS = 256


def read_text(path: str | Path) -> str:
    """The text of a UTF-8 file; a missing or unreadable file is a one-line UsageError."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"--text: {path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--text: {path}: cannot read it as UTF-8 text ({error})") from None


def text_tokens(model: LlamaModel, text: str, tokens: int | None, label: str):
    """The first ``tokens`` ids of ``text`` (all when None); at least 2 of them."""
    if tokens is not None and (isinstance(tokens, bool) or not isinstance(tokens, int) or tokens < 2):
        raise UsageError(f"--tokens: expected an integer ≥ 2, got {tokens!r}")
    ids = model.encode(text)
    ids = ids if tokens is None else ids[:tokens]
    require_tokens(len(ids), label)
    return ids


def check_modes(modes) -> list[str]:
    """The modes asked for, each known; default all."""
    modes = list(modes) if modes else list(MODES)
    unknown = [mode for mode in modes if mode not in MODES]
    if unknown:
        raise UsageError(f"--mode: unknown mode {unknown[0]!r}; expected one of {', '.join(MODES)}")
    return modes


def evaluate_modes(model: LlamaModel, ids, modes, *, chip=None, options: dict | None = None, adapt: bool = False,
                   adapt_iterations: int = 10, progress: Callable[[str], None] | None = None) -> list[dict]:
    """One entry per mode (and per adapted gain-cell mode): perplexity, layer cosines, seconds."""
    from archmodel.models.adaptation import adapt_model

    entries = []
    for mode in modes:
        windowed = MODES[mode].windowed
        mode_options = {key: value for key, value in (options or {}).items()
                        if value is not None and (MODES[mode].hardware or (key == "window" and windowed))}
        attention = ModeAttention(mode, chip, mode_options)
        entries.append(_run(model, ids, attention, "calibrated" if attention.gaincell else None))
        if progress:
            progress(mode)
        if adapt and attention.gaincell:
            adapted = adapt_model(model, ids, mode, chip, mode_options, max_iterations=adapt_iterations)
            entry = _run(model, ids, ModeAttention(mode, chip, mode_options, scalers=adapted.scalers), "adapted")
            entry["adaptation"] = {"iterations": adapted.iterations, "converged": adapted.converged,
                                   "largest_deviation": adapted.history[-1],
                                   "perplexity_initial": adapted.initial_perplexity}
            entries.append(entry)
            if progress:
                progress(f"{mode} adapted")
    return entries


def _run(model: LlamaModel, ids, attention: ModeAttention, scalers: str | None) -> dict:
    start = time.perf_counter()
    logits = forward(model, ids, attention)
    seconds = time.perf_counter() - start
    return {"mode": attention.mode, "scalers": scalers, "perplexity": perplexity(logits, ids),
            "layer_cosine": attention.layer_cosine(), "seconds": seconds, "tokens_per_second": len(ids) / seconds}
