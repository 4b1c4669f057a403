"""Loading specs from JSON with errors that name the file and JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from archmodel.specs.errors import SpecError, UsageError, json_path
from archmodel.specs.fields import field_info
from archmodel.specs.jsontext import parse_spec_json
from archmodel.specs.plausibility import warn_implausible
from archmodel.specs.provenance import Provenance, extract_provenance
from archmodel.specs.registry import CHIP_KINDS
from archmodel.specs.strict import check_strict_types
from archmodel.specs.workload import Workload


def read_json(path: str | Path) -> dict:
    """Read a JSON object from ``path`` strictly (:mod:`archmodel.specs.jsontext`); every failure is a :class:`SpecError`."""
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(name, "$", "file not found") from None
    except OSError as exc:
        raise SpecError(name, "$", f"cannot read file ({exc.strerror})") from None
    document = parse_spec_json(data, name)
    if not isinstance(document, dict):
        raise SpecError(name, "$", f"expected a JSON object, got {type(document).__name__}")
    return document


def _describe(error: dict, noun: str) -> str:
    kind = error["type"]
    found = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field (not part of {noun}; check the spelling)"
    message = error["msg"]
    message = message.removeprefix("Value error, ")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return f"{message.lower()}, got {found!r}"
    if kind == "literal_error":
        return f"{message.lower()}, got {found!r}"
    if isinstance(found, (int, float, str, bool)) and repr(found) not in message:
        return f"{message}, got {found!r}"
    return message


def spec_error(error: ValidationError, file: str, noun: str = "this spec") -> SpecError:
    """The first problem of a pydantic ``error`` as a one-line :class:`SpecError` naming file and JSON path."""
    errors = error.errors()
    first = errors[0]
    location = tuple(part for part in first["loc"] if not _is_union_tag(part))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return SpecError(file, json_path(location), _describe(first, noun) + more)


def validate(model: type[BaseModel], document: dict, file: str) -> BaseModel:
    """Validate a provenance-wrapped ``document`` as ``model``, attaching file and provenance."""
    plain, records = extract_provenance(document, file)
    check_strict_types(model, plain, file)
    try:
        spec = model.model_validate(plain)
    except ValidationError as exc:
        raise spec_error(exc, file) from None
    spec._file = file
    spec._provenance = records
    spec._raw = plain
    warn_implausible(spec)
    return spec


def _is_union_tag(part: object) -> bool:
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def chip_from_dict(document: dict, file: str = "<dict>") -> BaseModel:
    """Validate a chip document, choosing the spec class by its ``kind``."""
    kind = document.get("kind")
    if kind is None:
        raise SpecError(file, "$.kind", f"required field is missing; expected one of {sorted(CHIP_KINDS)}")
    wrapped_kind = kind.get("value") if isinstance(kind, dict) and "value" in kind else kind
    if not isinstance(wrapped_kind, str):
        raise SpecError(
            file, "$.kind", f"expected a string, one of {sorted(CHIP_KINDS)}, got {json.dumps(wrapped_kind)[:60]}"
        )
    model = CHIP_KINDS.get(wrapped_kind)
    if model is None:
        raise SpecError(file, "$.kind", f"unknown chip kind {wrapped_kind!r}; expected one of {sorted(CHIP_KINDS)}")
    return validate(model, document, file)


def _merge(base: object, update: object) -> object:
    """Deep-merge ``update`` into ``base``; provenance wrappers and scalars replace whole."""
    plain = isinstance(base, dict) and isinstance(update, dict) and "value" not in base and "value" not in update
    if not plain:
        return update
    merged = dict(base)
    for key, value in update.items():
        merged[key] = _merge(base[key], value) if key in base else value
    return merged


def resolve_extends(document: dict, path: Path, seen: tuple[Path, ...] = ()) -> dict:
    """Apply ``"extends": "other.json"`` (relative to ``path``): the other file, with this one's fields on top."""
    if "extends" not in document:
        return document
    parent = document["extends"]
    if not isinstance(parent, str):
        raise SpecError(str(path), "$.extends", f"expected a file name, got {parent!r}")
    base_path = (path.parent / parent).resolve()
    if base_path in seen or base_path == path.resolve():
        raise SpecError(str(path), "$.extends", f"circular extends through {parent!r}")
    base = resolve_extends(read_json(base_path), base_path, seen + (path.resolve(),))
    update = {key: value for key, value in document.items() if key != "extends"}
    return _merge(base, update)


