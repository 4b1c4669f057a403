"""Write and read sweep tables as Parquet or CSV, atomically, units included.

(Large sweeps stream to a dataset directory instead: :mod:`archmodel.sweep.dataset`;
:func:`read_table` reads those too.)

Parquet keeps plain column names and stores ``attrs["units"]`` in the
file's metadata.  CSV has no metadata, so its header names carry the unit
in brackets (``latency [s]``); :func:`read_table` strips them back off.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from archmodel.files import atomic_write, require_folder
from archmodel.specs import UsageError

#: file suffixes :func:`write_table` understands
FORMATS = (".parquet", ".csv")

_UNIT_HEADER = re.compile(r"^(?P<name>.*?) \[(?P<unit>[^\]]*)\]$")


def table_format(path: str | Path) -> str:
    """``.parquet`` or ``.csv`` from the path's suffix; anything else is a usage error."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"{path}: unknown table format {suffix or '(no suffix)'!r}; expected {' or '.join(FORMATS)}")
    return suffix


def csv_text(frame: pd.DataFrame) -> str:
    """The table as CSV text with units in the header (``latency [s]``)."""
    units = frame.attrs.get("units", {})
    headers = [f"{column} [{units[column]}]" if units.get(column) else column for column in frame.columns]
    return frame.to_csv(index=False, header=headers)


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` (Parquet or CSV by suffix), atomically."""
    path = require_folder(path)
    suffix = table_format(path)
    if suffix == ".parquet":
        return atomic_write(path, lambda temporary: frame.to_parquet(temporary, index=False))
    return atomic_write(path, lambda temporary: Path(temporary).write_text(csv_text(frame), encoding="utf-8"))


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a table written by :func:`write_table`, or a whole sweep dataset directory, with ``attrs["units"]``."""
    path = Path(path)
    if path.is_dir():
        from archmodel.sweep.dataset import Dataset

        return Dataset.open(path).read()
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        if table_format(path) == ".parquet":
            return pd.read_parquet(path)
        frame = pd.read_csv(path)
    except (OSError, ValueError, pd.errors.ParserError) as error:  # pyarrow's ArrowInvalid is a ValueError
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UsageError(f"{path}: cannot read it as a {table_format(path)} table ({reason})") from None
    names, units = [], {}
    for header in frame.columns:
        match = _UNIT_HEADER.match(header)
        name, unit = (match["name"], match["unit"]) if match else (header, "")
        names.append(name)
        units[name] = unit
    frame.columns = names
    frame.attrs["units"] = units
    return frame
