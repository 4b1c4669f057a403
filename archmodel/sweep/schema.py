"""Column schema of sweep results: the one place that names every column and its unit.

A sweep produces four tidy tables (units SI, recorded in ``DataFrame.attrs["units"]``):

``points``
    one row per chip × workload × variant × context: the headline figures.
    Swept spec fields are extra columns named by their dotted path
    (``chip.array.rows``, ``workload.attention.window``), unit from the field.
``energy``
    long table of the energy breakdown: one row per variant × context ×
    (``breakdown`` = ``group`` or ``component``) × name.
``phases``
    one row per variant × context × op: critical-path and hidden latency.
``areas``
    one row per variant × component (area does not depend on context).

``variant`` is an integer key shared by the four tables; ``chip`` and
``workload`` are the spec names, repeated for convenience.  Figures a chip
kind does not model are NaN: ``area`` of a GPU, the ``floor_*`` columns of
an analog chip.
"""

from __future__ import annotations

#: the headline table, before the swept-field columns (inserted after ``overrides``)
POINT_COLUMNS: dict[str, str] = {
    "variant": "",
    "chip": "",
    "chip_file": "",
    "workload": "",
    "workload_file": "",
    "overrides": "",
    "scope": "",
    "batch": "sequence",
    "context": "token",
    "latency": "s",
    "time_per_token": "s",
    "energy": "J",
    "energy_per_token": "J",
    "area": "m^2",
    "floor_latency": "s",
    "floor_time_per_token": "s",
    "floor_energy": "J",
    "floor_energy_per_token": "J",
    "labels": "",
}

#: the energy breakdown, long format
ENERGY_COLUMNS: dict[str, str] = {
    "variant": "",
    "chip": "",
    "workload": "",
    "context": "token",
    "breakdown": "",
    "name": "",
    "energy": "J",
    "energy_per_token": "J",
}

#: latency per op on the critical path, and time hidden by overlap
PHASE_COLUMNS: dict[str, str] = {
    "variant": "",
    "chip": "",
    "workload": "",
    "context": "token",
    "op": "",
    "latency": "s",
    "hidden_latency": "s",
}

#: silicon area per component
AREA_COLUMNS: dict[str, str] = {
    "variant": "",
    "chip": "",
    "workload": "",
    "component": "",
    "group": "",
    "area": "m^2",
}

#: values of the ``breakdown`` column of the energy table
BREAKDOWNS = ("group", "component")

#: name of each table → its fixed columns
TABLES: dict[str, dict[str, str]] = {
    "points": POINT_COLUMNS,
    "energy": ENERGY_COLUMNS,
    "phases": PHASE_COLUMNS,
    "areas": AREA_COLUMNS,
}


def point_columns(swept: dict[str, str]) -> dict[str, str]:
    """Columns of the points table with the swept fields inserted after ``overrides``.

    Parameters
    ----------
    swept : dict
        Column name of each swept field (``chip.array.rows``) → its unit.
    """
    columns: dict[str, str] = {}
    for name, unit in POINT_COLUMNS.items():
        columns[name] = unit
        if name == "overrides":
            columns.update({field: unit for field, unit in swept.items() if field not in POINT_COLUMNS})
    return columns
