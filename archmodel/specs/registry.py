"""Registry of chip kinds: the ``kind`` field of a chip JSON picks its spec class."""

from __future__ import annotations

from archmodel.specs.gaincell import GainCellChip
from archmodel.specs.gpu import GPU
from archmodel.specs.system import System

CHIP_KINDS: dict[str, type] = {
    "gaincell_attention": GainCellChip,
    "gpu": GPU,
    "system": System,
}
