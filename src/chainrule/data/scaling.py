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

from collections.abc import Iterable
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
    def fit(cls, method: str, A: Array) -> Scaler:
        """Fit ``method`` to the columns of ``A``.

        Parameters
        ----------
        method : {"max", "standard", "none"}
        A : (n, k) array

        Raises
        ------
        UnknownNameError
            ``method`` is not one of :data:`METHODS`.
        """
        if method not in METHODS:
            raise UnknownNameError(
                f"scaling: unknown method {method!r}; expected one of {METHODS}"
            )
        A = np.asarray(A, dtype=np.float64)
        k = A.shape[1]
        offset, scale = np.zeros(k), np.ones(k)
        if method == "max":
            scale = np.max(np.abs(A), axis=0)
        elif method == "standard":
            offset, scale = _mean_std(A)
        scale = np.where(scale > 0, scale, 1.0)
        return cls(method, offset, scale)

    @classmethod
    def fit_columns(cls, method: str, columns: Iterable[Array]) -> Scaler:
        """:meth:`fit` on a matrix given column by column (1-D arrays).

        For a matrix that is not made yet, or too big to copy: each column
        is fitted as :meth:`fit` fits it, and may be dropped once fitted.

        Examples
        --------
        >>> Scaler.fit_columns("max", iter([np.array([1.0, -4.0])])).scale
        array([4.])
        """
        fitted = [cls.fit(method, np.reshape(c, (-1, 1))) for c in columns]
        return cls.concat(method, fitted)

    @classmethod
    def concat(cls, method: str, parts: list[Scaler]) -> Scaler:
        """The scalers of consecutive column runs as one (in order).

        Examples
        --------
        >>> a = Scaler("max", np.zeros(1), np.ones(1))
        >>> b = Scaler("max", np.zeros(2), np.full(2, 4.0))
        >>> Scaler.concat("max", [a, b]).scale
        array([1., 4., 4.])
        """
        if not parts:
            return cls.fit(method, np.zeros((1, 0)))
        offset = np.concatenate([p.offset for p in parts])
        return cls(method, offset, np.concatenate([p.scale for p in parts]))

    def columns(self, start: int, stop: int) -> Scaler:
        """The scaler of columns ``start`` to ``stop - 1`` alone."""
        return Scaler(self.method, self.offset[start:stop], self.scale[start:stop])

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
