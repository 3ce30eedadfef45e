"""Row weights in ``chainrule train``: ``--weight COL``, ``--class-weight
balanced``, and the weighted metrics they add.

The weights themselves are made by :mod:`chainrule.data.weights`; here they
are taken from the options: the weight column is left out of the inputs
(:func:`weight_drop`), each row with a target gets its weight
(:func:`weights_of`), and the metrics of weighted rows add scikit-learn's
``sample_weight`` forms (:func:`score`). The validation cost that early
stopping watches stays unweighted.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.data import prepare as tabular
from chainrule.data.frame import Table
from chainrule.data.labels import missing_targets
from chainrule.data.metrics import weighted_metrics
from chainrule.data.scaling import Scaler
from chainrule.data.split import take_rows
from chainrule.data.weights import row_weights
from chainrule.errors import ConfigError

Array = np.ndarray


def weight_drop(opts: Any, table: Table) -> list[str]:
    """``--drop``, and ``--weight``'s column: the weights are not an input.

    Raises
    ------
    ConfigError
        The weight column is not in ``table``, or is the target, the ``--id``
        or in ``--inputs``.
    """
    if opts.weight is None:
        return opts.drop
    if opts.weight not in table.columns:
        raise ConfigError(
            f"--weight: no column {opts.weight!r}; columns are {table.names}"
        )
    if opts.weight in opts.targets or opts.weight == opts.id:
        raise ConfigError(f"--weight: {opts.weight!r} is the target or the --id")
    if opts.inputs is not None and opts.weight in opts.inputs:
        raise ConfigError(f"--weight: {opts.weight!r} is also in --inputs")
    return [*opts.drop, opts.weight]


def weights_of(
    opts: Any, table: Table, d: tabular.Prepared
) -> tuple[Array | None, Array | None]:
    """Each row's weight (rows of ``d``) and the class weights; ``None``
    without ``--weight`` and ``--class-weight``.

    ``table`` is the table ``d`` was prepared from: its rows without a
    target are left out, as :func:`~chainrule.data.prepare.prepare_training`
    leaves them out.
    """
    if opts.weight is None and opts.class_weight is None:
        return None, None
    kept = np.flatnonzero(~missing_targets(table, d.targets))
    labels = None if d.classes is None else d.in_table_order(d.y).argmax(axis=1)
    return row_weights(
        take_rows(table, kept), labels, d.train_rows, column=opts.weight,
        class_weight=opts.class_weight, n_classes=len(d.classes or []),
    )  # fmt: skip


def score(yhat: Array, y: Array, meta: dict, weights: Array | None = None) -> dict:
    """:func:`~chainrule.data.prepare.evaluate`, with the weighted metrics
    (:func:`~chainrule.data.metrics.weighted_metrics`) when ``weights`` are
    given and do not sum to 0.

    Parameters
    ----------
    yhat, y : (n, n_outputs) array
        Network outputs and targets as prepared (scaled).
    meta : dict
        The model's data metadata.
    weights : (n,) array, optional
    """
    scores = tabular.evaluate(yhat, y, meta)
    if weights is not None and weights.sum() > 0:
        classes = meta.get("classes")
        if classes is not None:
            true, pred = y.argmax(axis=1), yhat
        else:
            s = Scaler.from_dict(meta["scale_targets"])
            true, pred = s.inverse(y), s.inverse(yhat)
        scores.update(
            weighted_metrics(true, pred, weights, classification=classes is not None)
        )
    return scores


__all__ = ["score", "weight_drop", "weights_of"]
