"""Compiled kernels (numba) for small networks: one step in one call.

For a network as small as the tutorial's 2-3-1, a NumPy step is some 25 calls
of under a microsecond of arithmetic each; their overhead is the whole cost.
These kernels run the forward pass, the cost, the backward pass and the
gradient-descent update of :mod:`chainrule.core.forward` and
:mod:`chainrule.core.backward` over the flat parameter vector (``W1``, ``b1``,
``W2``, ... row-major, as :meth:`Network.get_flat`), for any depth, in one
compiled call.

They repeat the NumPy path's operations in its order: the same BLAS calls for
the products (see :func:`matmul`), NumPy's pairwise order for the sums
(:func:`pairwise_sum`), the same element-wise formulas. Results agree with the
NumPy path bit for bit on this project's machines (the tests compare them on
random architectures; a BLAS or C library other than NumPy's could differ by an
ulp).

This module imports numba; import it only through
:mod:`chainrule.core.dispatch`, which falls back to NumPy without it.

Codes: activations ``identity`` 0, ``sigmoid`` 1, ``relu`` 3, ``leaky_relu`` 4;
costs ``sse`` 0, ``mse`` 1, ``bce`` 2 (sigmoid output).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numba import njit
from numba.core.errors import NumbaPerformanceWarning

from chainrule.core.compiled_ops import (
    activate,
    backprop,
    data_cost,
    matmul,
    pairwise_sum,
)

#: ``tanh`` has no code: NumPy's own vectorised tanh and the C library's differ
#: by an ulp, so tanh networks stay on the NumPy path.
ACT_CODES = {"identity": 0, "sigmoid": 1, "relu": 3, "leaky_relu": 4}
LOSS_CODES = {"sse": 0, "mse": 1, "bce": 2}


@njit(cache=True)
def _block(work, row, lo, m, n):  # pragma: no cover (compiled)
    """Row ``row`` of ``work`` from ``lo``, as an (m, n) matrix."""
    return work[row, lo : lo + m * n].reshape(m, n)


@njit(cache=True)
def _forward(theta, X, sizes, acts, offs, work):  # pragma: no cover (compiled)
    """``z{l+1} = a{l} W{l} + b{l}``, ``a{l+1} = f(z{l+1})`` into rows 0 and 1."""
    m = X.shape[0]
    a = X
    for l in range(acts.size):
        n_in, n_out = sizes[l], sizes[l + 1]
        W = theta[offs[0, l] : offs[0, l] + n_in * n_out].reshape(n_in, n_out)
        z = _block(work, 0, m * offs[2, l], m, n_out)
        matmul(a, W, z)
        if offs[1, l] >= 0:
            b = theta[offs[1, l] : offs[1, l] + n_out]
            for i in range(m):
                for j in range(n_out):
                    z[i, j] += b[j]
        a_next = _block(work, 1, m * offs[2, l], m, n_out)
        activate(acts[l], z, a_next)
        a = a_next
    return a


@njit(cache=True)
def _total_cost(theta, y, sizes, acts, offs, loss, l2, work):  # pragma: no cover
    """:func:`chainrule.core.forward.total_cost` of the pass in ``work``."""
    m, top = y.shape[0], acts.size - 1
    yhat = _block(work, 1, m * offs[2, top], m, sizes[top + 1])
    z = _block(work, 0, m * offs[2, top], m, sizes[top + 1])
    J = data_cost(loss, y, yhat, z, work[3])
    if l2 == 0.0:
        return J + 0.0
    penalty = 0.0
    for l in range(acts.size):
        lo, size = offs[0, l], sizes[l] * sizes[l + 1]
        for i in range(size):
            work[3, i] = theta[lo + i] * theta[lo + i]
        penalty += pairwise_sum(work[3], 0, size)
    return J + 0.5 * l2 * penalty


@njit(cache=True)
def _output_delta(y, sizes, acts, offs, loss, work):  # pragma: no cover (compiled)
    """``delta{L+1}`` into row 2 (:func:`~chainrule.core.backward.output_delta`)."""
    m, top = y.shape[0], acts.size - 1
    k, lo = sizes[top + 1], m * offs[2, top]
    yhat, z = _block(work, 1, lo, m, k), _block(work, 0, lo, m, k)
    d, g = _block(work, 2, lo, m, k), _block(work, 3, lo, m, k)
    for i in range(m):
        for j in range(k):
            # sse: dJ/dŷ = ŷ − y; mse: (ŷ − y)/N; bce after a sigmoid: the
            # fused delta (ŷ − y)/N (derived in chainrule.core.losses.fused_delta)
            g[i, j] = yhat[i, j] - y[i, j]
            if loss != 0:
                g[i, j] /= m
    if loss == 2:
        d[:, :] = g
    else:
        backprop(acts[top], yhat, z, g, d)
    return d


@njit(cache=True)
def _backward(theta, X, y, sizes, acts, offs, loss, l2, work, grad):  # pragma: no cover
    """Every gradient into ``grad`` (laid out as θ), as backward()."""
    m = X.shape[0]
    d = _output_delta(y, sizes, acts, offs, loss, work)
    for l in range(acts.size - 1, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        lo = offs[0, l]
        W = theta[lo : lo + n_in * n_out].reshape(n_in, n_out)
        dW = grad[lo : lo + n_in * n_out].reshape(n_in, n_out)
        a = X if l == 0 else _block(work, 1, m * offs[2, l - 1], m, n_in)
        matmul(a.T, d, dW)  # dJdW{l} = a{l}ᵀ delta{l+1} (+ λ W{l})
        if l2 != 0.0:
            for r in range(n_in):
                for j in range(n_out):
                    dW[r, j] += W[r, j] * l2
        if offs[1, l] >= 0:  # dJdb{l} = Σ_examples delta{l+1}
            db = grad[offs[1, l] : offs[1, l] + n_out]
            if n_out == 1:  # one column: NumPy sums it as a vector, pairwise
                db[0] = pairwise_sum(d.ravel(), 0, m)
            else:  # row after row
                db[:] = d[0]
                for i in range(1, m):
                    for j in range(n_out):
                        db[j] += d[i, j]
        if l > 0:  # dJ/da{l} = delta{l+1} W{l}ᵀ, then delta{l} = dJ/da{l} f'(z{l})
            g = _block(work, 3, m * offs[2, l - 1], m, n_in)
            matmul(d, W.T, g)
            z = _block(work, 0, m * offs[2, l - 1], m, n_in)
            d_prev = _block(work, 2, m * offs[2, l - 1], m, n_in)
            backprop(acts[l - 1], a, z, g, d_prev)
            d = d_prev


@njit(cache=True)
def step(theta, X, y, sizes, acts, offs, loss, l2, lr, work, grad):  # pragma: no cover
    """One step ``θ := θ − α ∂J/∂θ`` in place; returns ``(J, updated)``.

    ``J`` is the cost before the step. θ is updated only when ``J`` and the
    gradient are finite (``updated``); the caller decides what a non-finite
    value means (unchecked input, or a divergence).

    Parameters
    ----------
    theta : (n_params,) float64 array
        The flat parameters, updated in place when ``J`` is finite.
    X : (m, n_inputs) C-contiguous array
    y : (m, n_outputs) C-contiguous array
    sizes : (L+1,) int64 array
    acts : (L,) int64 array of activation codes
    offs : (3, L) int64 array
        Offset of ``W{l}`` and of ``b{l}`` (−1: none) in θ, and the number of
        units before layer ``l``'s output (see :func:`layout`).
    loss : int
    l2, lr : float
    work : (4, m · Σ n_l) float64 array
        Scratch: z, a, delta and dJ/da of every layer.
    grad : (n_params,) float64 array
        Receives the gradient.
    """
    _forward(theta, X, sizes, acts, offs, work)
    J = _total_cost(theta, y, sizes, acts, offs, loss, l2, work)
    if not math.isfinite(J):
        return J, False
    _backward(theta, X, y, sizes, acts, offs, loss, l2, work, grad)
    total = 0.0
    for i in range(grad.size):
        total += grad[i]
    if not math.isfinite(total):
        return J, False
    for i in range(theta.size):
        theta[i] = theta[i] - lr * grad[i]  # as NumPy's v − lr·g
    return J, True


@njit(cache=True)
def fit_gd(theta, X, y, sizes, acts, offs, loss, l2, lrs, costs, work, grad, prev):
    """Full-batch gradient descent for ``lrs.size`` epochs; returns the count.

    ``costs[e]`` receives the cost after epoch ``e``'s update (as
    ``History.cost``). The run stops at the first epoch whose cost or
    parameters are not finite: θ is then restored to the epoch before and the
    returned count is that epoch's index (``costs`` is filled up to it). A
    non-finite cost before the first update returns −1.
    """  # pragma: no cover (compiled)
    _forward(theta, X, sizes, acts, offs, work)
    J = _total_cost(theta, y, sizes, acts, offs, loss, l2, work)
    if not math.isfinite(J):
        return -1
    for e in range(lrs.size):
        _backward(theta, X, y, sizes, acts, offs, loss, l2, work, grad)
        lr = lrs[e]
        for i in range(theta.size):
            prev[i] = theta[i]
            theta[i] = theta[i] - lr * grad[i]
        total = pairwise_sum(theta, 0, theta.size)  # as np.add.reduce(theta)
        _forward(theta, X, sizes, acts, offs, work)
        J = _total_cost(theta, y, sizes, acts, offs, loss, l2, work)
        m, top = y.shape[0], acts.size - 1
        for i in range(m * (offs[2, top] + sizes[top + 1])):  # every layer's z
            if not math.isfinite(work[0, i]):
                J = math.inf  # an overflowed z: divergence, as the NumPy loop
                break
        costs[e] = J
        if not (math.isfinite(J) and math.isfinite(total)):
            theta[:] = prev
            return e
    return lrs.size


def layout(sizes, bias) -> np.ndarray:
    """The ``offs`` array of :func:`step` for a network's sizes and biases."""
    L = len(sizes) - 1
    offs = np.empty((3, L), np.int64)
    start, units = 0, 0
    for l in range(L):
        offs[0, l] = start
        start += sizes[l] * sizes[l + 1]
        offs[1, l] = start if bias[l] else -1
        start += sizes[l + 1] if bias[l] else 0
        offs[2, l] = units
        units += sizes[l + 1]
    return offs


