"""Row weights of a table: balanced class weights and a weight column.

- ``class_weight="balanced"`` (``chainrule train --class-weight balanced``):
  each row of class *c* weighs ``n / (k · n_c)``, with *n* training rows,
  *k* classes and *n_c* training rows of class *c*: scikit-learn's
  ``compute_class_weight("balanced")``, so that every class carries the
  same total weight;
- a weight column (``--weight COL``): a numeric column of weights >= 0, one
  per row; not an input. A text, negative, infinite or missing weight is
  refused, naming the row.

Both together multiply. The fit takes the weights as ``sample_weight``
(each row's share of the cost and of every gradient).

Examples
--------
>>> import numpy as np
>>> class_weights(np.array([0, 0, 0, 1]), 2)
array([0.66666667, 2.        ])
>>> from chainrule.data.frame import Table
>>> t = Table(["w"], {"w": np.array([1.0, 0.5, -1.0])})
>>> try:
...     weight_column(t, "w")
... except DataFileError as exc:
...     print(exc)
table: row 3, column 'w': a weight must be a finite number >= 0 (--weight), got -1.0
"""

from __future__ import annotations

import numpy as np

from chainrule.data.frame import Table
from chainrule.errors import ConfigError, DataFileError

Array = np.ndarray

#: ``--class-weight``: the one rule offered.
CLASS_WEIGHTS = ("balanced",)


def check_class_weight(value: str | None) -> str | None:
    """``--class-weight``: ``None`` or one of :data:`CLASS_WEIGHTS`."""
    if value is not None and value not in CLASS_WEIGHTS:
        raise ConfigError(f"--class-weight: expected balanced, got {value!r}")
    return value


def class_weights(labels: Array, n_classes: int) -> Array:
    """The balanced weight of each class: ``n / (k · count(class))``.

    Parameters
    ----------
    labels : (n,) int array
        Class indices of the training rows, in ``0 .. n_classes - 1``.
    n_classes : int

    Returns
    -------
    (n_classes,) array
        0 for a class without a row (no row takes it).
    """
    counts = np.bincount(labels, minlength=n_classes).astype(np.float64)
    with np.errstate(divide="ignore"):
        w = len(labels) / (n_classes * counts)
    return np.where(counts > 0, w, 0.0)


def weight_column(table: Table, name: str) -> Array:
    """The (n,) float64 weights of column ``name``, checked.

    Raises
    ------
    ConfigError
        ``name`` is not a column.
    DataFileError
        A cell is text, missing, negative or infinite (the first is named).
    """
    if name not in table.columns:
        raise ConfigError(f"--weight: no column {name!r}; columns are {table.names}")
    col = table.columns[name]
    if col.dtype.kind != "f":
        i = next((i for i, v in enumerate(col) if v == "" or _not_number(v)), 0)
        got = "a missing value" if col[i] == "" else repr(str(col[i]))[:60]
        raise DataFileError(
            f"{table.source}: {table.where(i)}, column {name!r}: a weight must be "
            f"a number (--weight), got {got}"
        )
    bad = np.flatnonzero(~(np.isfinite(col) & (col >= 0)))
    if bad.size:
        v = col[bad[0]]
        got = "a missing value" if np.isnan(v) else repr(float(v))
        raise DataFileError(
            f"{table.source}: {table.where(int(bad[0]))}, column {name!r}: a weight "
            f"must be a finite number >= 0 (--weight), got {got}"
        )
    return col.astype(np.float64)


def _not_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


def row_weights(
    table: Table,
    labels: Array | None,
    train_rows: Array,
    *,
    column: str | None = None,
    class_weight: str | None = None,
    n_classes: int = 0,
) -> tuple[Array | None, Array | None]:
    """The weight of each row, and the class weights, from the options.

    Parameters
    ----------
    table : Table
        The rows the labels are of (rows without a target already left out).
    labels : (n,) int array or None
        Class indices (a classification), else ``None``.
    train_rows : (m,) int array
        The rows the class weights are counted on.
    column, class_weight
        ``--weight`` and ``--class-weight``.
    n_classes : int

    Returns
    -------
    weights : (n,) array or None
        ``None`` when neither option is given.
    per_class : (n_classes,) array or None

    Raises
    ------
    ConfigError
        ``class_weight`` for a regression, or weights of the training rows
        that sum to 0.
    """
    check_class_weight(class_weight)
    if column is None and class_weight is None:
        return None, None
    w = np.ones(table.n_rows)
    per_class = None
    if class_weight is not None:
        if labels is None:
            raise ConfigError(
                "--class-weight: a regression has no classes; use --weight COL"
            )
        per_class = class_weights(labels[train_rows], n_classes)
        w = per_class[labels]
    if column is not None:
        w = w * weight_column(table, column)
    if not w[train_rows].sum() > 0:
        raise ConfigError("--weight: the weights of the training rows sum to 0")
    return w, per_class


__all__ = [
    "CLASS_WEIGHTS",
    "check_class_weight",
    "class_weights",
    "row_weights",
    "weight_column",
]
