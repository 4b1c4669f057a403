"""Units: SI base units inside, strings with explicit units in JSON.

Every quantity in archmodel is a float in SI base units (s, J, W, m, m², V,
A, F, Hz, bytes).  The prefix constants below let code write figures
readably (``2.64 * pico`` [J]).  :func:`to_si` parses a JSON value strictly
against the dimension a field expects, using pint.
"""

from __future__ import annotations

import functools
import math

import pint

from archmodel.specs.jsontext import MAX_MAGNITUDE

# prefix constants [dimensionless multipliers]
femto, pico, nano, micro, milli = 1e-15, 1e-12, 1e-9, 1e-6, 1e-3
kilo, mega, giga, tera = 1e3, 1e6, 1e9, 1e12

#: Reference unit of each dimension a spec field may have.  Values are
#: converted to these (SI base units, except bytes and FLOPs which are counts).
REFERENCE_UNITS: dict[str, str] = {
    "time": "s",
    "energy": "J",
    "power": "W",
    "voltage": "V",
    "current": "A",
    "charge": "C",
    "capacitance": "F",
    "capacitance_per_length": "F/m",
    "conductance": "A/V",
    "length": "m",
    "area": "m**2",
    "frequency": "Hz",
    "bytes": "byte",
    "bandwidth": "byte/s",
    "compute_rate": "FLOP/s",
    "energy_per_bit": "J/bit",
    "dimensionless": "dimensionless",
}


@functools.cache
def registry() -> pint.UnitRegistry:
    """The one pint registry, with FLOP added as a dimensionless count."""
    units = pint.UnitRegistry()
    units.define("FLOP = 1 = flop")
    return units


def to_si(value: object, dimension: str) -> float:
    """Convert a JSON value to a float in the reference unit of ``dimension``.

    Parameters
    ----------
    value : int, float or str
        A bare number (already SI) or a string with an explicit unit
        (``"15 ns"``, ``"113.7 mW"``, ``"3.35 TB/s"``).
    dimension : str
        A key of :data:`REFERENCE_UNITS`.

    Raises
    ------
    ValueError
        With a message saying what was expected and what was found; the spec
        loader adds the file and JSON path.
    """
    reference = REFERENCE_UNITS[dimension]
    if isinstance(value, bool):
        raise ValueError(f"expected a number or a string with a unit of {dimension}, got {value!r}")
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(f"expected a finite number, got one with {len(str(abs(value)))} digits") from None
    elif isinstance(value, str):
        if _is_number(value):
            raise ValueError(f"expected a number or a string with a unit of {dimension}, got the string {value!r}; "
                             "write a number without quotes, or add a unit")
        number = _parse_quantity(value, dimension)
    else:
        raise ValueError(f"expected a number or a string with a unit of {dimension}, got {type(value).__name__}")
    if not math.isfinite(number) or abs(number) > MAX_MAGNITUDE:
        raise ValueError(f"expected a finite number of magnitude at most 1e30 {reference}, got {_short(value)}")
    return number


@functools.lru_cache(maxsize=65536)
def _parse_quantity(value: str, dimension: str) -> float:
    """``"15 ns"`` → 1.5e-08 in the reference unit of ``dimension`` (pint; cached: specs repeat their strings)."""
    reference = REFERENCE_UNITS[dimension]
    try:
        quantity = registry().Quantity(value.strip())
    except Exception as exc:  # pint raises several unrelated types for unparsable text
        raise ValueError(f"cannot parse {value!r} as a quantity ({exc.__class__.__name__})") from None
    if isinstance(quantity, (int, float)):
        raise ValueError(f"expected a unit of {dimension} ({reference}), got a bare string {value!r}")
    if not quantity.is_compatible_with(reference):
        raise ValueError(
            f"expected a unit of {dimension} (like {reference}), got {value!r} "
            f"of dimension {quantity.dimensionality}"
        )
    return float(quantity.to(reference).magnitude)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}…{text[-8:]}"


#: units of counts, shown as plain numbers (1024, not 1.024 ktoken)
COUNT_UNITS = ("", "token", "sequence")


def format_quantity(value: float, unit: str) -> str:
    """A finite table or hover value: a count as a plain number (``1024``), an area in mm² or µm², anything else
    with an engineering prefix (``45.3 nJ``)."""
    if unit in COUNT_UNITS:
        return f"{value:.6g}"
    return format_area(value) if unit == "m^2" else format_si(value, unit)


def format_area(value: float, digits: int = 4) -> str:
    """Area [m²] in mm² from 0.01 mm² up, else in µm² (prefixes of m² are not those of m)."""
    if value >= 1e-8:
        return f"{value / milli**2:.{digits}g} mm²"
    return f"{value / micro**2:.{digits}g} µm²"


def format_si(value: float, unit: str, digits: int = 4) -> str:
    """Format ``value`` [unit] with an engineering prefix (``6.15 nJ``)."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g} {unit}"
    prefixes = [(tera, "T"), (giga, "G"), (mega, "M"), (kilo, "k"), (1, ""), (milli, "m"),
                (micro, "µ"), (nano, "n"), (pico, "p"), (femto, "f"), (femto * milli, "a")]
    magnitude = abs(value)
    for scale, prefix in prefixes:
        if magnitude >= scale * 0.9999999:
            return f"{value / scale:.{digits}g} {prefix}{unit}"
    return f"{value:.{digits}g} {unit}"
