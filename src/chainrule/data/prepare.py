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
from chainrule.data.metrics import classification_metrics, regression_metrics
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
        Scaled inputs (categories one-hot, missing cells filled).
    y : (n, n_outputs) array or None
        Scaled targets, or one-hot rows for a classification.
    inputs, targets : list of str
        The network's input names (``column=category`` for one-hot inputs)
        and the target columns.
    classes : list of str or None
        Labels in the order of the outputs (classification only).
    x_scaler, y_scaler : Scaler
    columns : list of dict or None
        The input columns' encodings (:mod:`chainrule.data.encoding`).
    train_rows, val_rows : (m,) int arrays
        The rows the statistics were fitted on, and those held out.
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
    table, names, derived = fit_derived(
        table, names, tr, dates=dates, missing_indicator=missing_indicator
    )
    spec = fit_columns(table, names, tr, missing, categorical)
    X, report, x_scaler = encode_scaled(table, spec, tr, scale_inputs, dtype)
    y_scaler = Scaler.fit("none" if classes else scale_targets, y[tr])
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


def plain_metadata(table: Table, targets: list[str], n_outputs: int) -> dict:
    """Metadata for a model saved without any: inputs are the non-target columns.

    For a network saved by :meth:`Network.save` without column names: the
    targets are the given columns (none for a prediction), the inputs every
    other column in file order, and nothing is scaled.
    """
    targets = table.expand(targets)
    inputs = [c for c in table.names if c not in targets]
    none = Scaler.fit("none", np.zeros((1, len(inputs))))
    return {
        "inputs": inputs,
        "targets": targets or [f"y{j}" for j in range(n_outputs)],
        "classes": None,
        "scale_inputs": none.to_dict(),
        "scale_targets": Scaler.fit("none", np.zeros((1, n_outputs))).to_dict(),
    }


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_metadata(meta: dict, n_inputs: int, n_outputs: int) -> None:
    """The column names, labels and scalers of a model's metadata, checked.

    Raises
    ------
    ModelFileError
        Anything missing, of the wrong type or not fitting the network.
    """
    keys = ("inputs", "targets", "classes", "scale_inputs", "scale_targets")
    missing = [k for k in keys if k not in meta]
    if missing:
        raise ModelFileError(f"model metadata: missing {missing}")
    inputs, targets = meta.get("inputs"), meta.get("targets")
    if not _strings(inputs) or len(inputs) != n_inputs:
        raise ModelFileError(
            f"model metadata: expected {n_inputs} input column names, got "
            f"{inputs!r:.200}"
        )
    classes = meta.get("classes")
    if classes is not None and (
        not _strings(classes) or len(set(classes)) != len(classes)
    ):
        raise ModelFileError(
            f"model metadata: classes should be distinct strings, got {classes!r:.200}"
        )
    width = len(classes) if classes is not None else len(targets or [])
    if not _strings(targets) or width != n_outputs or (classes and len(targets) != 1):
        raise ModelFileError(
            f"model metadata: targets {targets!r:.200} and classes {classes!r:.200} "
            f"do not fit a network with {n_outputs} outputs"
        )
    Scaler.from_dict(meta.get("scale_inputs"), n_inputs)
    Scaler.from_dict(meta.get("scale_targets"), n_outputs)


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


__all__ = [
    "Prepared",
    "by_position",
    "data_metadata",
    "decode",
    "evaluate",
    "prepare_from_metadata",
    "prepare_training",
    "score",
    "split_rows",
]
