"""Compiled kernels (numba): a small network's whole step in one call.

For a network as small as the tutorial's 2-3-1, a NumPy step is some 25 calls
of under a microsecond of arithmetic each; their overhead is the whole cost.
These kernels run the mathematics of :mod:`chainrule.core.forward` and
:mod:`chainrule.core.backward` (forward pass, cost, backward pass, and the
gradient-descent update ``θ := θ − α ∇J``) over the flat parameter vector
(``W1``, ``b1``, ``W2``, ... row-major, as :meth:`Network.get_flat`), for any
depth, in one compiled call.

They are not a copy of NumPy's order of operations: small products are plain
loops, larger ones the BLAS call ``np.dot`` makes, and sums run in blocks.
The results agree with the NumPy path within rounding (the tests bound the
difference on random architectures: see ``docs/performance.md``).

This module imports numba; it is imported only through
:mod:`chainrule.accel.compiled` (the Python side: the buffers' layout, the
warm-up, the full-batch epochs), which :mod:`chainrule.accel.loader` loads
when a plan asks for it.

The activation and cost codes are :data:`chainrule.accel.codes.ACT_CODES`
and :data:`~chainrule.accel.codes.LOSS_CODES` (``bce`` after a sigmoid).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from chainrule.core.activations import LEAKY_SLOPE

Array = np.ndarray

_SLOPE = LEAKY_SLOPE


#: Products of at least this many multiply-adds (m · K · n) call BLAS; below,
#: a loop is faster than the call.
BLAS_MIN = 4096
#: Block of :func:`blocked_sum`.
_BLOCK = 128


@njit(cache=True)
def blocked_sum(v: Array, lo: int, n: int) -> float:  # pragma: no cover (compiled)
    """``Σ v[lo:lo+n]``: sequential sums of blocks of 128, then their sum
    (a rounding error that grows with ``n / 128``, not with ``n``)."""
    total = 0.0
    for start in range(lo, lo + n, _BLOCK):
        part = 0.0
        for i in range(start, min(start + _BLOCK, lo + n)):
            part += v[i]
        total += part
    return total


@njit(cache=True)
def _blas(
    A: Array, ao: int, at: bool, B: Array, bo: int, bt: bool, C: Array, co: int,
    m: int, K: int, n: int
) -> None:  # pragma: no cover (compiled)  # fmt: skip
    """:func:`product` by ``np.dot`` (BLAS) on reshaped views."""
    Cv = C[co : co + m * n].reshape(m, n)
    Ac, Bc = A[ao : ao + m * K], B[bo : bo + K * n]
    Av = Ac.reshape(K, m).T if at else Ac.reshape(m, K)
    Bv = Bc.reshape(n, K).T if bt else Bc.reshape(K, n)
    np.dot(Av, Bv, Cv)


@njit(cache=True)
def product(
    A: Array, ao: int, at: bool, B: Array, bo: int, bt: bool, C: Array, co: int,
    m: int, K: int, n: int
) -> None:  # pragma: no cover (compiled)  # fmt: skip
    """``C = op(A) @ op(B)`` on flat arrays.

    ``op(A)`` is (m, K): the C-order block of ``A`` at ``ao``, or, when ``at``,
    the transpose of a (K, m) block; likewise ``op(B)`` (K, n) and ``bt``.
    ``C`` receives the (m, n) result in C order at ``co``.
    """
    if m * K * n >= BLAS_MIN:
        _blas(A, ao, at, B, bo, bt, C, co, m, K, n)
        return
    as0, as1 = (1, m) if at else (K, 1)
    bs0, bs1 = (1, K) if bt else (n, 1)
    for i in range(m):
        for j in range(n):
            s = 0.0
            for k in range(K):
                s += A[ao + i * as0 + k * as1] * B[bo + k * bs0 + j * bs1]
            C[co + i * n + j] = s


@njit(cache=True)
def activate(
    code: int, Z: Array, A: Array, o: int, size: int
) -> None:  # pragma: no cover (compiled)
    """``A[o:o+size] = f(Z[o:o+size])`` element-wise (the registry's ``f``)."""
    for i in range(o, o + size):
        x = Z[i]
        if code == 1:
            A[i] = 1.0 / (1.0 + math.exp(-x))
        elif code == 3:
            A[i] = 0.0 if x <= 0.0 else x  # NaN stays NaN, as np.maximum
        elif code == 4:
            A[i] = x if x > 0.0 else x * _SLOPE
        else:
            A[i] = x


@njit(cache=True)
def backprop(
    code: int, A: Array, Z: Array, G: Array, D: Array, o: int, size: int
) -> None:  # pragma: no cover (compiled)
    """``D = G · f'(Z)`` on ``[o, o+size)`` (``G`` is dJ/da)."""
    for i in range(o, o + size):
        if code == 1:
            D[i] = G[i] * ((1.0 - A[i]) * A[i])  # f' = (1 − a) a
        elif code == 3:
            D[i] = G[i] * (1.0 if Z[i] > 0.0 else 0.0)
        elif code == 4:
            D[i] = G[i] if Z[i] > 0.0 else G[i] * _SLOPE
        else:
            D[i] = G[i]


@njit(cache=True)
def logaddexp0(z: float) -> float:  # pragma: no cover (compiled)
    """``log(1 + e^z)`` without overflow."""
    if z > 0.0:
        return z + math.log1p(math.exp(-z))
    return math.log1p(math.exp(z))


@njit(cache=True)
def data_cost(
    loss: int, y: Array, P: Array, Z: Array, o: int, n: int, scratch: Array
) -> float:  # pragma: no cover (compiled)
    """The data term of :func:`chainrule.core.losses.cost_value` for ``n``
    examples: targets ``y`` (flat), outputs ``P[o:]`` and their ``Z[o:]``."""
    size = y.size
    for i in range(size):
        if loss == 2:  # log(1 + e^z) − y z: the bce of the logits
            scratch[i] = logaddexp0(Z[o + i]) - y[i] * Z[o + i]
        else:
            r = y[i] - P[o + i]
            scratch[i] = r * r
    s = blocked_sum(scratch, 0, size)
    if loss == 0:
        return 0.5 * s
    if loss == 1:
        return s / (2 * n)
    return s / n


@njit(cache=True)
def _unpack(meta: Array) -> tuple[Array, Array, Array]:  # pragma: no cover (compiled)
    """``(sizes, acts, offs)`` of a :func:`plan`."""
    L = meta.shape[1] - 1
    return meta[0], meta[1, :L], meta[2:, :L]


@njit(cache=True)
def _forward(
    theta: Array, X: Array, m: int, sizes: Array, acts: Array, offs: Array,
    Z: Array, A: Array
) -> None:  # pragma: no cover (compiled)  # fmt: skip
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
    theta: Array, y: Array, m: int, sizes: Array, acts: Array, offs: Array,
    loss: int, l2: float, Z: Array, A: Array, scratch: Array
) -> float:  # pragma: no cover (compiled)  # fmt: skip
    """:func:`chainrule.core.forward.total_cost` of the pass in ``Z`` and ``A``."""
    o = m * offs[2, acts.size - 1]
    J = data_cost(loss, y, A, Z, o, m, scratch)
    if l2 == 0.0:
        return J
    penalty = 0.0
    for l in range(acts.size):
        lo, size = offs[0, l], sizes[l] * sizes[l + 1]
        for i in range(lo, lo + size):
            penalty += theta[i] * theta[i]
    return J + 0.5 * l2 * penalty


