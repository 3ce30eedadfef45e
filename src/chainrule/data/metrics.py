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
  constant target), MAE and RMSE, in the targets' units;
- for two classes, ROC AUC (:func:`roc_auc`: the probability that a
  positive row scores above a negative one, ties counting one half) and PR
  AUC (:func:`average_precision`), the second class being the positive one;
  ``None`` when the rows hold a single class.

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
        ``confusion`` (k × k list of lists of counts); for k = 2 also
        ``roc_auc`` and ``pr_auc`` (:func:`binary_metrics`).
    """
    n, k = proba.shape
    pred = proba.argmax(axis=1)
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (true, pred), 1)
    p_true = np.clip(proba[np.arange(n), true], 1e-15, 1.0)
    out = _from_confusion(cm, float(-np.sum(np.log(p_true))))
    if k == 2:
        out.update(binary_metrics(true, proba[:, 1]))
    return out


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


def roc_auc(positive: Array, score: Array) -> float | None:
    """The area under the ROC curve, from the ranks of the scores.

    Parameters
    ----------
    positive : (n,) bool array
        Which rows are positive.
    score : (n,) array
        The rows' scores (the positive class's probability).

    Returns
    -------
    float or None
        ``None`` when the rows are all positive or all negative.

    Notes
    -----
    The Mann-Whitney form of the area: with :math:`r_i` the rank of row
    :math:`i` among the scores (1 for the smallest; tied scores share the
    mean of their ranks),

    .. math:: AUC = \\frac{\\sum_{i \\in P} r_i - n_P (n_P + 1) / 2}{n_P n_N},

    the fraction of (positive, negative) pairs ordered right, a tie counting
    one half: the trapezoidal area under the ROC curve that scikit-learn's
    ``roc_auc_score`` computes.

    Examples
    --------
    >>> roc_auc(np.array([0, 0, 1, 1], bool), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    positive = np.asarray(positive, dtype=bool)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return None
    ranks = _mean_ranks(np.asarray(score, dtype=np.float64))
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _mean_ranks(score: Array) -> Array:
    """1-based ranks of ``score``, ties given the mean of their ranks."""
    n = len(score)
    order = np.argsort(score, kind="stable")
    edges = np.flatnonzero(np.diff(score[order])) + 1
    starts, ends = np.r_[0, edges], np.r_[edges, n]
    ranks = np.empty(n)
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    return ranks


def average_precision(positive: Array, score: Array) -> float | None:
    """PR AUC as scikit-learn's ``average_precision_score`` defines it.

    :math:`AP = \\sum_t (R_t - R_{t-1}) P_t` over the distinct scores
    :math:`t` from the highest down, :math:`P_t` and :math:`R_t` the
    precision and recall of the rows scoring at least :math:`t` (no
    interpolation). ``None`` when no row is positive.

    Parameters
    ----------
    positive : (n,) bool array
    score : (n,) array

    Examples
    --------
    >>> average_precision(np.array([0, 0, 1, 1], bool),
    ...                   np.array([0.1, 0.4, 0.35, 0.8]))
    0.8333333333333333
    """
    positive = np.asarray(positive, dtype=bool)
    if not positive.any():
        return None
    order = np.argsort(-np.asarray(score, dtype=np.float64), kind="stable")
    s, t = score[order], positive[order]
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # each score's last row
    tps = np.cumsum(t)[last]
    precision, recall = tps / (last + 1), tps / tps[-1]
    return float(np.sum(np.diff(recall, prepend=0.0) * precision))


def binary_metrics(true: Array, score: Array) -> dict:
    """``roc_auc`` and ``pr_auc`` of two classes, class 1 the positive one.

    Parameters
    ----------
    true : (n,) int array of 0 and 1
    score : (n,) array
        The probability of class 1.
    """
    positive = np.asarray(true) == 1
    return {
        "roc_auc": roc_auc(positive, score),
        "pr_auc": average_precision(positive, score),
    }


def weighted_metrics(
    true: Array, pred: Array, weight: Array, *, classification: bool
) -> dict:
    """Metrics with one weight per row, as scikit-learn's ``sample_weight``.

    Parameters
    ----------
    true : (n,) int array or (n, k) array
        Class indices (classification) or targets.
    pred : (n, k) array
        Probabilities or predictions.
    weight : (n,) array of weights >= 0, not all 0

    Returns
    -------
    dict
        ``weighted_accuracy`` and ``weighted_log_loss`` (classification), or
        ``weighted_r2`` (``None`` for a constant target), ``weighted_mae``
        and ``weighted_rmse`` (averaged over the k outputs).

    Examples
    --------
    >>> p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    >>> weighted_metrics(np.array([0, 1, 1]), p, np.array([1.0, 1.0, 2.0]),
    ...                  classification=True)["weighted_accuracy"]
    0.5
    """
    w = np.asarray(weight, dtype=np.float64)
    total = w.sum()
    if classification:
        n = len(pred)
        p_true = np.clip(pred[np.arange(n), true], 1e-15, 1.0)
        return {
            "weighted_accuracy": float(w @ (pred.argmax(axis=1) == true) / total),
            "weighted_log_loss": float(w @ -np.log(p_true) / total),
        }
    err = true - pred
    mean = w @ true / total
    ss_res, ss_tot = w @ err**2, w @ (true - mean) ** 2
    r2 = None if np.any(ss_tot == 0) else float(np.mean(1.0 - ss_res / ss_tot))
    return {
        "weighted_r2": r2,
        "weighted_mae": float(np.mean(w @ np.abs(err) / total)),
        "weighted_rmse": float(np.mean(np.sqrt(ss_res / total))),
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

    The state is a few arrays whose size depends on the outputs only (but
    for two classes, where ROC and PR AUC keep one score per row): the
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
        # two classes: ROC and PR AUC rank every row, so their scores are kept
        self.scores: list[Array] = []
        self.positive: list[Array] = []

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
            if pred.shape[1] == 2:
                self.scores.append(pred[:, 1].copy())
                self.positive.append(np.asarray(true) == 1)
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
            out = _from_confusion(self.confusion, self.log_loss_sum)
            if len(self.confusion) == 2:
                true = np.concatenate(self.positive).astype(np.int64)
                out.update(binary_metrics(true, np.concatenate(self.scores)))
            return out
        n, k = self.rows, len(self.sse)
        r2 = None if np.any(self.m2 == 0) else float(np.mean(1.0 - self.sse / self.m2))
        return {
            "r2": r2,
            "mae": float(np.sum(self.sae) / (n * k)),
            "rmse": float(np.mean(np.sqrt(self.sse / n))),
        }


class RunningWeighted:
    """:func:`weighted_metrics`, gathered batch by batch in constant memory.

    The state is sums whose size depends on the outputs only: the total
    weight, and the weighted hits and log loss (classification), or per
    output the weighted mean and sum of squared deviations of the targets
    (merged as :class:`RunningMetrics` merges them, each row counting by its
    weight) and the weighted sums of squared and absolute errors
    (regression). :meth:`result` equals :func:`weighted_metrics` of all the
    rows at once, to rounding.

    Examples
    --------
    >>> m = RunningWeighted(1, classification=False)
    >>> m.add(np.array([[1.0], [2.0]]), np.array([[1.0], [2.0]]), np.array([1.0, 1.0]))
    >>> m.add(np.array([[3.0]]), np.array([[4.0]]), np.array([2.0]))
    >>> m.result()["weighted_mae"]
    0.5
    """

    def __init__(self, n_outputs: int, *, classification: bool) -> None:
        k = int(n_outputs)
        self.classification = classification
        self.total = 0.0
        self.hits = self.log_loss_sum = 0.0
        self.mean, self.m2 = np.zeros(k), np.zeros(k)
        self.sse, self.sae = np.zeros(k), np.zeros(k)

    def add(self, true: Array, pred: Array, weight: Array) -> None:
        """Add one batch: ``true`` and ``pred`` as :meth:`RunningMetrics.add`,
        ``weight`` (n,) the rows' weights (>= 0)."""
        w = np.asarray(weight, dtype=np.float64)
        wb = float(w.sum())
        if wb <= 0:
            return
        if self.classification:
            p_true = np.clip(pred[np.arange(len(pred)), true], 1e-15, 1.0)
            self.hits += float(w @ (pred.argmax(axis=1) == true))
            self.log_loss_sum += float(w @ -np.log(p_true))
        else:
            err = true - pred
            self.sse += w @ err**2
            self.sae += w @ np.abs(err)
            mean_b = w @ true / wb
            m2_b = w @ (true - mean_b) ** 2
            delta, total = mean_b - self.mean, self.total + wb
            self.m2 += m2_b + delta**2 * (self.total * wb / total)
            self.mean += delta * (wb / total)
        self.total += wb

    def result(self) -> dict:
        """The weighted metrics of every row added; ``{}`` when the weights
        sum to 0."""
        if self.total <= 0:
            return {}
        t = self.total
        if self.classification:
            return {
                "weighted_accuracy": self.hits / t,
                "weighted_log_loss": self.log_loss_sum / t,
            }
        r2 = None if np.any(self.m2 == 0) else float(np.mean(1.0 - self.sse / self.m2))
        return {
            "weighted_r2": r2,
            "weighted_mae": float(np.mean(self.sae / t)),
            "weighted_rmse": float(np.mean(np.sqrt(self.sse / t))),
        }


__all__ = [
    "RunningMetrics",
    "RunningWeighted",
    "average_precision",
    "binary_metrics",
    "classification_metrics",
    "regression_metrics",
    "roc_auc",
    "weighted_metrics",
]
