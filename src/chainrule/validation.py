"""Checks of user input, made before any work is done.

Every error names the argument, what was expected and what was found.
"""

from __future__ import annotations

import numbers

import numpy as np

from chainrule.errors import InvalidValueError, ShapeError

Array = np.ndarray


def _first_bad(a: Array) -> str:
    idx = np.argwhere(~np.isfinite(a))[0]
    where = f"row {idx[0]}" + (f", column {idx[1]}" if len(idx) > 1 else "")
    return f"{where} ({a[tuple(idx)]!r})"


def as_matrix(name: str, value: object, dtype: np.dtype) -> Array:
    """``value`` as a finite array of ``dtype`` with one or two dimensions."""
    try:
        a = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(
            f"{name}: expected an array of numbers; {exc}"
        ) from None
    if a.ndim not in (1, 2):
        raise ShapeError(f"{name}: expected a 1-D or 2-D array, got shape {a.shape}")
    if a.size == 0:
        raise ShapeError(f"{name}: expected at least one value, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise InvalidValueError(f"{name}: contains NaN or infinity at {_first_bad(a)}")
    return a


def check_X(X: object, n_inputs: int, dtype: np.dtype) -> Array:
    """``X`` as (n, n_inputs); a 1-D ``X`` of length ``n_inputs`` is one example."""
    a = as_matrix("X", X, dtype)
    if a.ndim == 1:
        if a.shape[0] != n_inputs:
            raise ShapeError(
                f"X: a 1-D X is one example and needs {n_inputs} values, "
                f"got shape {a.shape}"
            )
        a = a.reshape(1, -1)
    if a.shape[1] != n_inputs:
        raise ShapeError(
            f"X: expected shape (n_examples, {n_inputs}) for a network with "
            f"{n_inputs} inputs, got {a.shape}"
        )
    return a


def check_y(y: object, n_examples: int, n_outputs: int, dtype: np.dtype) -> Array:
    """``y`` as (n_examples, n_outputs); 1-D is accepted for one output or one row."""
    a = as_matrix("y", y, dtype)
    if a.ndim == 1:
        if n_outputs == 1 and a.shape[0] == n_examples:
            a = a.reshape(-1, 1)
        elif n_examples == 1 and a.shape[0] == n_outputs:
            a = a.reshape(1, -1)
        else:
            raise ShapeError(
                f"y: expected shape ({n_examples}, {n_outputs}), got {a.shape}"
            )
    if a.shape != (n_examples, n_outputs):
        raise ShapeError(
            f"y: expected shape ({n_examples}, {n_outputs}) (one row per row of X,"
            f" one column per output), got {a.shape}"
        )
    return a


def check_targets_for_loss(y: Array, loss: str) -> None:
    """``bce`` needs targets in [0, 1]; ``cce`` needs non-negative targets."""
    if loss == "bce" and (np.any(y < 0) or np.any(y > 1)):
        raise InvalidValueError(
            f"y: loss='bce' needs targets in [0, 1], got values from "
            f"{float(y.min())} to {float(y.max())}"
        )
    if loss == "cce" and np.any(y < 0):
        raise InvalidValueError(
            f"y: loss='cce' needs non-negative targets (one-hot rows), got a "
            f"minimum of {float(y.min())}"
        )


def check_positive(name: str, value: object, *, integer: bool = False) -> float | int:
    """A strictly positive number (an integer when ``integer``)."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "an integer" if integer else "a number"
        raise InvalidValueError(f"{name}: expected {what} > 0, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise InvalidValueError(f"{name}: expected a value > 0, got {value!r}")
    return int(value) if integer else float(value)


def check_non_negative(name: str, value: object) -> float:
    """A finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidValueError(f"{name}: expected a number >= 0, got {value!r}")
    if not np.isfinite(value) or value < 0:
        raise InvalidValueError(f"{name}: expected a value >= 0, got {value!r}")
    return float(value)
