"""ADC readout of the V-array columns (a chip variant with ``adc`` set).

Replaces the signed charge-to-pulse counter: one conversion per V column of
each live sub-tile, H·d·s per layer and sequence; latency one conversion
time per query head taking turns (g · t_conv).

Energy and area per ADC, when the chip does not state them, come from
hwcomponents-adc (Andrulis et al., arXiv 2404.06553: Murmann-survey energy
bound and area regression), for ``bits`` at the chip's node, with the
throughput of all ADCs of a layer converting in ``conversion_time``::

    throughput = instances / conversion_time   [conversions/s]
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

import numpy as np

from archmodel.costs.cost import Cost, Step
from archmodel.costs.pulse_circuits import live_subtiles
from archmodel.specs.gaincell import GainCellChip

if TYPE_CHECKING:
    from archmodel.mapping.gaincell import GainCellTiling


@functools.cache
def survey_model(bits: int, node: float, throughput: float, instances: int) -> tuple[float, float]:
    """(energy per conversion [J], area per ADC [m²]) from hwcomponents-adc."""
    from hwcomponents_adc import ADC

    logging.getLogger("hwcomponents_adc").setLevel(logging.WARNING)
    model = ADC(n_bits=bits, tech_node=node, throughput=throughput, n_adcs=instances)
    return float(model.get_energy()), float(model.area) / instances


def adc_figures(chip: GainCellChip, instances: int) -> tuple[float, float]:
    """Energy per conversion [J] and area per ADC [m²]: stated, else modelled."""
    adc = chip.adc
    energy, area = adc.energy_per_conversion, adc.area
    if energy is None or area is None:
        # elementwise over swept nodes and conversion times (one cached survey-model call per distinct point)
        modelled = np.vectorize(survey_model)(adc.bits, chip.technology.node, instances / adc.conversion_time, instances)
        energy = modelled[0] if energy is None else energy
        area = modelled[1] if area is None else area
    return energy, area


#: source entry for figures computed by the hwcomponents-adc model
SURVEY_MODEL = "model: hwcomponents-adc (Andrulis et al., arXiv 2404.06553) at $.technology.node"


def _sources(adc) -> tuple[str, ...]:
    stated = tuple(f"$.adc.{name}" for name in ("energy_per_conversion", "area") if getattr(adc, name) is not None)
    modelled = (SURVEY_MODEL,) if len(stated) < 2 else ()
    return ("$.adc.bits", "$.adc.conversion_time", *stated, *modelled)


def adc_readout(chip: GainCellChip, tiling: "GainCellTiling", op, step: Step) -> Cost:
    adc = chip.adc
    instances = tiling.kv_heads * tiling.subtiles * tiling.padded_head_dim
    energy, area = adc_figures(chip, instances)
    conversions = tiling.heads * tiling.head_dim * live_subtiles(tiling, step)
    turns = tiling.query_heads_per_kv_head
    key = ("adc", adc.group)
    return Cost(
        energy={key: conversions * energy},
        events={key: conversions},
        latency=step.constant(turns * adc.conversion_time),
        cycles=step.constant(turns * adc.conversion_time * chip.clocks.digital),
        clock="digital",
        area={key: instances * area},
        sources={key: _sources(adc)},
    )