@njit(cache=True)
def _backward(
    theta: Array, X: Array, y: Array, m: int, sizes: Array, acts: Array,
    offs: Array, loss: int, l2: float, Z: Array, A: Array, D: Array, G: Array,
    grad: Array
) -> None:  # pragma: no cover (compiled)  # fmt: skip
    """Every gradient into ``grad`` (laid out as θ), as backward().

    ``D`` receives each layer's delta and ``G`` its dJ/da, in the blocks of
    ``Z`` and ``A``.
    """
    top = acts.size - 1
    o, size = m * offs[2, top], m * sizes[top + 1]
    for i in range(o, o + size):
        # sse: dJ/dŷ = ŷ − y; mse: (ŷ − y)/N; bce after a sigmoid: the fused
        # delta (ŷ − y)/N (derived in chainrule.core.losses)
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
            for j in range(n_out):
                grad[bo + j] = 0.0
            for i in range(m):
                for j in range(n_out):
                    grad[bo + j] += D[do + i * n_out + j]
        if l > 0:  # dJ/da{l} = delta{l+1} W{l}ᵀ, then delta{l} = dJ/da{l} f'(z{l})
            product(D, do, False, theta, wo, True, G, so, m, n_out, n_in)
            backprop(acts[l - 1], A, Z, G, D, so, m * n_in)


