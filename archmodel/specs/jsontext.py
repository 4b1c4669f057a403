"""Strict reading of JSON spec files: every way a file can be wrong is one :class:`SpecError`.

Python's ``json`` module accepts more than a spec should and fails on some
inputs with exceptions that are not about the file.  :func:`parse_spec_json`
refuses, each with the file, the JSON path and what was found:

- binary files (a NUL byte) and text that is not UTF-8 (a file saved as Latin-1);
- nesting deeper than :data:`MAX_DEPTH` (100,000 ``[`` would overflow the stack);
- duplicate keys in an object (JSON leaves their meaning open; ``json`` keeps the last);
- ``NaN``, ``Infinity`` and numbers of magnitude above :data:`MAX_MAGNITUDE`
  (a 400-digit number would overflow a float later).
"""

from __future__ import annotations

import json
import math

from archmodel.specs.errors import SpecError

#: deepest nesting of objects and arrays a spec may have; shipped specs reach 5 [-]
MAX_DEPTH = 64
#: largest magnitude of any number in a spec; 10^30 in SI is beyond every physical
#: quantity a chip, GPU or workload holds (a GPU's FLOP/s is ~10^15) [-]
MAX_MAGNITUDE = 1e30
#: largest spec file read [byte]; the shipped ones are < 20 kB
MAX_BYTES = 16 * 1024 * 1024


class _Refused:
    """A number the parser met but a spec may not hold; reported with its JSON path by :func:`_check`."""

    def __init__(self, text: str, reason: str):
        self.text = text
        self.reason = reason


class _Object(dict):
    """A JSON object that remembers keys given more than once."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, object]]) -> _Object:
    node = _Object(pairs)
    if len(node) != len(pairs):
        seen: set[str] = set()
        node.duplicates = tuple(key for key, _ in pairs if key in seen or seen.add(key))
    return node


def _integer(text: str) -> int | _Refused:
    digits = len(text.lstrip("-"))
    if digits > 31 or abs(int(text)) > MAX_MAGNITUDE:
        return _Refused(text, f"a number with {digits} digits is out of range (magnitude at most 1e30)")
    return int(text)


def _float(text: str) -> float | _Refused:
    value = float(text)
    if not abs(value) <= MAX_MAGNITUDE:
        return _Refused(text, "a number out of range (magnitude at most 1e30)")
    return value


def _constant(text: str) -> _Refused:
    return _Refused(text, f"{text} is not a finite number (JSON has no NaN or Infinity)")


def _short(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:12]}…{text[-6:]}"


def _check(node: object, file: str, path: str, depth: int) -> object:
    """``node`` as plain dicts and lists, or a :class:`SpecError` at the first refused value."""
    if depth > MAX_DEPTH:
        raise SpecError(file, path, f"nested deeper than {MAX_DEPTH} levels; a spec is a shallow JSON object")
    if isinstance(node, _Refused):
        raise SpecError(file, path, f"expected a finite number, got {_short(node.text)}: {node.reason}")
    if isinstance(node, dict):
        duplicates = getattr(node, "duplicates", ())
        if duplicates:
            raise SpecError(file, f"{path}.{duplicates[0]}", "key given twice in one object; keep one")
        return {key: _check(value, file, f"{path}.{key}", depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [_check(value, file, f"{path}[{index}]", depth + 1) for index, value in enumerate(node)]
    return node


def decode_text(data: bytes, file: str) -> str:
    """``data`` as UTF-8 text (a leading byte-order mark allowed), else a :class:`SpecError`."""
    if len(data) > MAX_BYTES:
        raise SpecError(file, "$", f"file of {len(data)} bytes is too large for a spec (at most {MAX_BYTES})")
    if b"\x00" in data[:65536]:
        raise SpecError(file, "$", "a binary file, not JSON text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpecError(
            file, "$", f"not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line}; save the file as UTF-8"
        ) from None


def parse_spec_json(data: bytes, file: str) -> object:
    """Parse the bytes of a spec file strictly (see the module docstring)."""
    text = decode_text(data, file)
    try:
        document = json.loads(
            text, object_pairs_hook=_object, parse_int=_integer, parse_float=_float, parse_constant=_constant
        )
    except json.JSONDecodeError as exc:
        raise SpecError(file, "$", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise SpecError(file, "$", f"nested deeper than {MAX_DEPTH} levels; a spec is a shallow JSON object") from None
    return _check(document, file, "$", 0)


def is_finite_number(value: object) -> bool:
    """True for an int or float (not a bool) that is finite and within :data:`MAX_MAGNITUDE`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_MAGNITUDE
    return math.isfinite(value) and abs(value) <= MAX_MAGNITUDE
