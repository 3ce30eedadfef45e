"""Training and validation rows: a shuffled split, stratified for labels;
the folds of a cross-validation (:func:`fold_rows`).

Examples
--------
>>> import numpy as np
>>> labels = np.array(["a"] * 8 + ["b"] * 2)
>>> tr, va = split_rows(10, 0.5, seed=0, labels=labels)
>>> sorted(labels[va].tolist()), len(tr)
(['a', 'a', 'a', 'a', 'b'], 5)
>>> folds = fold_rows(10, 2, seed=0, labels=labels)
>>> [sorted(labels[held].tolist()) for _, held in folds]
[['a', 'a', 'a', 'a', 'b'], ['a', 'a', 'a', 'a', 'b']]
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from chainrule.data.frame import Table
from chainrule.errors import ChainruleError, ConfigError
from chainrule.validation import check_seed

Array = np.ndarray


def split_rows(
    n: int, fraction: float, seed: int | None, labels: Array | None = None
) -> tuple[Array, Array]:
    """Shuffled row indices for training and validation.

    With ``labels``, the split is stratified: each label gives about
    ``fraction`` of its rows to validation, so both parts have the labels'
    proportions.

    Raises
    ------
    ConfigError
        ``fraction`` leaves no row for one of the two sets.
    """
    if not 0.0 <= fraction < 1.0:
        raise ConfigError(
            f"--validation-split: expected 0 <= value < 1, got {fraction}"
        )
    try:
        seed = check_seed(seed)
    except ChainruleError as exc:
        raise ConfigError(f"--seed: {exc}") from None
    order = np.random.default_rng(seed).permutation(n)
    if labels is None or fraction == 0:
        val = order[: int(round(n * fraction))]
    else:
        val = _stratified(order, labels, fraction)
    n_val = len(val)
    if fraction > 0 and not 1 <= n_val <= n - 1:
        raise ConfigError(
            f"--validation-split: {fraction} of {n} rows leaves {n_val} for "
            f"validation and {n - n_val} for training; both need at least one"
        )
    held = np.zeros(n, dtype=bool)
    held[val] = True
    return np.flatnonzero(~held), np.sort(val)


def _stratified(order: Array, labels: Array, fraction: float) -> Array:
    """Systematic sampling of the shuffled rows grouped by label.

    Every ``1 / fraction``-th row of the list (shuffled, then stably sorted by
    label) goes to validation: ``round(n * fraction)`` rows in all, each label
    within one row of its share.
    """
    ranked = order[np.argsort(labels[order], kind="stable")]
    i = np.arange(len(ranked))
    pick = np.floor((i + 1) * fraction + 0.5) > np.floor(i * fraction + 0.5)
    return ranked[pick]


def fold_rows(
    n: int, k: int, seed: int | None, labels: Array | None = None
) -> list[tuple[Array, Array]]:
    """The ``k`` folds of a K-fold cross-validation: (training, held-out) rows.

    The rows are shuffled (``seed``) and dealt to the folds in turn, so the
    held-out parts partition the rows and their sizes differ by one at most.
    With ``labels`` the folds are stratified: the shuffled rows are dealt
    label by label (stably sorted by label first), so each fold holds each
    label's rows within one of its share (``count / k``), as scikit-learn's
    ``StratifiedKFold`` aims.

    Parameters
    ----------
    n : int
        The number of rows.
    k : int
        Folds, 2 to ``n``.
    seed : int or None
    labels : (n,) array, optional

    Returns
    -------
    list of ``k`` (train, held) pairs of sorted int arrays

    Raises
    ------
    ConfigError
        ``k`` is not between 2 and ``n``.
    """
    if not 2 <= k <= n:
        raise ConfigError(f"--cv: expected 2 to {n} folds (the rows), got {k}")
    try:
        seed = check_seed(seed)
    except ChainruleError as exc:
        raise ConfigError(f"--seed: {exc}") from None
    order = np.random.default_rng(seed).permutation(n)
    if labels is not None:
        order = order[np.argsort(labels[order], kind="stable")]
    fold = np.empty(n, dtype=np.int64)
    fold[order] = np.arange(n) % k
    rows = np.arange(n)
    return [(rows[fold != f], rows[fold == f]) for f in range(k)]


def take_rows(table: Table, rows: Array) -> Table:
    """The ``rows`` (sorted int array) of ``table``; messages still name rows
    by their number in the file."""
    keep = np.zeros(table.n_rows, dtype=bool)
    keep[rows] = True
    text = {
        k: (v[keep] if isinstance(v, np.ndarray) else v.filter(keep))
        for k, v in table.text.items()
    }
    return replace(
        table,
        columns={k: v[keep] for k, v in table.columns.items()},
        text=text,
        lines=None if table.lines is None else [table.lines[i] for i in rows],
        rows=rows if table.rows is None else table.rows[rows],
        kinds=dict(table.kinds),
        groups=dict(table.groups),
        names=list(table.names),
    )


__all__ = ["fold_rows", "split_rows", "take_rows"]
