"""Scores of predictions, in NumPy: classification and regression metrics.

The definitions are scikit-learn's (https://scikit-learn.org/stable/modules/
model_evaluation.html), written here so that scikit-learn stays optional:

- accuracy: the fraction of rows whose predicted label is the true one;
- balanced accuracy: the mean over the true classes of their recall;
- macro F1: the mean over the classes of ``2 TP / (2 TP + FP + FN)``
  (0 for a class never predicted nor present);
- log loss: the mean of ``-log p(true label)``, probabilities clipped to
  ``[1e-15, 1]`` (scikit-learn clips to the float64 epsilon since 1.5; a
  difference only for predictions of exactly 0);
- confusion matrix: rows are true labels, columns predicted labels;
- R² (``1 - SS_res / SS_tot``, averaged over outputs; ``None`` for a
  constant target), MAE and RMSE, in the targets' units.

Examples
--------
>>> import numpy as np
>>> p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
>>> m = classification_metrics(np.array([0, 1, 1, 1]), p)
>>> m["accuracy"], m["balanced_accuracy"], round(m["macro_f1"], 4), m["confusion"]
(0.75, 0.8333333333333333, 0.7333, [[1, 0], [1, 2]])
>>> regression_metrics(np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [2.0], [4.0]]))
{'r2': 0.5, 'mae': 0.3333333333333333, 'rmse': 0.5773502691896257}
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def classification_metrics(true: Array, proba: Array) -> dict:
    """Metrics of predicted class probabilities.

    Parameters
    ----------
    true : (n,) int array
        True class indices (columns of ``proba``).
    proba : (n, k) array
        Predicted probabilities.

    Returns
    -------
    dict
        ``accuracy``, ``balanced_accuracy``, ``macro_f1``, ``log_loss``,
        ``confusion`` (k × k list of lists of counts).
    """
    n, k = proba.shape
    pred = proba.argmax(axis=1)
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (true, pred), 1)
    tp = np.diag(cm).astype(np.float64)
    support, predicted = cm.sum(axis=1), cm.sum(axis=0)
    present = support > 0
    recall = tp[present] / support[present]
    denom = support + predicted
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    p_true = np.clip(proba[np.arange(n), true], 1e-15, 1.0)
    return {
        "accuracy": float(np.mean(pred == true)),
        "balanced_accuracy": float(recall.mean()),
        "macro_f1": float(f1[(support + predicted) > 0].mean()),
        "log_loss": float(-np.mean(np.log(p_true))),
        "confusion": cm.tolist(),
    }


def regression_metrics(true: Array, pred: Array) -> dict:
    """R², MAE and RMSE of (n, k) predictions, averaged over the k outputs."""
    err = true - pred
    ss_res = np.sum(err**2, axis=0)
    ss_tot = np.sum((true - true.mean(axis=0)) ** 2, axis=0)
    r2 = None if np.any(ss_tot == 0) else float(np.mean(1.0 - ss_res / ss_tot))
    return {
        "r2": r2,
        "mae": float(np.mean(np.abs(err))),
        "rmse": float(np.mean(np.sqrt(np.mean(err**2, axis=0)))),
    }


__all__ = ["classification_metrics", "regression_metrics"]
