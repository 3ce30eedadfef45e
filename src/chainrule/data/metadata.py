"""A model's data metadata: the columns, labels and scalers it was trained with.

What :func:`chainrule.data.prepare.data_metadata` writes beside the weights,
checked when a model file is read (:func:`check_metadata`, a hostile file
included), and the plain metadata of a network saved without any
(:func:`plain_metadata`).
"""

from __future__ import annotations

import numpy as np

from chainrule.data.frame import Table
from chainrule.data.scaling import Scaler
from chainrule.errors import ModelFileError


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


__all__ = ["check_metadata", "plain_metadata"]
