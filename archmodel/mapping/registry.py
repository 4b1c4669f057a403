"""Registry of mappers: chip kind → function ``(chip, workload, graph) -> Plan``."""

from __future__ import annotations

from archmodel.mapping.gaincell import map_gaincell
from archmodel.mapping.gpu import map_gpu

MAPPERS = {
    "gaincell_attention": map_gaincell,
    "gpu": map_gpu,
}
