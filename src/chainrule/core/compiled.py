"""Compiled kernels (numba) for small networks: one step in one call.

For a network as small as the tutorial's 2-3-1, a NumPy step is some 25 calls
of under a microsecond of arithmetic each; their overhead is the whole cost.
These kernels run the forward pass, the cost, the backward pass and the
gradient-descent update of :mod:`chainrule.core.forward` and
:mod:`chainrule.core.backward` over the flat parameter vector (``W1``, ``b1``,
``W2``, ... row-major, as :meth:`Network.get_flat`), for any depth, in one
compiled call.

They repeat the NumPy path's operations in its order: the products in the
order of the BLAS kernels ``np.dot`` reaches (see
:func:`~chainrule.core.compiled_ops.product`), NumPy's pairwise order for the sums
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
    bias_relu,
    data_cost,
    pairwise_sum,
    product,
    relu_delta,
)

#: the element-wise passes of :mod:`chainrule.train.fused`, compiled with the rest
ELEMENTWISE = (bias_relu, relu_delta)

#: ``tanh`` has no code: NumPy's own vectorised tanh and the C library's differ
#: by an ulp, so tanh networks stay on the NumPy path.
ACT_CODES = {"identity": 0, "sigmoid": 1, "relu": 3, "leaky_relu": 4}
LOSS_CODES = {"sse": 0, "mse": 1, "bce": 2}


@njit(cache=True)
def _unpack(meta):  # pragma: no cover (compiled)
    """``(sizes, acts, offs)`` of a :func:`plan`."""
    L = meta.shape[1] - 1
    return meta[0], meta[1, :L], meta[2:, :L]


@njit(cache=True)
def _forward(theta, X, m, sizes, acts, offs, Z, A):  # pragma: no cover (compiled)
    """``z{l+1} = a{l} W{l} + b{l}``, ``a{l+1} = f(z{l+1})`` into ``Z`` and ``A``.

    ``X`` is the flat input (``m`` rows); layer ``l``'s output is the C-order
    (m, n_{l+1}) block at ``m · offs[2, l]`` of ``Z`` and ``A``.
    """
    src, so = X, 0
    for l in range(acts.size):
        n_in, n_out = sizes[l], sizes[l + 1]
        o = m * offs[2, l]
        product(src, so, False, theta, offs[0, l], False, Z, o, m, n_in, n_out)
        bo = offs[1, l]
        if bo >= 0:
            for i in range(m):
                for j in range(n_out):
                    Z[o + i * n_out + j] += theta[bo + j]
        activate(acts[l], Z, A, o, m * n_out)
        src, so = A, o


@njit(cache=True)
def _total_cost(
    theta, y, m, sizes, acts, offs, loss, l2, Z, A, scratch
):  # pragma: no cover
    """:func:`chainrule.core.forward.total_cost` of the pass in ``Z`` and ``A``."""
    o = m * offs[2, acts.size - 1]
    J = data_cost(loss, y, A, Z, o, m, scratch)
    if l2 == 0.0:
        return J + 0.0
    penalty = 0.0
    for l in range(acts.size):
        lo, size = offs[0, l], sizes[l] * sizes[l + 1]
        for i in range(size):
            scratch[i] = theta[lo + i] * theta[lo + i]
        penalty += pairwise_sum(scratch, 0, size)
    return J + 0.5 * l2 * penalty


@njit(cache=True)
def _backward(
    theta, X, y, m, sizes, acts, offs, loss, l2, Z, A, D, G, grad
):  # pragma: no cover
    """Every gradient into ``grad`` (laid out as θ), as backward().

    ``D`` receives each layer's delta and ``G`` its dJ/da, in the blocks of
    ``Z`` and ``A``.
    """
    top = acts.size - 1
    o, size = m * offs[2, top], m * sizes[top + 1]
    for i in range(o, o + size):
        # sse: dJ/dŷ = ŷ − y; mse: (ŷ − y)/N; bce after a sigmoid: the fused
        # delta (ŷ − y)/N (derived in chainrule.core.losses.fused_delta)
        g = A[i] - y[i - o]
        if loss != 0:
            g /= m
        G[i] = g
    if loss == 2:
        D[o : o + size] = G[o : o + size]
    else:
        backprop(acts[top], A, Z, G, D, o, size)
    for l in range(top, -1, -1):
        n_in, n_out = sizes[l], sizes[l + 1]
        wo, do = offs[0, l], m * offs[2, l]
        if l == 0:
            src, so = X, 0
        else:
            src, so = A, m * offs[2, l - 1]
        # dJdW{l} = a{l}ᵀ delta{l+1} (+ λ W{l})
        product(src, so, True, D, do, False, grad, wo, n_in, m, n_out)
        if l2 != 0.0:
            for r in range(wo, wo + n_in * n_out):
                grad[r] += theta[r] * l2
        bo = offs[1, l]
        if bo >= 0:  # dJdb{l} = Σ_examples delta{l+1}
            if n_out == 1:  # one column: NumPy sums it as a vector, pairwise
                grad[bo] = pairwise_sum(D, do, m)
            else:  # row after row
                for j in range(n_out):
                    grad[bo + j] = D[do + j]
                for i in range(1, m):
                    for j in range(n_out):
                        grad[bo + j] += D[do + i * n_out + j]
        if l > 0:  # dJ/da{l} = delta{l+1} W{l}ᵀ, then delta{l} = dJ/da{l} f'(z{l})
            product(D, do, False, theta, wo, True, G, so, m, n_out, n_in)
            backprop(acts[l - 1], A, Z, G, D, so, m * n_in)


@njit(cache=True)
def step(theta, X, y, meta, loss, l2, lr, work, grad):  # pragma: no cover
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
    meta : (5, L+1) int64 array
        The network's sizes, activation codes and offsets (see :func:`plan`).
    loss : int
    l2, lr : float
    work : (4, m · Σ n_l) float64 array
        Scratch: z, a, delta and dJ/da of every layer.
    grad : (n_params,) float64 array
        Receives the gradient.
    """
    m, X1, y1 = X.shape[0], X.ravel(), y.ravel()
    sizes, acts, offs = _unpack(meta)
    Z, A, D, G = work[0], work[1], work[2], work[3]
    _forward(theta, X1, m, sizes, acts, offs, Z, A)
    J = _total_cost(theta, y1, m, sizes, acts, offs, loss, l2, Z, A, G)
    if not math.isfinite(J):
        return J, False
    _backward(theta, X1, y1, m, sizes, acts, offs, loss, l2, Z, A, D, G, grad)
    total = 0.0
    for i in range(grad.size):
        total += grad[i]
    if not math.isfinite(total):
        return J, False
    for i in range(theta.size):
        theta[i] = theta[i] - lr * grad[i]  # as NumPy's v − lr·g
    return J, True


