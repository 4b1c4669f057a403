"""Where each number comes from.

In JSON any value may be wrapped::

    {"value": "15 ns", "source": "Leroux 2025, Methods eq. 3"}
    {"value": "2.57 pJ", "derivation": "(330 pJ - 128 x 10 fJ) / 128"}
    {"value": "1 GHz", "assumption": "typical 28 nm digital clock; the paper gives none"}

:func:`extract_provenance` strips the wrappers, returning the plain document
that pydantic validates and a map from JSON path to :class:`Provenance`.
Reports list these records next to the numbers they used.
"""

from __future__ import annotations

from dataclasses import dataclass

from archmodel.specs.errors import SpecError

KINDS = ("source", "derivation", "assumption", "measurement")
WRAPPER_KEYS = {"value", "note", *KINDS}


@dataclass(frozen=True)
class Provenance:
    """The origin of one number.

    Attributes
    ----------
    kind : str
        ``source`` (paper, datasheet), ``derivation`` (arithmetic on sourced
        numbers, written out), ``assumption`` (with the reason) or
        ``measurement``.
    text : str
        The citation, arithmetic or reason.
    raw : object
        The value as written in the file (``"15 ns"``).
    """

    kind: str
    text: str
    raw: object
    note: str = ""


def _is_wrapper(node: object) -> bool:
    return isinstance(node, dict) and "value" in node and set(node) <= WRAPPER_KEYS


def extract_provenance(document: object, file: str) -> tuple[object, dict[str, Provenance]]:
    """Return ``document`` without provenance wrappers, and the records by JSON path."""
    records: dict[str, Provenance] = {}

    def walk(node: object, path: str) -> object:
        if _is_wrapper(node):
            kinds = [kind for kind in KINDS if kind in node]
            if len(kinds) != 1:
                raise SpecError(file, path, f"a wrapped value needs exactly one of {', '.join(KINDS)}; got {sorted(node)}")
            text = node[kinds[0]]
            if not isinstance(text, str) or not text.strip():
                raise SpecError(file, f"{path}.{kinds[0]}", f"expected a non-empty string, got {text!r}")
            records[path] = Provenance(kinds[0], text, node["value"], str(node.get("note", "")))
            return walk(node["value"], path)
        if isinstance(node, dict):
            return {key: walk(value, f"{path}.{key}") for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value, f"{path}[{index}]") for index, value in enumerate(node)]
        return node

    return walk(document, "$"), records
