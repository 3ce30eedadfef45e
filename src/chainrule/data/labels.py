"""Targets as class labels: exact label text, the regression/classification rule.

A target column is a classification when it is a category column (text) or
when ``classify`` is given; labels taken from numbers are their exact values
(:func:`chainrule.data.numbers.label_text`). A text column whose cells are
mostly numbers is a regression target with a bad cell: an error naming its
row, not a classification of every distinct value.

Examples
--------
>>> import numpy as np
>>> from chainrule.data.tables import Table
>>> y = np.array([1000001.0, 1000002.0, 1.0])
>>> t = Table(["x", "y"], {"x": np.zeros(3), "y": y})
>>> labels_of(t, "y").tolist()
['1000001', '1000002', '1']
>>> targets_of(t, ["y"], classify=True)[1]
['1', '1000001', '1000002']
"""

from __future__ import annotations

import numpy as np

from chainrule.data.numbers import label_text, parse_number
from chainrule.data.tables import Table
from chainrule.errors import ConfigError, DataFileError

Array = np.ndarray

#: The most classes a classification may have; raise it in Python
#: (``chainrule.data.labels.MAX_CLASSES = ...``) for a bigger one.
MAX_CLASSES = 1000


def labels_of(table: Table, name: str) -> Array:
    """A column as text labels, numbers written exactly (see ``label_text``).

    ``1``, ``1.0`` and ``1e0`` are the label "1"; ``1000001`` and
    ``1000002`` stay apart; integers beyond 2**53 keep their digits.
    """
    col = table.expand([name])[0]
    if col in table.text:
        return np.array([label_text(t) for t in table.text[col]], dtype=str)
    if table.is_numeric(col):
        return np.array([label_text(float(v)) for v in table.columns[col]], dtype=str)
    return table.columns[col].astype(str)


def _check_regression_target(table: Table, name: str) -> None:
    """A text target whose cells are mostly numbers: one bad cell, not labels."""
    col = table.columns[name]
    numbers = sum(parse_number(str(t)) is not None for t in col)
    if 2 * numbers > len(col):
        i = table.first_non_number(name)
        raise DataFileError(
            f"{table.source}: {table.where(i)}, column {name!r}: expected a number, "
            f"got {str(col[i])!r:.80}; the column's other cells are numbers (a "
            "regression target). Fix the cell, or pass --classify to take every "
            "value as a class label"
        )


def targets_of(
    table: Table, targets: list[str], classify: bool
) -> tuple[Array, list[str] | None]:
    """The target columns as numbers (a regression) or one-hot rows and labels.

    Raises
    ------
    DataFileError
        A bad cell in a numeric target, a single label, or more than
        :data:`MAX_CLASSES` labels.
    ConfigError
        A category column among several targets.
    """
    category = [c for c in targets if classify or not table.is_numeric(c)]
    if not category:
        return table.numbers(targets), None
    if len(targets) > 1:
        raise ConfigError(
            f"--target: {category[0]!r} is a category column; a classification "
            f"takes exactly one target column, got {targets}"
        )
    if not classify:
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


__all__ = ["MAX_CLASSES", "labels_of", "targets_of"]