def work_shape(sizes, m: int) -> tuple[int, int]:
    """The shape of :func:`step`'s ``work`` for ``m`` examples."""
    return 4, max(
        m * sum(sizes[1:]),
        m * max(sizes[1:]),
        max(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)),
    )


def warm_up() -> None:
    """Compile (or load from the disk cache) :func:`step` and :func:`fit_gd`.

    The call types are those the library makes (float64 C-contiguous arrays,
    int64 codes), so that later calls find the compiled code.
    """
    with warnings.catch_warnings():
        # numba's advice that np.dot is faster on contiguous arrays: the
        # transposed operands are what NumPy's own products get
        warnings.simplefilter("ignore", NumbaPerformanceWarning)
        _call_each_kernel()


def _call_each_kernel() -> None:
    sizes = [1, 1]
    X, y = np.ones((1, 1)), np.ones((1, 1))
    theta, grad = np.zeros(2), np.empty(2)
    work = np.empty(work_shape(sizes, 1))
    codes = (np.asarray(sizes, np.int64), np.zeros(1, np.int64))
    offs = layout(sizes, [True])
    step(theta, X, y, *codes, offs, 0, 0.0, 0.1, work, grad)
    lrs, costs = np.full(1, 0.1), np.empty(1)
    fit_gd(theta, X, y, *codes, offs, 0, 0.0, lrs, costs, work, grad, np.empty(2))


def cache_misses() -> int:
    """How many kernels this process compiled instead of loading them."""
    return sum(sum(k.stats.cache_misses.values()) for k in (step, fit_gd))


def cache_dir() -> str:
    """Where numba keeps the compiled kernels."""
    return step.stats.cache_path
