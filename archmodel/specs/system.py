"""Specs of a system (a host plus gain-cell attention chips) and of the link between them.

A system JSON (``"kind": "system"``) names its parts by path, relative to
its own folder::

    {"kind": "system", "name": "...",
     "host": "../gpu/h100_sxm.json",              # a GPU spec, optional "#calibration"
     "attention": {"chip": "../gaincell_leroux2025.json", "count": "auto",
                   "max_die_area": {"value": "858 mm^2", "source": "..."}},
     "link": "../links/nvlink_c2c.json"}

A link JSON (``"kind": "link"``) holds one direction's lane bandwidth, the
lane count, the one-way latency and the energy per bit moved, each with its
source.

The fields of the parts are addressable from the system by dotted path
(overrides, sweeps, ``fields``): ``parts.host.PATH`` (the GPU),
``parts.attention.PATH`` (the gain-cell chip), ``parts.link.PATH``, e.g.
``parts.attention.technology.node`` (:data:`PART_PATHS`).  :func:`resolve_parts` loads the parts once, checks their kinds and
refuses a cycle of files; the loaded parts hang on the system
(:attr:`System.host`, :attr:`System.attention_chip`, :attr:`System.link`).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Literal

from pydantic import Field, PositiveInt, PrivateAttr

from archmodel.specs.errors import SpecError
from archmodel.specs.quantities import Area, Bandwidth, Document, EnergyPerBit, Spec, Time


class Link(Document):
    """A point-to-point link between host and attention chips (one direction's figures)."""

    kind: Literal["link"]
    name: str = Field(min_length=1)
    description: str = ""
    lane_bandwidth: Bandwidth = Field(gt=0, description="payload bandwidth of one lane, one direction [byte/s]")
    lanes: PositiveInt = Field(description="lanes per direction [-]")
    latency: Time = Field(ge=0, description="one-way latency of a transfer, first bit in to first bit out [s]")
    energy_per_bit: EnergyPerBit = Field(ge=0, description="energy per payload bit moved, both ends [J/bit]")

    @property
    def bandwidth(self) -> float:
        """lanes × lane bandwidth, one direction [byte/s]."""
        return self.lanes * self.lane_bandwidth


class AttentionChips(Spec):
    chip: str = Field(min_length=1, description="gain-cell chip JSON, relative to the system JSON's folder")
    count: PositiveInt | Literal["auto"] = Field(
        description="dies of the chip; 'auto': as many as the KV capacity needs under max_die_area [-]")
    max_die_area: Area = Field(gt=0, description="largest die one chip may occupy (the reticle field) [m²]")


class System(Document):
    kind: Literal["system"]
    name: str = Field(min_length=1)
    description: str = ""
    host: str = Field(min_length=1, description="GPU JSON (optionally PATH#CALIBRATION), relative to this file's folder")
    attention: AttentionChips
    link: str = Field(min_length=1, description="link JSON, relative to this file's folder")

    _parts: dict = PrivateAttr(default_factory=dict)

    def _part(self, name: str):
        part = self._parts.get(name)
        if part is None:
            raise SpecError(self.file, f"$.{name}", "parts not loaded; load systems with archmodel.load_chip")
        return part

    @property
    def host_spec(self):
        """The host GPU spec (with the calibration the system selects)."""
        return self._part("host")

    @property
    def attention_chip(self):
        """The gain-cell chip spec of the attention dies."""
        return self._part("attention")

    @property
    def attention_chip_file(self) -> Path:
        """Path of the attention chip's JSON [-]."""
        return _part_path(Path(self.file), self.attention.chip)[0]

    @property
    def link_spec(self) -> Link:
        """The link spec."""
        return self._part("link")

    @property
    def short_name(self) -> str:
        return self.name

    @property
    def parts(self) -> SimpleNamespace:
        """The loaded parts by the names part paths use: ``host``, ``attention``, ``link``."""
        return SimpleNamespace(host=self.host_spec, attention=self.attention_chip, link=self.link_spec)


def part_classes() -> dict[str, type]:
    """Part name in ``parts.NAME.PATH`` → its spec class."""
    from archmodel.specs.gaincell import GainCellChip
    from archmodel.specs.gpu import GPU

    return {"host": GPU, "attention": GainCellChip, "link": Link}


def split_part_path(path: str) -> tuple[str, str] | None:
    """``"parts.attention.technology.node"`` → ("attention", "technology.node"); None for a system field."""
    first, _, rest = path.partition(".")
    name, _, inner = rest.partition(".")
    return (name, inner) if first == PART_PREFIX and name in PART_NAMES and inner else None


def with_part_overrides(system: System, overrides: dict[str, object], label: str) -> System:
    """``system`` (a copy with its parts loaded, changed in place and returned) with fields of its parts replaced,
    each changed part re-validated whole."""
    from archmodel.specs.loading import with_overrides

    by_part: dict[str, dict] = {}
    for path, value in overrides.items():
        name, inner = split_part_path(path)
        by_part.setdefault(name, {})[inner] = value
    parts = dict(system._parts)
    for name, changes in by_part.items():
        parts[name] = with_overrides(parts[name], changes, label=label)
    system._parts = parts
    return system


#: first key of a part path, and the parts it may name
PART_PREFIX = "parts"
PART_NAMES = ("host", "attention", "link")


def _part_path(system_file: Path, reference: str) -> tuple[Path, str]:
    text, _, fragment = reference.partition("#")
    return (system_file.parent / text).resolve(), fragment


def _load_part(system: System, field: str, reference: str, chain: tuple[Path, ...]):
    """Load the part ``reference`` of ``system``; a file already in ``chain`` is a cycle."""
    from archmodel.specs.loading import load_chip, read_json, resolve_extends

    path, fragment = _part_path(Path(system.file), reference)
    if path in chain:
        raise SpecError(system.file, field, f"circular reference: {reference!r} is a system file already being loaded")
    document = resolve_extends(read_json(path), path)
    kind = document.get("kind")
    kind = kind.get("value") if isinstance(kind, dict) else kind
    if kind == "system":
        resolve_parts(load_part_system(path), chain + (path,))
        raise SpecError(system.file, field, f"expected a {_EXPECTED[field]} spec, got the system {reference!r}")
    if field == "$.link":
        from archmodel.specs.loading import validate

        if kind != "link":
            raise SpecError(system.file, field, f"expected a link spec (kind 'link'), got kind {kind!r} in {reference!r}")
        return validate(Link, document, str(path))
    part = load_chip(f"{path}#{fragment}" if fragment else path)
    if part.kind != _KINDS[field]:
        raise SpecError(system.file, field, f"expected a {_EXPECTED[field]} spec (kind {_KINDS[field]!r}), "
                                            f"got kind {part.kind!r} in {reference!r}")
    return part


_KINDS = {"$.host": "gpu", "$.attention.chip": "gaincell_attention"}
_EXPECTED = {"$.host": "GPU", "$.attention.chip": "gain-cell chip", "$.link": "link"}


def load_part_system(path: Path) -> System:
    """Validate the system file ``path`` without loading its parts."""
    from archmodel.specs.loading import chip_from_dict, read_json, resolve_extends

    return chip_from_dict(resolve_extends(read_json(path), path), str(path))


def resolve_parts(system: System, chain: tuple[Path, ...] = ()) -> System:
    """Load the host, attention chip and link of ``system`` and attach them; returns ``system``."""
    chain = chain + (Path(system.file).resolve(),)
    system._parts = {
        "host": _load_part(system, "$.host", system.host, chain),
        "attention": _load_part(system, "$.attention.chip", system.attention.chip, chain),
        "link": _load_part(system, "$.link", system.link, chain),
    }
    return system


def load_link(path: str | Path) -> Link:
    """Load a link JSON."""
    from archmodel.specs.loading import read_json, validate

    return validate(Link, read_json(path), str(path))
