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
    p_true = np.clip(proba[np.arange(n), true], 1e-15, 1.0)
    return _from_confusion(cm, float(-np.sum(np.log(p_true))))


def _from_confusion(cm: Array, log_loss_sum: float) -> dict:
    """The classification metrics of a confusion matrix and the summed log loss."""
    n = int(cm.sum())
    tp = np.diag(cm).astype(np.float64)
    support, predicted = cm.sum(axis=1), cm.sum(axis=0)
    present = support > 0
    recall = tp[present] / support[present]
    denom = support + predicted
    f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    return {
        "accuracy": float(tp.sum() / n),
        "balanced_accuracy": float(recall.mean()),
        "macro_f1": float(f1[(support + predicted) > 0].mean()),
        "log_loss": log_loss_sum / n,
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


class RunningMetrics:
    """The metrics above, gathered batch by batch in constant memory.

    The state is a few arrays whose size depends on the outputs only: the
    confusion matrix and the summed log loss (classification), or per
    output the count, mean and sum of squared deviations of the targets
    (merged batch by batch with Chan's formula) and the sums of squared and
    absolute errors (regression). :meth:`result` equals
    :func:`classification_metrics` or :func:`regression_metrics` of all the
    rows at once, to rounding.

    Parameters
    ----------
    n_outputs : int
        k, the columns of the predictions.
    classification : bool
        Class indices and probabilities (True) or values (False).

    Examples
    --------
    >>> import numpy as np
    >>> m = RunningMetrics(1, classification=False)
    >>> m.add(np.array([[1.0], [2.0]]), np.array([[1.0], [2.0]]))
    >>> m.add(np.array([[3.0]]), np.array([[4.0]]))
    >>> m.rows, m.result()["r2"]
    (3, 0.5)
    """

    def __init__(self, n_outputs: int, *, classification: bool) -> None:
        k = int(n_outputs)
        self.classification = classification
        self.rows = 0
        self.confusion = np.zeros((k, k), dtype=np.int64)
        self.log_loss_sum = 0.0
        self.mean = np.zeros(k)
        self.m2 = np.zeros(k)  # Σ (y - mean)² of the rows so far, per output
        self.sse = np.zeros(k)
        self.sae = np.zeros(k)

    def add(self, true: Array, pred: Array) -> None:
        """Add one batch.

        Parameters
        ----------
        true : (n,) int array or (n, k) array
            True class indices (classification) or target values.
        pred : (n, k) array
            Predicted probabilities or values.
        """
        n = len(pred)
        if n == 0:
            return
        if self.classification:
            np.add.at(self.confusion, (true, pred.argmax(axis=1)), 1)
            p_true = np.clip(pred[np.arange(n), true], 1e-15, 1.0)
            self.log_loss_sum += float(-np.sum(np.log(p_true)))
        else:
            err = true - pred
            self.sse += np.sum(err**2, axis=0)
            self.sae += np.sum(np.abs(err), axis=0)
            # Chan et al.: M2 = M2_a + M2_b + delta² n_a n_b / (n_a + n_b)
            mean_b = true.mean(axis=0)
            m2_b = np.sum((true - mean_b) ** 2, axis=0)
            delta, total = mean_b - self.mean, self.rows + n
            self.m2 += m2_b + delta**2 * (self.rows * n / total)
            self.mean += delta * (n / total)
        self.rows += n

    def result(self) -> dict:
        """The metrics of every row added, as the functions above give them."""
        if self.classification:
            return _from_confusion(self.confusion, self.log_loss_sum)
        n, k = self.rows, len(self.sse)
        r2 = None if np.any(self.m2 == 0) else float(np.mean(1.0 - self.sse / self.m2))
        return {
            "r2": r2,
            "mae": float(np.sum(self.sae) / (n * k)),
            "rmse": float(np.mean(np.sqrt(self.sse / n))),
        }


__all__ = ["RunningMetrics", "classification_metrics", "regression_metrics"]
