"""A network on a table: columns to arrays and back, with the model's metadata.

What ``chainrule train``, ``predict`` and ``gradcheck`` share. The targets
are one or more numeric columns (a regression) or one category column (a
classification: the labels become one-hot rows for a softmax output and
``cce``). Inputs and targets are scaled (:mod:`chainrule.data.scaling`), and the
column names, labels and scalers are saved in the model's metadata, so that
a prediction applies exactly the same.

Examples
--------
>>> import numpy as np
>>> from chainrule.data.frame import Table
>>> t = Table(["x", "label"], {"x": np.array([1.0, 2.0, 4.0]),
...                            "label": np.array(["no", "yes", "yes"])})
>>> d = prepare_training(t, ["label"], scale_inputs="max")
>>> d.task, d.classes, d.X.ravel(), d.y
('classification', ['no', 'yes'], array([0.25, 0.5 , 1.  ]), array([[1., 0.],
       [0., 1.],
       [0., 1.]]))
>>> decode(d.y, data_metadata(d))["label"]
['no', 'yes', 'yes']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from chainrule.data import judge
from chainrule.data.derived import apply_derived, file_columns, fit_derived
from chainrule.data.encoding import (
    check_spec,
    choose_inputs,
    encode,
    encode_scaled,
    feature_names,
    fit_columns,
)
from chainrule.data.frame import Table
from chainrule.data.labels import (
    labels_of,
    problem_of,
    targets_of,
    without_missing_targets,
)
from chainrule.data.metadata import check_metadata, plain_metadata
from chainrule.data.outputs import decode, evaluate, score
from chainrule.data.scaling import Scaler
from chainrule.data.split import split_rows
from chainrule.errors import ConfigError, DataFileError, ModelFileError

Array = np.ndarray


@dataclass
class Prepared:
    """A table turned into the arrays a network takes.

    Attributes
    ----------
    X : (n, n_inputs) array
        Scaled inputs (categories one-hot, missing cells filled). After a
        split its rows are the training rows, then the held-out rows
        (:attr:`train`, :attr:`validation`: views, no copy); without one,
        the table's rows in order.
    y : (n, n_outputs) array or None
        Scaled targets, or one-hot rows for a classification; rows as ``X``.
    inputs, targets : list of str
        The network's input names (``column=category`` for one-hot inputs)
        and the target columns.
    classes : list of str or None
        Labels in the order of the outputs (classification only).
    x_scaler, y_scaler : Scaler
    columns : list of dict or None
        The input columns' encodings (:mod:`chainrule.data.encoding`).
    train_rows, val_rows : (m,) int arrays
        The table rows (rows with a target) of ``X[:m]``, on which the
        statistics were fitted, and of the held-out rows after them; each
        sorted. ``None`` for a table prepared for a saved model.
    id_column : str or None
    problem : str
        The problem type and why, in words.
    report : dict of str to ColumnReport
        Missing cells filled and unseen categories per column.
    left_out : list of str
        Identifier-like columns left out of the inputs (``judge_columns``).
    no_target : int
        Rows left out because a target cell was missing (``missing_target``).
    derived : dict
        The date parts and missing-value indicators made
        (:mod:`chainrule.data.derived`), for the metadata.
    """

    X: Array
    y: Array | None
    inputs: list[str]
    targets: list[str]
    classes: list[str] | None
    x_scaler: Scaler
    y_scaler: Scaler
    columns: list[dict] | None = None
    train_rows: Array | None = None
    val_rows: Array | None = None
    id_column: str | None = None
    problem: str = ""
    report: dict = field(default_factory=dict)
    left_out: list = field(default_factory=list)
    no_target: int = 0
    derived: dict = field(default_factory=dict)

    @property
    def task(self) -> str:
        """``"classification"`` or ``"regression"``."""
        return "regression" if self.classes is None else "classification"

    @property
    def n_train(self) -> int:
        """The training rows: the first ``n_train`` rows of ``X`` and ``y``."""
        return len(self.X) if self.train_rows is None else len(self.train_rows)

    @property
    def train(self) -> tuple[Array, Array | None]:
        """``(X, y)`` of the training rows (views)."""
        n = self.n_train
        return self.X[:n], None if self.y is None else self.y[:n]

    @property
    def validation(self) -> tuple[Array, Array | None] | None:
        """``(X, y)`` of the held-out rows (views), ``None`` when there are none."""
        n = self.n_train
        if n == len(self.X):
            return None
        return self.X[n:], None if self.y is None else self.y[n:]

    def in_table_order(self, A: Array) -> Array:
        """Rows in ``X``'s order (training, then held out) back in the table's.

        Parameters
        ----------
        A : (n, ...) array
            One row per row of ``X``.

        Returns
        -------
        (n, ...) array
            Row ``r`` is the row of ``A`` made from table row ``r``.
        """
        if self.train_rows is None or self.n_train == len(A):
            return A
        out = np.empty_like(A)
        out[np.concatenate([self.train_rows, self.val_rows])] = A
        return out


def prepare_training(
    table: Table,
    targets: list[str],
    scale_inputs: str = "standard",
    scale_targets: str = "standard",
    classify: bool = False,
    *,
    regress: bool = False,
    inputs: list[str] | None = None,
    drop: list[str] | tuple = (),
    id_column: str | None = None,
    missing: str = "impute",
    validation_split: float = 0.0,
    seed: int | None = 0,
    judge_columns: bool = False,
    keep: list[str] | tuple = (),
    categorical: list[str] | tuple = (),
    missing_target: str = "error",
    dates: str = "error",
    missing_indicator: bool = False,
    dtype=np.float64,
) -> Prepared:
    """Split a table into scaled inputs and targets, and training/validation rows.

    Imputation, categories and scaling are fitted on the training rows only.
    The matrix is made once, its rows in the split's order: the training
    rows (``d.train``), then the held-out rows (``d.validation``), so that
    each part is a view of it.

    Parameters
    ----------
    table : Table
    targets : list of str
        Target column names (or NPZ array names).
    scale_inputs, scale_targets : {"max", "standard", "none"}
        Targets of a classification are never scaled.
    classify, regress : bool
        Force the problem type (else :func:`chainrule.data.labels.problem_of`).
    inputs, drop, id_column
        The input columns: ``inputs``, or every column but the targets,
        ``drop`` and the ``id_column`` (:func:`~chainrule.data.encoding.choose_inputs`).
    missing : {"impute", "error"}
    validation_split : float
        Fraction held out (stratified for a classification), in [0, 1).
    seed : int
    judge_columns : bool
        Leave out the identifiers not in ``keep`` (unless ``inputs`` names
        the columns) and refuse free-text columns not in ``categorical``
        (:mod:`chainrule.data.judge`); ``chainrule train`` does.
    keep : list of str
        Identifier-like columns used as inputs all the same.
    categorical : list of str
        Columns taken as categories, numbers included (numeric codes).
    missing_target : {"error", "skip"}
        Rows whose target cell is missing: refused, or left out and counted
        in ``no_target`` (:func:`~chainrule.data.labels.without_missing_targets`);
        never imputed, never a label.
    dates : {"error", "expand"}
        Date columns refused, or expanded to year, month, day, weekday (and
        hour) inputs (:func:`~chainrule.data.derived.fit_derived`).
    missing_indicator : bool
        A 0/1 input ``COL missing`` for each input column with a missing
        cell in the training rows.
    dtype : numpy dtype
        Of the inputs ``X``: float64, or float32 for a network of float32.
        ``X`` is made once in it, and scaled in place.

    Raises
    ------
    DataFileError
        A target column is missing, a cell cannot be used, or a category
        target has a single label.
    ConfigError
        A category target among several targets, or no input column left.
    """
    targets = table.expand(targets)
    twice = sorted({c for c in targets if targets.count(c) > 1})
    if twice:
        raise ConfigError(f"--target: column {twice[0]!r} is named twice")
    names = choose_inputs(table, targets, inputs, drop, id_column)
    judge.check_names(table, "--categorical", categorical)
    left_out: list[str] = []
    if judge_columns:
        if inputs is None:
            names, left_out = judge.leave_out_ids(table, names, keep)
        judge.check_free_text(table, names, categorical)
    table, no_target = without_missing_targets(table, targets, missing_target)
    _, why = problem_of(table, targets, classify, regress)
    y, classes = targets_of(table, targets, classify, regress)
    kind = f"classification of {len(classes)} labels" if classes else "regression"
    problem = f"{kind} ({why})"
    labels = None if classes is None else y.argmax(axis=1)
    tr, va = split_rows(table.n_rows, validation_split, seed, labels)
    order = np.concatenate([tr, va]) if len(va) else None  # X's rows, split
    table, names, derived = fit_derived(
        table, names, tr, dates=dates, missing_indicator=missing_indicator
    )
    spec = fit_columns(table, names, tr, missing, categorical)
    X, report, x_scaler = encode_scaled(table, spec, tr, scale_inputs, dtype, order)
    y = y if order is None else y[order]
    y_scaler = Scaler.fit("none" if classes else scale_targets, y[: len(tr)])
    d = Prepared(X, y_scaler.transform(y), feature_names(spec), targets, classes,
                 x_scaler, y_scaler)  # fmt: skip
    d.columns, d.train_rows, d.val_rows = spec, tr, va
    d.id_column, d.problem, d.report = id_column, problem, report
    d.left_out, d.no_target, d.derived = left_out, no_target, derived
    return d


def data_metadata(d: Prepared) -> dict:
    """What a model must remember about its data (JSON-serialisable)."""
    meta = {
        "inputs": list(d.inputs),
        "targets": list(d.targets),
        "classes": d.classes,
        "scale_inputs": d.x_scaler.to_dict(),
        "scale_targets": d.y_scaler.to_dict(),
    }
    if d.columns is not None:
        meta["columns"] = d.columns
        meta["id"] = d.id_column
    meta.update(d.derived)  # date parts, missing-value indicators
    return meta


def prepare_from_metadata(
    table: Table, meta: dict, n_inputs: int, n_outputs: int, with_targets: bool
) -> Prepared:
    """The arrays for a saved model: its columns, its labels, its scaling.

    Input columns are found by name. A table without names (an NPY file)
    is taken in order (:func:`by_position`).

    Raises
    ------
    ModelFileError
        The metadata does not describe the network's inputs and outputs (for
        example a model saved by the library, not by ``chainrule train``).
    DataFileError
        A column is missing or a cell is not a number or not a known label.
    """
    if "inputs" not in meta:
        raise ModelFileError(
            "model metadata: no column names; this model was not saved by "
            "'chainrule train', so its data columns are unknown"
        )
    table = by_position(table, meta, n_inputs, n_outputs)
    table = apply_derived(table, meta)
    inputs, targets, classes = meta["inputs"], meta["targets"], meta["classes"]
    x_scaler = Scaler.from_dict(meta.get("scale_inputs"), n_inputs)
    y_scaler = Scaler.from_dict(meta.get("scale_targets"), n_outputs)
    report = {}
    if "columns" in meta:
        X, report = encode(table, check_spec(meta["columns"], n_inputs))
    else:
        X = table.numbers(inputs)
    y = None
    if with_targets:
        if classes is None:
            y = table.numbers(targets)
        else:
            labels = labels_of(table, targets[0])
            unknown = sorted(set(labels.tolist()) - set(classes))
            if unknown:
                raise DataFileError(
                    f"{table.source}: column {targets[0]!r} has labels {unknown} "
                    f"that the model does not know; it knows {classes}"
                )
            y = (labels[:, None] == np.array(classes)[None, :]).astype(np.float64)
        y = y_scaler.transform(y)
    X = x_scaler.transform(X, out=X)  # a matrix of its own, scaled in place
    d = Prepared(X, y, inputs, targets, classes, x_scaler, y_scaler)
    d.report = report
    return d


def by_position(table: Table, meta: dict, n_inputs: int, n_outputs: int) -> Table:
    """A table without names (NPY) under a model's column names, in order.

    Its k columns are the model's input columns (the columns of the file it
    was trained on, before one-hot encoding) when k is their number, or
    those then its target columns. A table with names is returned as it is.

    Raises
    ------
    ModelFileError
        The metadata does not fit the network (:func:`check_metadata`).
    DataFileError
        k is neither number.
    """
    check_metadata(meta, n_inputs, n_outputs)
    if table.named:
        return table
    if "columns" in meta:
        inputs = [c["name"] for c in check_spec(meta["columns"], n_inputs)]
        inputs = file_columns(meta, inputs)
    else:
        inputs = list(meta["inputs"])
    targets = list(meta["targets"])
    if len(table.names) == len(inputs):
        names = inputs
    elif len(table.names) == len(inputs) + len(targets):
        names = inputs + targets
    else:
        raise DataFileError(
            f"{table.source}: a NumPy array has no column names, so its columns "
            f"are taken in order as the model's {len(inputs)} input columns "
            f"{inputs!r:.200} (optionally then its targets {targets!r:.100}); "
            f"it has {len(table.names)} columns"
        )
    rename = dict(zip(table.names, names, strict=True))
    return Table(
        names,
        {rename[k]: v for k, v in table.columns.items()},
        source=table.source,
        first_row=table.first_row,
        kinds={rename[k]: v for k, v in table.kinds.items() if k in rename},
    )


__all__ = [
    "Prepared",
    "by_position",
    "check_metadata",
    "data_metadata",
    "decode",
    "evaluate",
    "plain_metadata",
    "prepare_from_metadata",
    "prepare_training",
    "score",
    "split_rows",
]
