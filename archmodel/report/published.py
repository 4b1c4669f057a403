"""Published figures of Leroux 2025, for overlay on the model's curves.

These numbers are data to compare against, never inputs of the model: no
cost model, spec or sweep reads this module.  Each carries its location in
the paper (``docs/paper.md`` summarises it).  Values are SI.

Scenarios (how the paper obtained each number):

``gaincell_m1024``
    the gain-cell chip, one sequence, sliding window M = 1024, d = 64,
    per token; one head, or one layer of 12 heads in parallel.
``paper_gpu_benchmark``
    the authors' GPU script: one GPT-2 attention layer, batch 64, full
    1024-slot KV buffer, float32; per token = one pass / (64 × 1024), i.e.
    amortised over the batch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

CITATION = (
    "Leroux et al., Analog in-memory computing attention mechanism for fast and energy-efficient "
    "large language models, Nat. Comput. Sci. 5, 813-824 (2025), doi:10.1038/s43588-025-00854-1"
)

#: published device key → how the paper names it
DEVICES: dict[str, str] = {
    "gaincell_leroux2025": "gain-cell chip",
    "rtx4090": "RTX 4090",
    "jetson_nano": "Jetson Nano",
}

SCENARIOS: dict[str, str] = {
    "gaincell_m1024": "gain-cell chip, one sequence, M = 1024",
    "paper_gpu_benchmark": "GPU benchmark: batch 64, 1024-slot buffer, float32 (amortised per token)",
}


@dataclass(frozen=True)
class PublishedPoint:
    """One published number.

    ``quantity`` is a column of the sweep's points table (``time_per_token``
    [s], ``energy_per_token`` [J]), ``energy_by_group`` [J] (with ``group``),
    or a ratio of a GPU to the gain-cell chip (``speedup``, ``energy_ratio``
    [-]: GPU in ``scenario`` over the chip in ``reference_scenario``).
    """

    device: str
    scenario: str
    quantity: str
    scope: str
    context: int
    value: float
    location: str
    group: str = ""
    reference_scenario: str = ""
    kind: str = "published"


def _gaincell(quantity: str, scope: str, value: float, location: str, group: str = "", kind: str = "published"):
    return PublishedPoint("gaincell_leroux2025", "gaincell_m1024", quantity, scope, 1024, value, location, group, kind=kind)


def _gpu(device: str, quantity: str, value: float, location: str, kind: str = "published"):
    reference = "gaincell_m1024" if quantity in ("speedup", "energy_ratio") else ""
    return PublishedPoint(device, "paper_gpu_benchmark", quantity, "layer", 1024, value, location,
                          reference_scenario=reference, kind=kind)


#: heads of one GPT-2 attention layer, run in parallel on the gain-cell chip (Leroux 2025) [-]
GPT2_HEADS = 12
#: gain-cell energy per token per head, Leroux 2025 Fig. 5 [J]
GAINCELL_HEAD_ENERGY = 6.15e-9

#: every published point (the paper rounds; ``kind`` says whether a value is derived from others)
POINTS: tuple[PublishedPoint, ...] = (
    _gaincell("time_per_token", "head", 65e-9, "Fig. 5 (65 ns per token per head)"),
    _gaincell("time_per_token", "layer", 65e-9, "Fig. 5 (heads in parallel: 65 ns per layer)"),
    _gaincell("energy_per_token", "head", GAINCELL_HEAD_ENERGY, "Fig. 5 (6.15 nJ per token per head)"),
    _gaincell("energy_per_token", "layer", GPT2_HEADS * GAINCELL_HEAD_ENERGY,
              f"Fig. 5; {GPT2_HEADS} heads x 6.15 nJ", kind="derived"),
    _gaincell("energy_by_group", "head", 1120e-12, "Fig. 5 (K arrays + HardSigmoid charge-to-pulse)", "qk"),
    _gaincell("energy_by_group", "head", 700e-12, "Fig. 5 (V arrays + signed readout)", "sv"),
    _gaincell("energy_by_group", "head", 4000e-12, "Fig. 5 (digital control and routing, 113.7 mW)", "digital"),
    _gaincell("energy_by_group", "head", 330e-12, "Fig. 5 (DACs, K/V write)", "dac"),
    _gpu("rtx4090", "time_per_token", 22.37e-6, "Fig. 5c and text (22.37 us per token)"),
    _gpu("rtx4090", "energy_per_token", 7.18e-3, "Fig. 5d and text (7.18 mJ per token)"),
    _gpu("jetson_nano", "time_per_token", 488.9e-6, "Fig. 5c and text (488.9 us per token)"),
    _gpu("jetson_nano", "energy_per_token", 3.25e-3, "Fig. 5d and text (3.25 mJ per token)"),
    _gpu("rtx4090", "speedup", 300.0, "Fig. 5c (latency x300)"),
    _gpu("jetson_nano", "speedup", 7000.0, "Fig. 5c (latency x7,000)"),
    _gpu("rtx4090", "energy_ratio", 90000.0, "Fig. 5d (energy x90,000)"),
    _gpu("jetson_nano", "energy_ratio", 40000.0, "Fig. 5d (energy x40,000)"),
)


def published_table() -> pd.DataFrame:
    """Every published point as a tidy table, with device and scenario described."""
    frame = pd.DataFrame([asdict(point) for point in POINTS])
    frame.insert(1, "device_name", frame["device"].map(DEVICES))
    frame["scenario_description"] = frame["scenario"].map(SCENARIOS)
    frame["citation"] = CITATION
    frame.attrs["units"] = {"context": "token", "value": "SI (s, J or -)"}
    return frame
