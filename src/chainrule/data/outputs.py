"""A network's outputs back to a table's terms: columns, labels, metrics.

The outputs of a network trained by :func:`chainrule.data.prepare.prepare_training`
are scaled (a regression) or probabilities (a classification); the model's
metadata (:func:`~chainrule.data.prepare.data_metadata`) turns them back into
the target columns' units or labels (:func:`decode`) and scores them
(:func:`score`, :func:`evaluate`).

Examples
--------
>>> import numpy as np
>>> meta = {"targets": ["kind"], "classes": ["a", "b"]}
>>> decode(np.array([[0.2, 0.8]]), meta)
{'kind': ['b'], 'p(a)': [0.2], 'p(b)': [0.8]}
"""

from __future__ import annotations

import numpy as np

from chainrule.data.metrics import classification_metrics, regression_metrics
from chainrule.data.scaling import Scaler

Array = np.ndarray


def decode(yhat: Array, meta: dict) -> dict[str, list]:
    """Network outputs back to columns: original units, or labels.

    Parameters
    ----------
    yhat : (n, n_outputs) array
    meta : dict
        As made by :func:`data_metadata`.

    Returns
    -------
    dict of str to list
        One entry per target; a classification adds one ``p(label)`` column
        per class with the predicted probabilities.
    """
    classes = meta.get("classes")
    if classes is None:
        y = Scaler.from_dict(meta["scale_targets"]).inverse(yhat)
        return {name: y[:, j].tolist() for j, name in enumerate(meta["targets"])}
    out: dict[str, list] = {meta["targets"][0]: [classes[i] for i in yhat.argmax(1)]}
    for j, label in enumerate(classes):
        out[f"p({label})"] = yhat[:, j].tolist()
    return out


def score(yhat: Array, y: Array, meta: dict) -> tuple[str, float]:
    """R² (regression, in original units, averaged over outputs) or accuracy.

    Parameters
    ----------
    yhat, y : (n, n_outputs) array
        Network outputs and scaled targets.

    Returns
    -------
    name : {"R²", "accuracy"}
    value : float
        NaN for R² when a target column is constant.
    """
    if meta.get("classes") is not None:
        return "accuracy", float(np.mean(yhat.argmax(1) == y.argmax(1)))
    s = Scaler.from_dict(meta["scale_targets"])
    pred, true = s.inverse(yhat), s.inverse(y)
    ss_res = np.sum((true - pred) ** 2, axis=0)
    ss_tot = np.sum((true - true.mean(axis=0)) ** 2, axis=0)
    if np.any(ss_tot == 0):
        return "R²", float("nan")
    return "R²", float(np.mean(1.0 - ss_res / ss_tot))


def evaluate(yhat: Array, y: Array, meta: dict) -> dict:
    """Metrics of outputs against scaled targets (:mod:`~chainrule.data.metrics`).

    Parameters
    ----------
    yhat, y : (n, n_outputs) array
        Network outputs and targets as :func:`prepare_training` makes them.
    meta : dict
        As made by :func:`data_metadata`.
    """
    if meta.get("classes") is not None:
        return classification_metrics(y.argmax(axis=1), yhat)
    s = Scaler.from_dict(meta["scale_targets"])
    return regression_metrics(s.inverse(y), s.inverse(yhat))


__all__ = ["decode", "evaluate", "score"]
