"""Checks of arrays: the data ``X``, ``y`` and sample weights, and the targets.

:func:`as_array` is the one conversion every array of numbers goes through
(real numbers only, rectangular, non-empty, finite, in the dtype asked for);
the others check a shape against the network's and the targets against the
cost. An error names the first bad value by its row and column.

Examples
--------
>>> import numpy as np
>>> from chainrule.validation.arrays import check_X
>>> check_X([1.0, 2.0], 2, np.dtype("float64"))
array([[1., 2.]])
>>> check_X([[1.0, np.nan]], 2, np.dtype("float64"))
Traceback (most recent call last):
    ...
chainrule.errors.InvalidValueError: X: contains NaN or infinity at row 0, column 1 (nan)
"""

from __future__ import annotations

import sys

import numpy as np

from chainrule.errors import InvalidTypeError, InvalidValueError, ShapeError
from chainrule.validation.scalars import describe

Array = np.ndarray
_KIND = {
    "b": "booleans",
    "c": "complex numbers",
    "O": "Python objects",
    "U": "strings",
    "S": "bytes",
}


def _where(a: Array, idx: tuple) -> str:
    if a.ndim == 2:
        return f"row {idx[0]}, column {idx[1]}"
    return f"index {idx[0]}" if a.ndim == 1 else "the value"


def _first_bad(a: Array) -> str:
    idx = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
    return f"{_where(a, idx)} ({float(a[idx])})"


def _first(a: Array) -> object:
    x = a.reshape(-1)[0]
    return x.item() if isinstance(x, np.generic) else x


