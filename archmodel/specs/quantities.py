"""Pydantic field types for physical quantities.

A field typed ``Time`` accepts ``15e-9`` or ``"15 ns"`` and stores
``1.5e-08`` [s]; a string of the wrong dimension is rejected with a message
that names what was expected.  Provenance wrappers (``{"value": ...,
"source": ...}``) are removed by :mod:`archmodel.specs.provenance` before
validation, so these types only ever see the bare value.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr

from archmodel.specs.units import to_si


class QuantityParser:
    """Parses a JSON value into a float in the reference unit of ``dimension``."""

    def __init__(self, dimension: str):
        self.dimension = dimension

    def __call__(self, value: object) -> float:
        return to_si(value, self.dimension)


def _parser(dimension: str) -> BeforeValidator:
    return BeforeValidator(QuantityParser(dimension))


Time = Annotated[float, _parser("time")]
Energy = Annotated[float, _parser("energy")]
Power = Annotated[float, _parser("power")]
Voltage = Annotated[float, _parser("voltage")]
Current = Annotated[float, _parser("current")]
Charge = Annotated[float, _parser("charge")]
Capacitance = Annotated[float, _parser("capacitance")]
Conductance = Annotated[float, _parser("conductance")]
Length = Annotated[float, _parser("length")]
Area = Annotated[float, _parser("area")]
Frequency = Annotated[float, _parser("frequency")]
Bytes = Annotated[float, _parser("bytes")]
Bandwidth = Annotated[float, _parser("bandwidth")]
ComputeRate = Annotated[float, _parser("compute_rate")]
EnergyPerBit = Annotated[float, _parser("energy_per_bit")]
Fraction = Annotated[float, _parser("dimensionless")]


class Spec(BaseModel):
    """Base of every spec class: strict keys, frozen, validated on assignment."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Document(Spec):
    """Base of a top-level spec (chip, GPU, workload): remembers its file and provenance."""

    _file: str = PrivateAttr(default="<dict>")
    _provenance: dict = PrivateAttr(default_factory=dict)
    _raw: dict = PrivateAttr(default_factory=dict)

    @property
    def file(self) -> str:
        """The file (or label) this spec was loaded from."""
        return self._file

    @property
    def provenance(self) -> dict:
        """JSON path → :class:`~archmodel.specs.provenance.Provenance` of each wrapped number."""
        return dict(self._provenance)

    @property
    def raw(self) -> dict:
        """The plain JSON document (wrappers removed) this spec was validated from."""
        return self._raw
