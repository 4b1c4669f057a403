"""Where every number of a report comes from: spec provenance and calibration labels as tables."""

from __future__ import annotations

import pandas as pd

PROVENANCE_COLUMNS = {"spec": "", "file": "", "path": "", "value": "as written", "kind": "", "source": ""}
CALIBRATION_COLUMNS = {"chip": "", "scenario": "", "labels": ""}

#: top-level text fields that describe a spec rather than parametrise it
DESCRIPTIVE_KEYS = {"name", "description", "source", "kind"}


def _leaves(node: object, path: str):
    """(JSON path, value) of every leaf of a plain JSON document; lists of scalars are one leaf."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}")
    elif isinstance(node, list) and any(isinstance(item, (dict, list)) for item in node):
        for index, value in enumerate(node):
            yield from _leaves(value, f"{path}[{index}]")
    else:
        yield path, node


def _is_parameter(path: str, value: object, has_record: bool) -> bool:
    if path.count(".") == 1 and path[2:] in DESCRIPTIVE_KEYS:
        return False
    if has_record or isinstance(value, (int, float, bool, list)):
        return True
    return isinstance(value, str) and value[:1].isdigit()


def spec_provenance(spec) -> pd.DataFrame:
    """Every parameter of ``spec`` (numbers, quantities, stated choices) with its recorded origin."""
    records = spec.provenance
    rows = []
    for path, value in _leaves(spec.raw, "$"):
        record = records.get(path)
        if not _is_parameter(path, value, record is not None):
            continue
        rows.append({
            "spec": spec.name, "file": spec.file, "path": path,
            "value": _written(record.raw if record else value),
            "kind": record.kind if record else "not stated",
            "source": record.text if record else "",
        })
    return pd.DataFrame(rows, columns=list(PROVENANCE_COLUMNS))


def _written(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def provenance_table(chips: list, scenarios: list) -> pd.DataFrame:
    """Provenance of every chip and workload a report used (each spec once)."""
    seen, frames = set(), []
    for spec in [chip.spec for chip in chips] + [scenario.workload for scenario in scenarios]:
        if (spec.file, spec.name) in seen:
            continue
        seen.add((spec.file, spec.name))
        frames.append(spec_provenance(spec))
    frame = pd.concat(frames, ignore_index=True)
    frame.attrs["units"] = PROVENANCE_COLUMNS
    return frame


def calibration_table(points: pd.DataFrame) -> pd.DataFrame:
    """The calibration labels (measured or predicted) each chip carried in each scenario."""
    frame = (points[["chip_label", "scenario_label", "labels"]].drop_duplicates()
             .rename(columns={"chip_label": "chip", "scenario_label": "scenario"}).reset_index(drop=True))
    frame["labels"] = frame["labels"].replace("", "none: the spec carries no calibration")
    frame.attrs["units"] = CALIBRATION_COLUMNS
    return frame