def as_array(
    name: str,
    value: object,
    dtype: np.dtype | str,
    ndims: tuple = (1, 2),
    *,
    copy: bool = True,
) -> Array:
    """``value`` as a non-empty, finite array of ``dtype``.

    Parameters
    ----------
    name : str
        The argument's name, used in messages.
    value : array_like of real numbers
    dtype : dtype or str
    ndims : tuple of int
        The accepted numbers of dimensions.
    copy : bool
        Always return a new array. With ``False``, an array that already has
        ``dtype`` is returned as it is (data is read, never written, so a
        large ``X`` is not copied).

    Raises
    ------
    InvalidTypeError
        Strings, booleans, complex numbers, objects (``None``, dicts, ...).
    ShapeError
        Ragged rows, a wrong number of dimensions, no values.
    InvalidValueError
        NaN or infinity (the first one is named), or a value too large for
        ``dtype``.
    """
    if isinstance(value, (str, bytes)):
        raise InvalidTypeError(
            f"{name}: expected an array of numbers, got {describe(value)}"
        )
    try:
        a = np.asarray(value)
    except ValueError as exc:
        raise ShapeError(
            f"{name}: expected a rectangular array (every row the same length), "
            f"got ragged input ({exc})"
        ) from None
    except Exception as exc:  # an array_like that fails to convert
        raise InvalidTypeError(
            f"{name}: expected an array of numbers, got {describe(value)} ({exc})"
        ) from None
    if a.dtype.kind not in "iuf":
        what = _KIND.get(a.dtype.kind, f"values of dtype {a.dtype}")
        raise InvalidTypeError(
            f"{name}: expected an array of real numbers, got {what} "
            f"(dtype {a.dtype}, e.g. {describe(_first(a) if a.size else value)})"
        )
    if a.ndim not in ndims:
        dims = " or ".join(f"{d}-D" for d in ndims)
        raise ShapeError(f"{name}: expected a {dims} array, got shape {a.shape}")
    if a.size == 0:
        raise ShapeError(f"{name}: expected at least one value, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise InvalidValueError(f"{name}: contains NaN or infinity at {_first_bad(a)}")
    if a.dtype == np.dtype(dtype):
        return a.copy() if copy else a
    with np.errstate(over="ignore"):
        out = np.array(a, dtype=dtype)
    if not np.all(np.isfinite(out)):
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
        raise InvalidValueError(
            f"{name}: the value {float(a[idx])!r} at {_where(a, idx)} is too large for "
            f"{np.dtype(dtype).name}"
        )
    return out


def as_matrix(name: str, value: object, dtype: np.dtype) -> Array:
    """``value`` as a finite array of ``dtype`` with one or two dimensions."""
    return as_array(name, value, dtype, (1, 2), copy=False)


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


def is_sparse(X: object) -> bool:
    """Whether ``X`` is a SciPy sparse matrix or array.

    SciPy is not imported to find out: a sparse ``X`` exists only once its
    user imported ``scipy.sparse``, so without that module it is not one.
    """
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and bool(sparse.issparse(X))


def check_sparse_X(X, n_inputs: int, dtype: np.dtype):
    """A SciPy sparse ``X`` as CSR (rows sliced by minibatches) of ``dtype``.

    Only the stored values are checked (finite); the matrix is never
    densified. CSC is converted to CSR (a sparse copy).
    """
    if X.ndim != 2 or X.shape[1] != n_inputs or X.shape[0] == 0:
        raise ShapeError(
            f"X: expected a sparse matrix of shape (n_examples >= 1, {n_inputs}), "
            f"got shape {X.shape}"
        )
    if X.dtype.kind not in "iuf":
        raise InvalidTypeError(
            f"X: expected a sparse matrix of real numbers, got dtype {X.dtype}"
        )
    out = X.tocsr().astype(dtype, copy=False)
    if not np.all(np.isfinite(out.data)):
        raise InvalidValueError("X: the sparse matrix stores NaN or infinity")
    return out


def check_sample_weight(weights: object, n_examples: int, dtype: np.dtype) -> Array:
    """Sample weights: a 1-D array of ``n_examples`` finite values ``>= 0``.

    Their sum must be positive (the means divide by it).

    Examples
    --------
    >>> import numpy as np
    >>> check_sample_weight([1, 2], 2, np.dtype("float64"))
    array([1., 2.])
    >>> check_sample_weight([1, -2], 2, np.dtype("float64"))
    Traceback (most recent call last):
    ...
    chainrule.errors.InvalidValueError: sample_weight: expected weights >= 0, ...
    """
    w = as_array("sample_weight", weights, dtype, (1,), copy=False)
    if w.shape[0] != n_examples:
        raise ShapeError(
            f"sample_weight: expected {n_examples} weights (one per row of X), "
            f"got {w.shape[0]}"
        )
    if np.any(w < 0):
        i = int(np.argmax(w < 0))
        raise InvalidValueError(
            f"sample_weight: expected weights >= 0, got {float(w[i])!r} at index {i}"
        )
    if not np.sum(w) > 0:
        raise InvalidValueError(
            "sample_weight: expected a positive sum of weights, got all zeros"
        )
    return w


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
                f"y: expected shape ({n_examples}, {n_outputs}) (one row per row "
                f"of X, one column per output), got {a.shape}"
            )
    if a.shape != (n_examples, n_outputs):
        raise ShapeError(
            f"y: expected shape ({n_examples}, {n_outputs}) (one row per row of X,"
            f" one column per output), got {a.shape}"
        )
    return a


def check_targets_for_loss(y: Array, loss: str) -> None:
    """Targets that fit the cost.

    ``bce`` needs every target in [0, 1]. ``cce`` needs every row of ``y`` to
    be a probability distribution: non-negative, summing to 1 within
    ``sqrt(eps)`` of the dtype (one-hot rows, or smoothed labels).
    """
    if loss == "bce" and (np.any(y < 0) or np.any(y > 1)):
        bad = tuple(int(i) for i in np.argwhere((y < 0) | (y > 1))[0])
        raise InvalidValueError(
            f"y: loss='bce' needs targets in [0, 1], got {float(y[bad])} at "
            f"{_where(y, bad)}"
        )
    if loss == "cce":
        if np.any(y < 0):
            bad = tuple(int(i) for i in np.argwhere(y < 0)[0])
            raise InvalidValueError(
                f"y: loss='cce' needs non-negative targets (one-hot rows), got "
                f"{float(y[bad])} at {_where(y, bad)}"
            )
        sums = y.sum(axis=1)
        off = np.abs(sums - 1) > np.sqrt(np.finfo(y.dtype).eps)
        if np.any(off):
            row = int(np.argmax(off))
            raise InvalidValueError(
                f"y: loss='cce' needs rows that sum to 1 (one-hot or probabilities),"
                f" got a sum of {float(sums[row])!r} at row {row}"
            )
