"""Column schema of the tidy result tables (one row per context × op × component).

Units are SI; they are recorded here once and attached to frames as
``DataFrame.attrs["units"]``.
"""

from __future__ import annotations

import numpy as np

from archmodel.specs.errors import UsageError

#: energy ledger: what each component spent
LEDGER_COLUMNS = {
    "context": "token",
    "op": "",
    "component": "",
    "group": "",
    "events": "",
    "energy": "J",
}

#: phase table: where the step's time goes
PHASE_COLUMNS = {
    "context": "token",
    "op": "",
    "latency": "s",
    "hidden_latency": "s",
    "cycles": "",
    "clock": "",
}

#: area table: one row per component
AREA_COLUMNS = {
    "component": "",
    "group": "",
    "area": "m^2",
}

SCOPES = ("head", "layer", "model")


#: most sequences decoded together: far above any serving batch (hundreds to a few thousand);
#: 10^12 would be a chip of square kilometres [sequence]
MAX_BATCH = 1_000_000


def check_batch(batch: object) -> int:
    """``batch`` if it is a positive integer (not a bool) up to :data:`MAX_BATCH`, else a :class:`UsageError`."""
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1:
        raise UsageError(f"batch must be a positive integer, got {batch!r}")
    if batch > MAX_BATCH:
        raise UsageError(f"batch must be at most {MAX_BATCH:,} sequences, got {batch:,}")
    return int(batch)


def check_scope(scope: str) -> str:
    """``scope`` if it is one of :data:`SCOPES`, else a :class:`UsageError`."""
    if scope not in SCOPES:
        raise UsageError(f"unknown scope {scope!r}; expected one of {', '.join(SCOPES)}")
    return scope

#: task table: the schedule of one layer on one unit (one row per context × task)
TASK_COLUMNS = {
    "context": "token",
    "task": "",
    "op": "",
    "sequence": "",
    "turn": "",
    "resources": "",
    "start": "s",
    "end": "s",
    "start_cycle": "cycle",
    "end_cycle": "cycle",
}

#: resource table: how busy each resource of one unit is during one layer's step
RESOURCE_COLUMNS = {
    "context": "token",
    "resource": "",
    "count": "",
    "busy": "s",
    "utilisation": "",
}
