"""Training and validation rows: a shuffled split, stratified for labels.

Examples
--------
>>> import numpy as np
>>> labels = np.array(["a"] * 8 + ["b"] * 2)
>>> tr, va = split_rows(10, 0.5, seed=0, labels=labels)
>>> sorted(labels[va].tolist()), len(tr)
(['a', 'a', 'a', 'a', 'b'], 5)
"""

from __future__ import annotations

import numpy as np

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


__all__ = ["split_rows"]
