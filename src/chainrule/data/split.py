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

    With ``labels``, the split is stratified: each label gives
    ``round(fraction * count)`` of its rows to validation (keeping at least
    one for training), so both parts have the labels' proportions.

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
    train = np.setdiff1d(np.arange(n), val)
    return train, np.sort(val)


def _stratified(order: Array, labels: Array, fraction: float) -> Array:
    shuffled = labels[order]
    parts = []
    for label in np.unique(labels):
        rows = order[shuffled == label]
        k = min(int(round(fraction * len(rows))), len(rows) - 1)
        parts.append(rows[:k])
    return np.concatenate(parts)


__all__ = ["split_rows"]