@njit(cache=True)
def passes(theta, X, y, meta, loss, l2, work, grad):  # pragma: no cover (compiled)
    """One forward and one backward pass, every intermediate left in ``work``
    (rows z, a, delta, dJ/da, blocks as in :func:`step`) and the gradient in
    ``grad``; returns the cost. Nothing is updated: this is ``trace``'s pass.
    """
    m, X1, y1 = X.shape[0], X.ravel(), y.ravel()
    sizes, acts, offs = _unpack(meta)
    Z, A, D, G = work[0], work[1], work[2], work[3]
    _forward(theta, X1, m, sizes, acts, offs, Z, A)
    J = _total_cost(theta, y1, m, sizes, acts, offs, loss, l2, Z, A, G)
    _backward(theta, X1, y1, m, sizes, acts, offs, loss, l2, Z, A, D, G, grad)
    return J


@njit(cache=True)
def fit_gd(theta, X, y, meta, loss, l2, lrs, costs, work, grad, prev):
    """Full-batch gradient descent for ``lrs.size`` epochs; returns the count.

    ``costs[e]`` receives the cost after epoch ``e``'s update (as
    ``History.cost``). The run stops at the first epoch whose cost or
    parameters are not finite: θ is then restored to the epoch before and the
    returned count is that epoch's index (``costs`` is filled up to it). A
    non-finite cost before the first update returns −1.
    """  # pragma: no cover (compiled)
    m, X1, y1 = X.shape[0], X.ravel(), y.ravel()
    sizes, acts, offs = _unpack(meta)
    Z, A, D, G = work[0], work[1], work[2], work[3]
    _forward(theta, X1, m, sizes, acts, offs, Z, A)
    J = _total_cost(theta, y1, m, sizes, acts, offs, loss, l2, Z, A, G)
    if not math.isfinite(J):
        return -1
    units = m * (offs[2, acts.size - 1] + sizes[acts.size])
    for e in range(lrs.size):
        _backward(theta, X1, y1, m, sizes, acts, offs, loss, l2, Z, A, D, G, grad)
        lr = lrs[e]
        for i in range(theta.size):
            prev[i] = theta[i]
            theta[i] = theta[i] - lr * grad[i]
        total = pairwise_sum(theta, 0, theta.size)  # as np.add.reduce(theta)
        _forward(theta, X1, m, sizes, acts, offs, Z, A)
        J = _total_cost(theta, y1, m, sizes, acts, offs, loss, l2, Z, A, G)
        for i in range(units):  # every layer's z
            if not math.isfinite(Z[i]):
                J = math.inf  # an overflowed z: divergence, as the NumPy loop
                break
        costs[e] = J
        if not (math.isfinite(J) and math.isfinite(total)):
            theta[:] = prev
            return e
    return lrs.size


def plan(sizes, activations, bias) -> np.ndarray:
    """The ``meta`` array of :func:`step` and :func:`fit_gd`: one int64 array,
    as each array argument costs a compiled call some 50 ns to unpack.

    Rows: the sizes (``L+1``), the activation codes (:data:`ACT_CODES`, then
    a 0), and the three rows of :func:`layout` (then 0s).
    """
    L = len(sizes) - 1
    meta = np.zeros((5, L + 1), np.int64)
    meta[0] = sizes
    meta[1, :L] = [ACT_CODES[a] for a in activations]
    meta[2:, :L] = layout(sizes, bias)
    return meta


def layout(sizes, bias) -> np.ndarray:
    """The offsets of a :func:`plan`: for each layer ``l``, where ``W{l}`` and
    ``b{l}`` (−1: none) start in θ, and the number of units before its output."""
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
    meta = plan(sizes, ["identity"], [True])
    step(theta, X, y, meta, 0, 0.0, 0.1, work, grad)
    lrs, costs = np.full(1, 0.1), np.empty(1)
    fit_gd(theta, X, y, meta, 0, 0.0, lrs, costs, work, grad, np.empty(2))
    passes(theta, X, y, meta, 0, 0.0, work, grad)
    for dtype in (np.float32, np.float64):
        z, b = np.ones((2, 2), dtype), np.ones((1, 2), dtype)
        bias_relu(z, b, True, 0, 2)
        relu_delta(z, z, z.copy(), 0, 2)


def cache_misses() -> int:
    """How many kernels this process compiled instead of loading them."""
    return sum(
        sum(k.stats.cache_misses.values()) for k in (step, fit_gd, passes, *ELEMENTWISE)
    )


def cache_dir() -> str:
    """Where numba keeps the compiled kernels."""
    return step.stats.cache_path
