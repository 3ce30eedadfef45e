"""The logistic sigmoid, softmax and log-softmax in NumPy, stable for any input.

``scipy.special`` has all three, but importing it takes about 0.2 s (it pulls
in ``numpy.f2py`` and ``numpy.testing``): longer than the rest of ``import
chainrule``. These are the same formulas, written with NumPy's ufuncs, so that
the values agree with SciPy's to within an ulp (``tests/test_numerics.py``
compares them on random inputs and at ±1000).

Examples
--------
>>> import numpy as np
>>> expit(np.array([-1000.0, 0.0, 1000.0]))
array([0. , 0.5, 1. ])
>>> softmax(np.array([[0.0, np.log(3.0)]]))
array([[0.25, 0.75]])
>>> log_softmax(np.array([[1000.0, 0.0]]))
array([[    0., -1000.]])
"""

from __future__ import annotations

import numpy as np

from chainrule.core.xp import namespace

Array = np.ndarray

#: Below these, ``exp`` does not overflow (float64: 709.78; float32: 88.72).
_EXP_SAFE = {"d": 709.0, "f": 88.0}


def expit(x: Array, out: Array | None = None) -> Array:
    """``1 / (1 + exp(-x))``, element-wise; ``out`` (shape of ``x``) to write into.

    Parameters
    ----------
    x : (...) array
    out : (...) array, optional

    Returns
    -------
    (...) array
        In [0, 1]: ``exp(-x)`` overflows to infinity for ``x < -709.78``
        (float64), and then ``1 / inf`` is exactly 0, as in
        ``scipy.special.expit``; the overflow is expected, so it is not
        reported.
    """
    xp = namespace(x)
    if xp is not np:  # another array library: its own operations, no buffer
        return 1.0 / (1.0 + xp.exp(-x))
    x = np.asarray(x)
    if out is None:
        out = np.empty_like(x, dtype=np.result_type(x, 0.5))
    np.negative(x, out=out)
    if out.size and not out.max() < _EXP_SAFE.get(out.dtype.char, 0.0):
        with np.errstate(over="ignore"):  # exp overflows: 1 / inf is 0
            np.exp(out, out=out)
    else:  # the common case, without the cost of changing the error state
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def softmax(x: Array, axis: int = -1) -> Array:
    """``exp(x_k - m) / Σ_j exp(x_j - m)`` along ``axis``, ``m`` the largest ``x_j``.

    Subtracting the maximum keeps every exponential in (0, 1], so no row
    overflows, and the largest term is 1, so no sum is 0.

    Parameters
    ----------
    x : (..., k) array
    axis : int

    Returns
    -------
    (..., k) array
        Non-negative, each slice along ``axis`` summing to 1.
    """
    xp = namespace(x)
    x = np.asarray(x) if xp is np else x
    e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
    return e / xp.sum(e, axis=axis, keepdims=True)


def log_softmax(x: Array, axis: int = -1) -> Array:
    """``x_k - m - log Σ_j exp(x_j - m)``: the logarithm of :func:`softmax`.

    Exact where ``softmax`` rounds to 0: ``log_softmax([1000, 0])`` is
    ``[0, -1000]``, not ``[0, -inf]``. A maximum that is not finite is
    replaced by 0 before the subtraction (SciPy's rule), so a row of
    ``-inf`` gives ``nan`` rather than an error.

    Parameters
    ----------
    x : (..., k) array
    axis : int

    Returns
    -------
    (..., k) array
    """
    xp = namespace(x)
    if xp is not np:  # another array library: its own operations
        m = xp.max(x, axis=axis, keepdims=True)
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        shifted = x - m
        return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))
    x = np.asarray(x)
    m = np.max(x, axis=axis, keepdims=True)
    m[~np.isfinite(m)] = 0
    shifted = x - m
    with np.errstate(divide="ignore"):
        total = np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return shifted - total
