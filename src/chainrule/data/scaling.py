"""Scaling of inputs and targets, stored with a model so predictions match.

Three methods, fitted column by column on the training data:

- ``max``: divide by the largest absolute value, as the tutorial's part 1
  does (``X / np.amax(X, axis=0)``, ``y / 100``);
- ``standard``: subtract the mean, divide by the standard deviation;
- ``none``: leave the values as they are.

A column whose scale would be 0 (all zeros, or constant under ``standard``)
gets a scale of 1, so that nothing is divided by zero.

Examples
--------
>>> import numpy as np
>>> X = np.array([[3.0, 5.0], [5.0, 1.0], [10.0, 2.0]])
>>> s = Scaler.fit("max", X)
>>> s.transform(X)
array([[0.3, 1. ],
       [0.5, 0.2],
       [1. , 0.4]])
>>> Scaler.from_dict(s.to_dict()).inverse(s.transform(X))[2]
array([10.,  2.])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainrule.errors import InvalidValueError, ModelFileError, UnknownNameError

Array = np.ndarray
METHODS = ("max", "standard", "none")


def _mean_std(A: Array) -> tuple[Array, Array]:
    """Column means and standard deviations, computed on ``A / max|A|``.

    Dividing by each column's largest magnitude first keeps the squares in
    range: denormal columns (1e-310) get their true, non-zero deviation,
    and columns near 1e308 do not overflow.
    """
    m = np.max(np.abs(A), axis=0)
    m = np.where((m > 0) & np.isfinite(m), m, 1.0)
    B = A / m
    return B.mean(axis=0) * m, B.std(axis=0) * m


#: Rows of ``A[rows]`` gathered at a time by :meth:`Scaler.fit` (no copy of
#: the whole).
_CHUNK = 1 << 15


def _chunks(A: Array, rows: Array):
    """``A[rows]`` a chunk of rows at a time, as float64 (one buffer reused)."""
    buf = np.empty((min(_CHUNK, len(rows)), A.shape[1]), dtype=A.dtype)
    for start in range(0, len(rows), _CHUNK):
        part = rows[start : start + _CHUNK]
        got = np.take(A, part, axis=0, out=buf[: len(part)])
        yield got.astype(np.float64, copy=False)


def _max_abs(A: Array, rows: Array) -> Array:
    m = np.zeros(A.shape[1])
    for part in _chunks(A, rows):
        np.maximum(m, np.max(np.abs(part), axis=0), out=m)
    return m


def _mean_std_rows(A: Array, rows: Array) -> tuple[Array, Array]:
    """:func:`_mean_std` of ``A[rows]``, chunk by chunk: the chunks' means and
    sums of squared deviations combined (Chan, Golub and LeVeque's update)."""
    m = _max_abs(A, rows)
    m = np.where((m > 0) & np.isfinite(m), m, 1.0)
    n, mean, m2 = 0, np.zeros(A.shape[1]), np.zeros(A.shape[1])
    for part in _chunks(A, rows):
        B = part / m
        k = len(B)
        mu = B.mean(axis=0)
        s2 = np.square(B - mu).sum(axis=0)
        delta = mu - mean
        total = n + k
        mean += delta * (k / total)
        m2 += s2 + np.square(delta) * (n * k / total)
        n = total
    return mean * m, np.sqrt(m2 / n) * m


@dataclass(frozen=True)
class Scaler:
    """``x_scaled = (x - offset) / scale``, column by column.

    Attributes
    ----------
    method : {"max", "standard", "none"}
    offset : (k,) array
    scale : (k,) array
    """

    method: str
    offset: Array
    scale: Array

    @classmethod
    def fit(cls, method: str, A: Array, rows: Array | None = None) -> Scaler:
        """Fit ``method`` to the columns of ``A`` (of its ``rows`` only).

        Parameters
        ----------
        method : {"max", "standard", "none"}
        A : (n, k) array
        rows : (m,) int array, optional
            The rows to fit on (the training rows), read a chunk at a time
            rather than copied out of ``A``; the same scaler as
            ``fit(method, A[rows])`` up to rounding.

        Raises
        ------
        UnknownNameError
            ``method`` is not one of :data:`METHODS`.
        """
        if method not in METHODS:
            raise UnknownNameError(
                f"scaling: unknown method {method!r}; expected one of {METHODS}"
            )
        if rows is not None and len(rows) and method != "none":
            A = np.asarray(A)
            if A.dtype.kind != "f":
                A = A.astype(np.float64)
            k = A.shape[1]
            if method == "max":
                offset, scale = np.zeros(k), _max_abs(A, rows)
            else:
                offset, scale = _mean_std_rows(A, rows)
            return cls(method, offset, np.where(scale > 0, scale, 1.0))
        if rows is not None:
            A = np.asarray(A)[rows]
        A = np.asarray(A, dtype=np.float64)
        k = A.shape[1]
        offset, scale = np.zeros(k), np.ones(k)
        if method == "max":
            scale = np.max(np.abs(A), axis=0)
        elif method == "standard":
            offset, scale = _mean_std(A)
        scale = np.where(scale > 0, scale, 1.0)
        return cls(method, offset, scale)

    def transform(self, A: Array, out: Array | None = None) -> Array:
        """Scale ``A`` of shape (n, k): a new float64 array, or ``out``.

        ``out`` (``A`` itself, for one) is scaled in place in its own dtype:
        no copy of the whole.
        """
        if out is None:
            return (np.asarray(A, dtype=np.float64) - self.offset) / self.scale
        if self.method == "none":
            if out is not A:
                out[...] = A
            return out
        np.subtract(A, self.offset.astype(out.dtype), out=out)
        np.divide(out, self.scale.astype(out.dtype), out=out)
        return out

    def inverse(self, A: Array) -> Array:
        """Undo :meth:`transform`."""
        return np.asarray(A, dtype=np.float64) * self.scale + self.offset

    def to_dict(self) -> dict:
        """A JSON-serialisable dict (for a model's metadata)."""
        return {
            "method": self.method,
            "offset": [float(v) for v in self.offset],
            "scale": [float(v) for v in self.scale],
        }

    @classmethod
    def from_dict(cls, d: object, n_columns: int | None = None) -> Scaler:
        """Inverse of :meth:`to_dict`; the values are checked.

        Raises
        ------
        ModelFileError
            The dict is not a scaler of ``n_columns`` finite, non-zero scales.
        """
        try:
            method = d["method"]
            offset = np.asarray(d["offset"], dtype=np.float64)
            scale = np.asarray(d["scale"], dtype=np.float64)
        except (KeyError, TypeError, ValueError, IndexError):
            raise ModelFileError(
                "scaling metadata is invalid: expected a dict of 'method', "
                f"'offset' and 'scale', got {d!r:.100}"
            ) from None
        ok = (
            isinstance(method, str)
            and method in METHODS
            and offset.ndim == 1
            and offset.shape == scale.shape
            and (n_columns is None or offset.shape[0] == n_columns)
            and np.all(np.isfinite(offset))
            and np.all(np.isfinite(scale))
            and np.all(scale != 0)
        )
        if not ok:
            raise ModelFileError(
                f"scaling metadata is invalid: {method!r:.40} with offset "
                f"{str(offset)[:100]} and scale {str(scale)[:100]}"
                + ("" if n_columns is None else f" (expected {n_columns} columns)")
            )
        return cls(method, offset, scale)


def check_method(name: str, value: str) -> str:
    """``value`` if it is a scaling method, else an error naming ``name``."""
    if value not in METHODS:
        raise InvalidValueError(f"{name}: expected one of {METHODS}, got {value!r}")
    return value
