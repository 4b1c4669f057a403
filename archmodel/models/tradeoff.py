"""Perplexity next to energy per token: the same network for the emulator and the estimator.

``workload_from_config`` (:mod:`archmodel.specs.gguf_model`) gives the
estimator the network ``evaluate`` runs; :func:`perplexity_energy` prices
one decode step of it at the evaluated context on each chip and pairs the
price with the perplexities of the modes that chip computes: a gain-cell
chip computes the gain-cell modes (its functional model), a GPU the softmax
modes.  Energy and time per token are the estimator's, over all layers,
batch 1, at context = the evaluated tokens.  What is priced depends on the
chip: a GPU or a system (host + gain-cell chips + link) runs the whole
network (``covers`` = "network"); a bare gain-cell chip runs only the
attention core of every layer (``covers`` = "attention"), since its
projections and MLP need a host, so its price is not a whole token's.
"""

from __future__ import annotations

from archmodel.emulator.modes import MODES
from archmodel.engine import estimate
from archmodel.specs import load_chip
from archmodel.specs.gguf_model import workload_from_config
from archmodel.specs.loading import with_overrides

GAINCELL_KINDS = ("gaincell_attention", "system")  # a system's attention runs on gain-cell chips


def modes_of(chip) -> list[str]:
    """Modes a chip computes: the gain-cell modes on a gain-cell chip or system, the softmax ones on a GPU."""
    gaincell = getattr(chip, "kind", None) in GAINCELL_KINDS
    return [name for name, mode in MODES.items() if (mode.hardware if gaincell else mode.kernel == "softmax")]


def price(model, chip_paths, context: int) -> list[dict]:
    """Energy and time per token [J, s] of one decode step of a loaded ``model`` on each chip (all layers, batch 1).

    A bare gain-cell chip is priced on the attention core only (``covers``
    "attention"); a GPU or a system on the whole network ("network").
    """
    network = workload_from_config(model.config, model.file)
    prices = []
    for path in chip_paths:
        chip = load_chip(path)
        attention_only = chip.kind == "gaincell_attention"
        workload = with_overrides(network, {"scope": "attention"}, label="scope") if attention_only else network
        result = estimate(chip, workload, context=context, batch=1, scope="model")
        prices.append({"chip": str(path), "chip_name": chip.name, "modes": modes_of(chip), "context": context,
                       "covers": "attention" if attention_only else "network",
                       "energy_per_token": float(result.energy_per_token[0]),
                       "time_per_token": float(result.time_per_token[0])})
    return prices


def perplexity_energy(prices: list[dict], entries: list[dict]) -> list[dict]:
    """One row per (chip, mode run): chip, mode, scalers, perplexity, energy and time per token [J, s]."""
    rows = []
    for chip in prices:
        for entry in entries:
            if entry["mode"] in chip["modes"]:
                rows.append({"chip": chip["chip"], "chip_name": chip["chip_name"], "mode": entry["mode"],
                             "scalers": entry["scalers"], "perplexity": entry["perplexity"], "context": chip["context"],
                             "covers": chip["covers"],
                             "energy_per_token": chip["energy_per_token"], "time_per_token": chip["time_per_token"]})
    return rows
