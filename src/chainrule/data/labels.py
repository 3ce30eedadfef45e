"""Targets as class labels: exact label text, the regression/classification rule.

A target column is a classification when it is a category column (text) or
when ``classify`` is given; labels taken from numbers are their exact values
(:func:`chainrule.data.numbers.label_text`). A text column whose cells are
mostly numbers is a regression target with a bad cell: an error naming its
row, not a classification of every distinct value.

Examples
--------
>>> import numpy as np
>>> from chainrule.data.frame import Table
>>> y = np.array([1000001.0, 1000002.0, 1.0])
>>> t = Table(["x", "y"], {"x": np.zeros(3), "y": y})
>>> labels_of(t, "y").tolist()
['1000001', '1000002', '1']
>>> targets_of(t, ["y"], classify=True)[1]
['1', '1000001', '1000002']
"""

from __future__ import annotations

import numpy as np

from chainrule.data.categories import distinct
from chainrule.data.frame import Table
from chainrule.data.numbers import label_text, parse_number
from chainrule.data.split import take_rows
from chainrule.errors import ConfigError, DataFileError, InvalidValueError

Array = np.ndarray

#: The most classes a classification may have; raise it in Python
#: (``chainrule.data.labels.MAX_CLASSES = ...``) for a bigger one.
MAX_CLASSES = 1000
#: An integer target with at most this many distinct values, each seen three
#: times on average, is taken as class labels (``--regress`` overrides).
AUTO_CLASSES = 10


def labels_of(table: Table, name: str) -> Array:
    """A column as text labels, numbers written exactly (see ``label_text``).

    ``1``, ``1.0`` and ``1e0`` are the label "1"; ``1000001`` and
    ``1000002`` stay apart; integers beyond 2**53 keep their digits.
    """
    col = table.expand([name])[0]
    text = table.exact_text(col)
    if text is not None:  # each distinct cell written once
        cells, codes = distinct(text)
        return np.array([label_text(t) for t in cells], dtype=str)[codes]
    if table.kinds.get(col) == "bool":
        return np.where(table.columns[col] == 1, "true", "false")
    if table.is_numeric(col):
        values, codes = np.unique(table.columns[col], return_inverse=True)
        labels = np.array([label_text(float(v)) for v in values], dtype=str)
        return labels[codes.ravel()]
    return table.columns[col].astype(str)


def _check_regression_target(table: Table, name: str) -> None:
    """A text target whose cells are mostly numbers: one bad cell, not labels."""
    col = table.columns[name]
    cats, codes = distinct(col.astype(str))  # each distinct cell parsed once
    counts = np.bincount(codes, minlength=len(cats))
    parsed = np.array([parse_number(str(t)) is not None for t in cats], dtype=bool)
    if 2 * counts[parsed].sum() > len(col):
        i = table.first_non_number(name)
        raise DataFileError(
            f"{table.source}: {table.where(i)}, column {name!r}: expected a number, "
            f"got {str(col[i])!r:.80}; the column's other cells are numbers (a "
            "regression target). Fix the cell, or pass --classify to take every "
            "value as a class label"
        )


def problem_of(
    table: Table, targets: list[str], classify: bool = False, regress: bool = False
) -> tuple[bool, str]:
    """Whether the targets make a classification, and why, said in words.

    Returns (is a classification, the reason). Text or true/false targets
    are labels; so is one integer target with at
    most :data:`AUTO_CLASSES` distinct values when the rows are at least
    three times as many. ``classify`` and ``regress`` decide instead.

    Raises
    ------
    ConfigError
        Both flags, or ``regress`` with a text target.
    """
    if classify and regress:
        raise ConfigError("--regress: cannot be used with --classify")
    name = targets[0]
    text = len(targets) == 1 and not table.is_numeric(name)
    if regress:
        if text:
            i = table.first_non_number(name)
            raise ConfigError(
                f"--regress: column {name!r} holds text ({table.where(i or 0)}); "
                "it can only be class labels"
            )
        return False, "--regress"
    if classify:
        return True, "--classify"
    if len(targets) > 1 or text:
        return text, "the target is text" if text else "several targets"
    if table.kinds.get(name) == "bool":
        return True, "the target is true/false"
    col = table.columns[name]
    ok = col[np.isfinite(col)]
    k = len(np.unique(ok))
    integers = ok.size and np.all(ok == np.round(ok))
    if integers and 2 <= k <= AUTO_CLASSES and len(col) >= 3 * k:
        return True, (
            f"the target holds {k} distinct integers; pass --regress to fit "
            "them as numbers"
        )
    return False, "numbers; pass --classify to take the values as labels"


