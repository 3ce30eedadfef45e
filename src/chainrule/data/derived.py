"""Input columns made from others before encoding: date parts, missing flags.

Both are chosen on the training rows, recorded in the model's metadata and
made again from the same columns of any table a prediction reads
(:func:`apply_derived`), so the network sees the same inputs:

- ``dates="expand"`` (``chainrule train --dates expand``): each date column
  (:func:`chainrule.data.judge.date_columns`: ISO 8601 text such as
  ``2024-01-31`` or ``2024-01-31T08:30:00Z``, or Arrow's date and timestamp
  types) becomes the number columns ``COL year``, ``COL month`` (1-12),
  ``COL day`` (1-31), ``COL weekday`` (Monday 0 to Sunday 6) and, when a
  training cell has a time, ``COL hour`` (0-23, the time as written, its
  offset ignored); a missing date makes missing parts, filled as any
  number. Recorded as ``"dates": {"COL": ["year", ...]}``. With
  ``dates="error"`` (the default) a date column is refused, naming both
  fixes (:func:`chainrule.data.judge.date_error`);
- ``missing_indicator=True`` (``--missing-indicator``): each input column
  with a missing cell in the training rows gets a 0/1 number column
  ``COL missing`` (1 where the cell is missing), as scikit-learn's
  ``MissingIndicator(features="missing-only")``; the cells themselves are
  still filled (:mod:`chainrule.data.encoding`). Recorded as
  ``"missing_indicators": ["COL", ...]``; a prediction makes the same
  columns even where the new table has no missing cell.

Examples
--------
>>> import numpy as np
>>> from chainrule.data.frame import Table
>>> t = Table(["when", "x"], {"when": np.array(["2024-01-31", "", "2024-03-02"]),
...                           "x": np.array([1.0, np.nan, 3.0])},
...           kinds={"when": "date"})
>>> t2, names, record = fit_derived(t, ["when", "x"], np.arange(3),
...                                 dates="expand", missing_indicator=True)
>>> names  # doctest: +NORMALIZE_WHITESPACE
['when year', 'when month', 'when day', 'when weekday', 'x',
 'when missing', 'x missing']
>>> record["dates"], record["missing_indicators"]
({'when': ['year', 'month', 'day', 'weekday']}, ['when', 'x'])
>>> t2.columns["when weekday"], t2.columns["x missing"]
(array([ 2., nan,  5.]), array([0., 1., 0.]))
>>> apply_derived(t, record).columns["when month"]
array([ 1., nan,  3.])
>>> file_columns(record, names)  # the file's columns the inputs come from
['when', 'x']
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace

import numpy as np

from chainrule.data.frame import Table
from chainrule.data.judge import date_columns, date_error
from chainrule.errors import ConfigError, DataFileError, ModelFileError

Array = np.ndarray

#: The parts of a date, in the order of their columns (``hour`` only when a
#: training cell has a time).
DATE_PARTS = ("year", "month", "day", "weekday", "hour")
#: ``--dates``: refuse date columns (``error``) or expand them to their parts.
DATES = ("error", "expand")
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


def missing_cells(col: Array) -> Array:
    """(n,) bool: the missing cells of a column (NaN, or ``""`` in text)."""
    return np.isnan(col) if col.dtype.kind == "f" else col == ""


def date_parts(table: Table, name: str) -> tuple[dict[str, Array], bool]:
    """The parts of a date column as float64 columns (missing: NaN).

    Each distinct cell is parsed once.

    Returns
    -------
    parts : dict of str to (n,) array
        One entry per name of :data:`DATE_PARTS`.
    timed : bool
        Whether a present cell has a time.

    Raises
    ------
    DataFileError
        A present cell is not an ISO 8601 date, or not a day of the calendar.
    """
    col = table.columns[name]
    n = len(col)
    if col.dtype.kind == "f":  # no text at all: every cell missing
        if not np.isnan(col).all():
            raise DataFileError(
                f"{table.source}: column {name!r}: expected dates such as "
                f"2024-01-31, got numbers (e.g. {col[~np.isnan(col)][0]!r})"
            )
        return {p: np.full(n, np.nan) for p in DATE_PARTS}, False
    cells, inverse = np.unique(col, return_inverse=True)
    values = np.full((len(cells), len(DATE_PARTS)), np.nan)
    timed = False
    for i, cell in enumerate(cells):
        if cell == "":
            continue
        m = _ISO.match(str(cell))
        try:
            day = datetime.date(int(m[1]), int(m[2]), int(m[3])) if m else None
        except ValueError:
            day = None
        if day is None:
            row = int(np.flatnonzero(col == cell)[0])
            raise DataFileError(
                f"{table.source}: {table.where(row)}, column {name!r}: expected a "
                f"date such as 2024-01-31 or 2024-01-31T08:30, got {str(cell)!r:.60}"
            )
        hour = np.nan if m[4] is None else float(m[4])
        timed = timed or m[4] is not None
        values[i] = (day.year, day.month, day.day, day.weekday(), hour)
    out = values[inverse.ravel()]
    return {p: out[:, j] for j, p in enumerate(DATE_PARTS)}, timed


def fit_derived(
    table: Table,
    inputs: list[str],
    rows: Array,
    *,
    dates: str = "error",
    missing_indicator: bool = False,
) -> tuple[Table, list[str], dict]:
    """The table with the derived columns, the new inputs, and their record.

    Parameters
    ----------
    table : Table
    inputs : list of str
        The input columns.
    rows : (m,) int array
        The training rows: they decide which columns have a time and which
        have missing cells.
    dates : {"error", "expand"}
    missing_indicator : bool

    Returns
    -------
    table : Table
        ``table`` with the derived columns added.
    inputs : list of str
        Each date column replaced by its parts; the indicators at the end.
    record : dict
        ``dates`` and ``missing_indicators`` where there are any (for the
        model's metadata).

    Raises
    ------
    DataFileError
        A date column under ``dates="error"``, or a cell that is no date.
    ConfigError
        ``dates`` is not in :data:`DATES`, or a derived name is a column.
    """
    if dates not in DATES:
        raise ConfigError(f"--dates: expected error or expand, got {dates!r}")
    found = date_columns(table, inputs)
    if found and dates == "error":
        raise date_error(table, found[0])
    flags = []
    if missing_indicator:
        flags = [c for c in inputs if missing_cells(table.columns[c])[rows].any()]
    expand: dict[str, list[str]] = {}
    for name in found:
        parts, _ = date_parts(table, name)
        timed = bool(np.isfinite(parts["hour"][rows]).any())
        expand[name] = list(DATE_PARTS if timed else DATE_PARTS[:-1])
    record: dict = {}
    if expand:
        record["dates"] = expand
    if flags:
        record["missing_indicators"] = flags
    new_inputs = []
    for c in inputs:
        new_inputs += [f"{c} {p}" for p in expand[c]] if c in expand else [c]
    new_inputs += [f"{c} missing" for c in flags]
    return apply_derived(table, record), new_inputs, record


def apply_derived(table: Table, record: dict) -> Table:
    """``table`` with the columns a record of :func:`fit_derived` names.

    ``record`` is a model's metadata (or part of it): ``dates`` and
    ``missing_indicators`` are read, checked, and their columns made from
    the table's columns of the same names; a table without them is
    returned as it is.

    Raises
    ------
    ModelFileError
        The record is malformed (hostile metadata).
    DataFileError
        A column the record names is not in the table, or holds no dates.
    ConfigError
        A derived column's name is already a column of the table.
    """
    dates, flags = _checked(record)
    if not dates and not flags:
        return table
    added: dict[str, Array] = {}
    for name, parts in dates.items():
        values, _ = date_parts(table, _present(table, name))
        added.update({f"{name} {p}": values[p] for p in parts})
    for name in flags:
        col = table.columns[_present(table, name)]
        added[f"{name} missing"] = missing_cells(col).astype(np.float64)
    clash = [c for c in added if c in table.columns]
    if clash:
        raise ConfigError(
            f"{table.source}: column {clash[0]!r} is already in the table; "
            "rename it to use --dates expand or --missing-indicator"
        )
    return replace(
        table,
        names=[*table.names, *added],
        columns={**table.columns, **added},
        kinds={**table.kinds, **dict.fromkeys(added, "number")},
    )


def _present(table: Table, name: str) -> str:
    if name not in table.columns:
        raise DataFileError(
            f"{table.source}: no column {name!r}, which the model's inputs are "
            f"made from; columns are {table.names}"
        )
    return name


def _checked(record: object) -> tuple[dict[str, list[str]], list[str]]:
    """``dates`` and ``missing_indicators`` of a record, checked."""
    if not isinstance(record, dict):
        raise ModelFileError(f"model metadata: expected a dict, got {record!r:.80}")
    dates = record.get("dates") or {}
    flags = record.get("missing_indicators") or []
    ok = (
        isinstance(dates, dict)
        and all(
            isinstance(k, str)
            and isinstance(v, list)
            and v
            and all(p in DATE_PARTS for p in v)
            for k, v in dates.items()
        )
        and isinstance(flags, list)
        and all(isinstance(c, str) for c in flags)
    )
    if not ok:
        raise ModelFileError(
            f"model metadata: 'dates' {dates!r:.100} or 'missing_indicators' "
            f"{flags!r:.100} is malformed"
        )
    return dates, flags


def file_columns(record: dict, inputs: list[str]) -> list[str]:
    """The table's columns that ``inputs`` (the encoded columns) come from.

    A date's parts are its column, once, where its first part is; an
    indicator is left out (its column is an input, or a date's).
    """
    dates, flags = _checked(record)
    made = {f"{c} {p}": c for c, parts in dates.items() for p in parts}
    made.update({f"{c} missing": None for c in flags})
    out: list[str] = []
    for name in inputs:
        source = made.get(name, name)
        if source is not None and source not in out:
            out.append(source)
    return out


__all__ = [
    "DATES",
    "DATE_PARTS",
    "apply_derived",
    "date_parts",
    "file_columns",
    "fit_derived",
    "missing_cells",
]
