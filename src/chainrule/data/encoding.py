"""Input columns to numbers: which columns, one-hot categories, missing values.

The encoding of each input column is fitted on the training rows only and
saved as plain JSON in the model's metadata (a list of dicts):

- ``{"name": "age", "kind": "number", "fill": 41.0}``: a number (booleans
  are 1/0); a missing cell takes ``fill``, the median of the training rows;
- ``{"name": "city", "kind": "category", "fill": "Oslo", "categories":
  ["Bergen", "Oslo"]}``: one 0/1 input per category (``city=Bergen``,
  ``city=Oslo``); a missing cell takes ``fill``, the most frequent category
  of the training rows (the first in sorted order on a tie); a category
  not seen in training gets all zeros and is counted in the report.

Dates are refused with a message saying how to turn them into numbers.

Examples
--------
>>> import numpy as np
>>> from chainrule.data.frame import Table
>>> t = Table(["age", "city"], {"age": np.array([30.0, np.nan, 50.0]),
...                             "city": np.array(["Oslo", "", "Bergen"])})
>>> spec = fit_columns(t, ["age", "city"], np.arange(3))
>>> spec[0]["fill"], spec[1]["categories"], spec[1]["fill"]
(40.0, ['Bergen', 'Oslo'], 'Bergen')
>>> X, report = encode(t, spec)
>>> feature_names(spec), report["age"].missing
(['age', 'city=Bergen', 'city=Oslo'], 1)
>>> X
array([[30.,  0.,  1.],
       [40.,  1.,  0.],
       [50.,  1.,  0.]])
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass

import numpy as np

from chainrule.data.categories import MAX_CATEGORIES, fit_category
from chainrule.data.frame import Table
from chainrule.data.matrix import CategoryColumn, NumberColumn, fill_matrix
from chainrule.data.numbers import label_text
from chainrule.data.parallel import map_columns
from chainrule.data.scaling import Scaler
from chainrule.errors import ConfigError, DataFileError, ModelFileError

Array = np.ndarray

#: Names pandas gives its index when it writes a table (Parquet, CSV).
#: Text that may be a number written with a unit, separators or a comma.
_NUMBER_LIKE = re.compile(r"^[^A-Za-z]*[0-9][^A-Za-z]*$")
_INDEX = re.compile(r"^(__index_level_\d+__|Unnamed: \d+|index)$")


@dataclass
class ColumnReport:
    """What :func:`encode` did to one column of a table."""

    missing: int = 0
    unseen: int = 0
    example: str = ""


def choose_inputs(
    table: Table,
    targets: list[str],
    inputs: list[str] | None = None,
    drop: list[str] | tuple = (),
    id_column: str | None = None,
) -> list[str]:
    """The input columns: ``inputs``, or every column but targets, ``drop``, ID.

    Raises
    ------
    DataFileError
        A named column is not in the table.
    ConfigError
        The ID or an input is also a target, or no input is left.
    """
    for flag, names in (("--drop", drop), ("--id", [id_column] if id_column else [])):
        for name in names:
            if name not in table.columns and name not in table.groups:
                raise ConfigError(
                    f"{flag}: no column {name!r}; columns are {table.names}"
                )
    if id_column in targets:
        raise ConfigError(f"--id: {id_column!r} is the target")
    if inputs is not None:
        chosen = table.expand(inputs)
        clash = [c for c in chosen if c in targets or c == id_column]
        if clash:
            raise ConfigError(f"--inputs: {clash[0]!r} is the target or the --id")
    else:
        gone = set(targets) | set(table.expand(list(drop))) | {id_column}
        chosen = [c for c in table.names if c not in gone]
    if not chosen:
        raise ConfigError(
            f"--target: no input column is left (targets {targets}, --drop "
            f"{list(drop)}, --id {id_column})"
        )
    return chosen


def id_like(table: Table, inputs: list[str]) -> list[str]:
    """Inputs that look like identifiers: pandas' index names, or a value per row.

    From 10 rows on: a text column with a different value in every row (not
    numbers written as text), or an integer column whose values are all
    different and either consecutive once sorted (``0 ... n-1`` or ``1001 ...
    1000+n``) or increasing down the file (``respondent`` numbers).
    """
    out = []
    for name in inputs:
        col = table.columns[name]
        if _INDEX.match(name):
            out.append(name)
        elif table.n_rows < 10:
            continue
        elif col.dtype.kind == "f":  # the cheap conditions before the count
            ok = np.isfinite(col).all() and np.all(col == np.round(col))
            if ok and _all_different(col):
                span = col.max() - col.min() + 1
                if len(col) == span or np.all(np.diff(col) > 0):
                    out.append(name)
        elif sum(_NUMBER_LIKE.match(v) is not None for v in col[:50]) * 2 < min(
            50, len(col)
        ) and _all_different(col):
            out.append(name)
    return out


def _all_different(col: Array) -> bool:
    """Whether every value of ``col`` is different (a repeat among the first
    rows answers without counting the whole column)."""
    head = col[:4096]
    if len(np.unique(head)) != len(head):
        return False
    return len(np.unique(col)) == len(col)


def _date_error(table: Table, name: str) -> DataFileError:
    col = table.columns[name]
    example = next((str(v) for v in col if str(v)), "")
    return DataFileError(
        f"{table.source}: column {name!r} holds dates (e.g. {example!r:.40}); a "
        "network needs numbers: add columns such as the year, month, day of week "
        "or days since a start date, and leave this one out with --drop "
        + shlex.quote(name)
    )


def _missing_error(table: Table, name: str, row: int) -> DataFileError:
    return DataFileError(
        f"{table.source}: {table.where(row)}, column {name!r}: missing value; "
        "pass --missing impute to fill it (median or most frequent category of "
        "the training rows)"
    )


def _check_finite(table: Table, name: str, values: Array) -> None:
    bad = np.flatnonzero(np.isinf(values))
    if bad.size:
        raise DataFileError(
            f"{table.source}: {table.where(int(bad[0]))}, column {name!r}: expected "
            f"a finite number, got {values[bad[0]]}"
        )


def fit_columns(
    table: Table,
    inputs: list[str],
    rows: Array,
    missing: str = "impute",
    categorical: list[str] | tuple = (),
) -> list[dict]:
    """The encoding of each input column, fitted on ``rows`` of ``table``.

    Parameters
    ----------
    table : Table
    inputs : list of str
    rows : (m,) int array
        The training rows: fills and categories come from them alone.
    missing : {"impute", "error"}
        Whether a missing cell (in any row) is filled or an error.
    categorical : list of str
        Columns whose values are categories even when they are numbers
        (codes such as ``1, 2, 3``): one-hot inputs, as written.

    Raises
    ------
    DataFileError
        A date column, an infinite number, a missing cell under
        ``missing="error"``, a column with no value, or too many categories.
    """
    if missing not in ("impute", "error"):
        raise ConfigError(f"--missing: expected impute or error, got {missing!r}")
    for name in inputs:  # refused before any work
        if table.kinds.get(name) == "date":
            raise _date_error(table, name)

    def one(name: str) -> dict:
        col = table.columns[name]
        if name in categorical:
            col = column_text(table, name)
        numeric = col.dtype.kind == "f"
        if missing == "error":
            miss = np.isnan(col) if numeric else col == ""
            if miss.any():
                raise _missing_error(table, name, int(np.flatnonzero(miss)[0]))
        if not numeric:  # counted per distinct cell
            values, codes = text_factors(table, name, col)
            counts = np.bincount(codes[rows], minlength=len(values))
            if counts[values != ""].any():
                return fit_category(table, name, values, counts, name in categorical)
        else:
            part = col[rows]
            part = part[~np.isnan(part)]
            if part.size:
                _check_finite(table, name, col)
                return {"name": name, "kind": "number", "fill": _median(part)}
        raise DataFileError(
            f"{table.source}: column {name!r} has no value in the training "
            f"rows; leave it out with --drop {shlex.quote(name)}"
        )

    return map_columns(one, inputs, table.n_rows)  # a thread per column


def text_factors(table: Table, name: str, text: Array) -> tuple[Array, Array]:
    """:meth:`Table.factors` of column ``name`` when ``text`` is that column
    (found once, or by the reader), else of ``text`` itself (a numeric
    column's cells as text, ``--categorical``)."""
    if text is table.columns.get(name):
        return table.factors(name)
    values = np.unique(text)
    return values, np.searchsorted(values, text)


def _median(values: Array) -> float:
    """The median of ``values``, a copy of the column's that it reorders."""
    return float(np.median(values, overwrite_input=True))


def feature_names(spec: list[dict]) -> list[str]:
    """The network's input names: a column, or ``column=category`` per category."""
    out = []
    for c in spec:
        if c["kind"] == "number":
            out.append(c["name"])
        else:
            out.extend(f"{c['name']}={v}" for v in c["categories"])
    return out


def column_text(table: Table, name: str) -> Array:
    """A column's cells as text, numbers as written (missing ``""``).

    For categories read as numbers in a batch, and for ID columns.
    """
    col = table.columns[name]
    if col.dtype.kind != "f":
        return col
    text = table.exact_text(name)
    if text is None:  # each distinct number written once
        values, codes = np.unique(col, return_inverse=True)
        text = np.array([label_text(float(v)) for v in values], dtype=str)
        text = text[codes.ravel()]
    return np.where(np.isnan(col), "", text)


def encode(
    table: Table, spec: list[dict], dtype=np.float64
) -> tuple[Array, dict[str, ColumnReport]]:
    """The (n, n_features) inputs of ``table`` under ``spec``.

    The matrix is allocated once, in ``dtype``, and filled in place a block
    of rows at a time (:func:`chainrule.data.matrix.fill_matrix`).

    Returns
    -------
    X : (n, n_features) array of ``dtype``
    report : dict of str to ColumnReport
        Missing cells filled and unseen categories, per column.

    Raises
    ------
    DataFileError
        A column is missing, a number column holds text, or a number is
        infinite.
    """
    columns = _columns(table, spec)
    X = fill_matrix(table.n_rows, columns, dtype)
    return X, _report(table, spec, columns)


def encode_scaled(
    table: Table,
    spec: list[dict],
    rows: Array,
    method: str,
    dtype=np.float64,
    order: Array | None = None,
) -> tuple[Array, dict[str, ColumnReport], Scaler]:
    """:func:`encode`, scaled by ``method`` fitted on ``rows``, in one pass.

    The scaler is fitted input by input on the training ``rows``
    (:meth:`Scaler.fit_columns`: the scaler of ``encode(...)[0][rows]``) and
    applied to each block of rows as it is written: the matrix is made once
    and never copied. ``order`` (a permutation of the table's rows) is the
    table row of each row of ``X`` (:func:`~chainrule.data.matrix.fill_matrix`);
    the table's order by default.

    Returns
    -------
    X : (n, n_features) array of ``dtype``, scaled, its rows in ``order``
    report : dict of str to ColumnReport
    scaler : Scaler
    """
    columns = _columns(table, spec)
    if method == "none":  # nothing to fit, nothing to apply
        scaler = Scaler.fit(method, np.zeros((1, sum(c.width for c in columns))))
        X = fill_matrix(table.n_rows, columns, dtype, order=order)
    else:
        parts = map_columns(  # a thread per column
            lambda c: Scaler.fit_columns(method, c.training(rows)),
            columns,
            table.n_rows,
        )
        scaler = Scaler.concat(method, parts)
        X = fill_matrix(table.n_rows, columns, dtype, scaler, order)
    return X, _report(table, spec, columns), scaler


def _columns(table: Table, spec: list[dict]) -> list:
    columns = []
    for c in spec:
        name = table.expand([c["name"]])[0]
        if c["kind"] == "number":
            if table.columns[name].dtype.kind != "f":
                table.numbers([name])  # raises, naming the first bad cell
            col = table.columns[name]
            _check_finite(table, name, col)
            columns.append(NumberColumn(col, c["fill"]))
        else:
            text = column_text(table, name)
            factors = text_factors(table, name, text)
            columns.append(CategoryColumn(text, c["categories"], c["fill"], factors))
    return columns


def _report(table: Table, spec: list[dict], columns: list) -> dict[str, ColumnReport]:
    report = {}
    for c, column in zip(spec, columns, strict=True):
        name = table.expand([c["name"]])[0]
        report[name] = ColumnReport(column.missing, column.unseen, column.example)
    return report


def check_spec(spec: object, n_inputs: int) -> list[dict]:
    """Column encodings from a model's metadata, checked (hostile files).

    Raises
    ------
    ModelFileError
        Not a list of valid encodings, or not ``n_inputs`` features.
    """
    ok = isinstance(spec, list) and all(_valid(c) for c in spec)
    if not ok or len(feature_names(spec)) != n_inputs:
        raise ModelFileError(
            f"model metadata: 'columns' should describe {n_inputs} inputs, got "
            f"{spec!r:.200}"
        )
    return spec


def _valid(c: object) -> bool:
    if not isinstance(c, dict) or not isinstance(c.get("name"), str):
        return False
    fill, kind = c.get("fill"), c.get("kind")
    if kind == "number":
        return isinstance(fill, (int, float)) and math.isfinite(fill)
    cats = c.get("categories")
    return (
        kind == "category"
        and isinstance(fill, str)
        and isinstance(cats, list)
        and all(isinstance(v, str) for v in cats)
        and len(set(cats)) == len(cats)
    )


__all__ = [
    "MAX_CATEGORIES",
    "ColumnReport",
    "check_spec",
    "choose_inputs",
    "column_text",
    "encode",
    "encode_scaled",
    "feature_names",
    "fit_columns",
    "id_like",
]