#: What to do with rows whose target cell is missing (``--missing-target``).
MISSING_TARGET = ("skip", "error")


def missing_targets(table: Table, targets: list[str]) -> Array:
    """(n,) bool: the rows where a target cell is missing (NaN or ``""``)."""
    miss = np.zeros(table.n_rows, dtype=bool)
    for name in table.expand(targets):
        miss |= _missing(table.columns[name])
    return miss


def _missing(col: Array) -> Array:
    return np.isnan(col) if col.dtype.kind == "f" else col == ""


def without_missing_targets(
    table: Table, targets: list[str], policy: str = "error"
) -> tuple[Table, int]:
    """The table without the rows that have no target, and their count.

    A missing target is never imputed nor taken as a label. ``policy``
    ``"skip"`` leaves those rows out (messages still name rows by their
    number in the file); ``"error"`` refuses the first one.

    Examples
    --------
    >>> t = Table(["x", "y"], {"x": np.arange(3.0), "y": np.array(["a", "", "b"])})
    >>> kept, n = without_missing_targets(t, ["y"], "skip")
    >>> kept.columns["y"].tolist(), n, kept.where(1)
    (['a', 'b'], 1, 'row 3')

    Raises
    ------
    DataFileError
        ``policy`` is ``"error"`` and a target cell is missing.
    InvalidValueError
        ``policy`` is not one of :data:`MISSING_TARGET`.
    """
    if policy not in MISSING_TARGET:
        raise InvalidValueError(
            f"--missing-target: expected skip or error, got {policy!r}"
        )
    miss = missing_targets(table, targets)
    if not miss.any():
        return table, 0
    if policy == "error":
        i = int(np.flatnonzero(miss)[0])
        name = next(
            c for c in table.expand(targets) if _missing(table.columns[c][i : i + 1])
        )
        raise DataFileError(
            f"{table.source}: {table.where(i)}, column {name!r}: the target is "
            "missing; fill the cell or remove the row, or pass --missing-target "
            "skip to leave such rows out (targets are never imputed)"
        )
    keep = ~miss
    if miss.all():
        raise DataFileError(f"{table.source}: no row has a target value in {targets}")
    return take_rows(table, np.flatnonzero(keep)), int(miss.sum())


def targets_of(
    table: Table, targets: list[str], classify: bool, regress: bool = False
) -> tuple[Array, list[str] | None]:
    """The target columns as numbers (a regression) or one-hot rows and labels.

    The problem is chosen by :func:`problem_of`.

    Raises
    ------
    DataFileError
        A missing or bad cell in a numeric target, a single label, or more
        than :data:`MAX_CLASSES` labels.
    ConfigError
        A category column among several targets.
    """
    category = [c for c in targets if classify or not table.is_numeric(c)]
    if len(targets) > 1 and category:
        raise ConfigError(
            f"--target: {category[0]!r} is a category column; a classification "
            f"takes exactly one target column, got {targets}"
        )
    is_class, _ = problem_of(table, targets, classify, regress)
    if not is_class:
        for name in targets:
            if not table.is_numeric(name):
                _check_regression_target(table, name)
        return table.numbers(targets), None
    if not classify and not table.is_numeric(targets[0]):
        _check_regression_target(table, targets[0])
    labels = labels_of(table, targets[0])
    classes = sorted(set(labels.tolist()))
    if len(classes) < 2:
        raise DataFileError(
            f"{table.source}: column {targets[0]!r} has a single label "
            f"{classes[0]!r:.80}; a classification needs at least two"
        )
    if len(classes) > MAX_CLASSES:
        raise DataFileError(
            f"{table.source}: column {targets[0]!r} has {len(classes)} distinct "
            f"labels, more than the {MAX_CLASSES} a classification may have "
            "(chainrule.data.labels.MAX_CLASSES); is it an identifier, or a "
            "numeric target to train without --classify?"
        )
    onehot = (labels[:, None] == np.array(classes)[None, :]).astype(np.float64)
    return onehot, classes


__all__ = [
    "AUTO_CLASSES",
    "MAX_CLASSES",
    "MISSING_TARGET",
    "labels_of",
    "missing_targets",
    "problem_of",
    "targets_of",
    "without_missing_targets",
]