@njit(cache=True)
def descend(
    theta: Array, grad: Array, lr: float
) -> None:  # pragma: no cover (compiled)
    """``θ := θ − α ∇J`` (the update of :func:`chainrule.train.optimizers.gd`)."""
    for i in range(theta.size):
        theta[i] -= lr * grad[i]


@njit(cache=True)
def step(
    theta: Array, X: Array, y: Array, meta: Array, loss: int, l2: float, lr: float,
    work: Array, grad: Array
) -> tuple[float, bool]:  # pragma: no cover (compiled)  # fmt: skip
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
    if not math.isfinite(blocked_sum(grad, 0, grad.size)):
        return J, False
    descend(theta, grad, lr)
    return J, True


@njit(cache=True)
def fit_gd(
    theta: Array, X: Array, y: Array, meta: Array, loss: int, l2: float,
    lrs: Array, costs: Array, work: Array, grad: Array, prev: Array
) -> int:  # pragma: no cover (compiled)  # fmt: skip
    """Full-batch gradient descent for ``lrs.size`` epochs; returns the count.

    ``costs[e]`` receives the cost after epoch ``e``'s update (as
    ``History.cost``). The run stops at the first epoch whose cost, ``z`` or
    parameters are not finite: θ is then restored to the epoch before and the
    returned count is that epoch's index (``costs`` is filled up to it). A
    non-finite cost before the first update returns −1.
    """
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
        prev[:] = theta
        descend(theta, grad, lrs[e])
        total = blocked_sum(theta, 0, theta.size)
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


# Element-wise passes of the large networks' fused step (chainrule.accel.fused):
# one pass each where NumPy makes two, over a block of rows, without the GIL
# (so that threads can share the rows).


@njit(cache=True, nogil=True)
def bias_relu(
    z: Array, b: Array, relu: bool, lo: int, hi: int
) -> None:  # pragma: no cover (compiled)
    """Rows ``lo:hi`` of ``z := z + b`` (b: one row, or none if empty), then
    ``max(z, 0)`` if ``relu``; NaN stays NaN, as with ``np.maximum``."""
    n = z.shape[1]
    for i in range(lo, hi):
        for j in range(n):
            v = z[i, j] + b[0, j] if b.shape[1] else z[i, j]
            if relu and v <= 0:
                z[i, j] = 0
            else:
                z[i, j] = v


@njit(cache=True, nogil=True)
def relu_delta(
    g: Array, a: Array, out: Array, lo: int, hi: int
) -> None:  # pragma: no cover (compiled)
    """Rows ``lo:hi`` of ``out = g · relu'(z)``, the mask from ``a = relu(z)``
    (``a > 0`` exactly where ``z > 0``)."""
    n = g.shape[1]
    for i in range(lo, hi):
        for j in range(n):
            out[i, j] = g[i, j] * (a[i, j] > 0)