def split_calibration(path: str | Path) -> tuple[Path, str]:
    """``PATH#NAME`` → (PATH, NAME); ``PATH`` → (PATH, ""); an empty NAME after ``#`` is refused."""
    text, hash_sign, calibration = str(path).partition("#")
    if hash_sign and not calibration.strip():
        raise UsageError(f"{text}#: empty calibration name after '#'; write PATH#NAME, or PATH for the default")
    if not text:
        raise UsageError(f"{path}: no file name before '#'")
    return Path(text), calibration.strip()


def load_chip(path: str | Path) -> BaseModel:
    """Load a chip (gain-cell chip, GPU or system) from a JSON file (``extends`` resolved).

    ``PATH#NAME`` selects calibration ``NAME`` of a GPU instead of its default.
    """
    path, calibration = split_calibration(path)
    chip = chip_from_dict(resolve_extends(read_json(path), path), str(path))
    if chip.kind == "system":  # a host, attention chips and a link: load the parts it names
        from archmodel.specs.system import resolve_parts

        return resolve_parts(chip)
    if not calibration:
        return chip
    from archmodel.specs.gpu import GPU, with_calibration

    if not isinstance(chip, GPU):
        raise UsageError(f"{path}: only GPU specs have calibrations, cannot select {calibration!r}")
    return with_calibration(chip, calibration)


def load_workload(path: str | Path) -> Workload:
    """Load a workload JSON, a Hugging Face ``config.json`` (recognised by ``model_type``), a Llama
    ``.gguf`` file or the name of an installed model (``smollm2-135m``; :mod:`archmodel.specs.gguf_model`)."""
    from archmodel.specs.gguf_model import is_model_reference, workload_from_gguf

    if is_model_reference(path):
        return workload_from_gguf(path)
    document = read_json(path)
    if "model_type" in document or "architectures" in document:
        from archmodel.specs.huggingface import workload_from_hf_config

        return workload_from_hf_config(document, str(path))
    return validate(Workload, document, str(path))


def _copy_sharing_parts(system):
    """A copy of a loaded system sharing its parts (so part overrides never touch the original)."""
    copied = system.model_copy()
    copied._parts = dict(system._parts)
    for name in ("_file", "_provenance", "_raw"):
        if hasattr(system, name):
            setattr(copied, name, getattr(system, name))
    return copied


def with_overrides(spec: BaseModel, overrides: dict[str, object], label: str = "override") -> BaseModel:
    """A copy of ``spec`` with dotted-path fields replaced and re-validated.

    ``overrides`` maps paths like ``"array.rows"`` to JSON values (numbers or
    unit strings).  Unknown paths and invalid values raise :class:`SpecError`
    naming the path.
    """
    if getattr(spec, "kind", None) == "system":
        from archmodel.specs.system import split_part_path, with_part_overrides

        parts = {path: value for path, value in overrides.items() if split_part_path(path) is not None}
        if parts:
            own = {path: value for path, value in overrides.items() if path not in parts}
            return with_part_overrides(with_overrides(spec, own, label) if own else _copy_sharing_parts(spec), parts, label)
    document = copy.deepcopy(spec.raw)
    records = dict(spec.provenance)
    for dotted, value in overrides.items():
        keys = dotted.split(".")
        if field_info(type(spec), dotted) is None:
            raise UsageError(f"{spec.file}: unknown spec path {dotted!r} (not a field of {type(spec).__name__})")
        node = document
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[keys[-1]] = value
        records[f"$.{dotted}"] = Provenance("assumption", f"{label}: set to {value!r}", value)
    updated = validate(type(spec), document, f"{spec.file} [{label}]")
    updated._file = spec.file
    updated._provenance = records
    if getattr(updated, "kind", None) == "system":  # its parts are loaded from the paths it names
        from archmodel.specs.system import resolve_parts

        resolve_parts(updated)
    return updated
