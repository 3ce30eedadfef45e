"""Small built-in data sets.

Tables of your own are read by :func:`load_table` (CSV, Parquet, NPY, NPZ;
see :mod:`chainrule.data.tables`). Toy 2-D classification sets (``circle``,
``xor``, ``gaussians``, ``spiral``) are drawn from a seed by
:mod:`chainrule.data.toy`.

The test-score data of "Neural Networks Demystified": hours of sleep and of
study the night before a test (inputs) and the score (target).

Examples
--------
>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> X
array([[0.3, 1. ],
       [0.5, 0.2],
       [1. , 0.4]])
>>> y.ravel()
array([0.75, 0.82, 0.93])
"""

from __future__ import annotations

import numpy as np

from chainrule.data.tables import Table, load_table
from chainrule.data.toy import circle, gaussians, spiral, xor
from chainrule.validation import check_bool

Array = np.ndarray
__all__ = [
    "Table",
    "circle",
    "gaussians",
    "load_table",
    "spiral",
    "test_scores",
    "test_scores_split",
    "xor",
]

# Part 1 of the tutorial: X = (hours sleeping, hours studying), y = score.
_X = [[3.0, 5.0], [5.0, 1.0], [10.0, 2.0]]
_Y = [[75.0], [82.0], [93.0]]
# Part 7 adds a fourth training point and a test set of four.
_TRAIN_X = [[3.0, 5.0], [5.0, 1.0], [10.0, 2.0], [6.0, 1.5]]
_TRAIN_Y = [[75.0], [82.0], [93.0], [70.0]]
_TEST_X = [[4.0, 5.5], [4.5, 1.0], [9.0, 2.5], [6.0, 2.0]]
_TEST_Y = [[70.0], [89.0], [85.0], [75.0]]

#: The largest possible score, used to scale the targets to [0, 1].
MAX_SCORE = 100.0
#: Column names of X.
FEATURES = ("sleep_hours", "study_hours")


def test_scores(raw: bool = False) -> tuple[Array, Array]:
    """The tutorial's three examples, normalised as its part 1 does.

    Parameters
    ----------
    raw : bool
        Return hours and scores as they are.

    Returns
    -------
    X : (3, 2) array
        Hours of sleep and study, divided by each column's maximum.
    y : (3, 1) array
        Test scores divided by 100.
    """
    X, y = np.array(_X), np.array(_Y)
    if check_bool("raw", raw):
        return X, y
    return X / np.amax(X, axis=0), y / MAX_SCORE


test_scores.__test__ = False  # not a pytest test despite its name


def test_scores_split(raw: bool = False) -> tuple[Array, Array, Array, Array]:
    """Part 7's training set (4 examples) and test set (4 examples).

    Both sets are divided by the training set's column maxima and the scores
    by 100. (The tutorial's own part-7 code divides the test set by the
    maxima of the already normalised training set, that is by 1, which leaves
    the test inputs in hours; here both sets share one scale.)

    Returns
    -------
    X_train : (4, 2) array
    y_train : (4, 1) array
    X_test : (4, 2) array
    y_test : (4, 1) array

    Examples
    --------
    >>> import chainrule as cr
    >>> X_train, y_train, X_test, y_test = cr.datasets.test_scores_split()
    >>> X_test[0]
    array([0.4, 1.1])
    """
    Xtr, ytr = np.array(_TRAIN_X), np.array(_TRAIN_Y)
    Xte, yte = np.array(_TEST_X), np.array(_TEST_Y)
    if check_bool("raw", raw):
        return Xtr, ytr, Xte, yte
    scale = np.amax(Xtr, axis=0)
    return Xtr / scale, ytr / MAX_SCORE, Xte / scale, yte / MAX_SCORE


test_scores_split.__test__ = False
