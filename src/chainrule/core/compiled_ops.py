"""The compiled building blocks of :mod:`chainrule.core.compiled`, each in
NumPy's order of operations (numba; import through :mod:`chainrule.core.dispatch`).

- :func:`pairwise_sum`: ``np.sum``'s pairwise summation;
- :func:`matmul`: the BLAS call ``np.dot`` makes, or its exact equivalent;
- :func:`activate`, :func:`backprop`: the registry's in-place ``f`` and
  ``dJ/da · f'``, by activation code;
- :func:`data_cost`: :func:`chainrule.core.losses.cost_value`.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from chainrule.core.activations import LEAKY_SLOPE

_SLOPE = LEAKY_SLOPE
#: numpy's pairwise summation block (numpy/_core/src/umath/loops_utils.h.src)
_PW_BLOCKSIZE = 128


@njit(cache=True)
def block_sum(v, lo, n):  # pragma: no cover (compiled)
    """``np.sum`` of at most 128 values: sequential below 8, else 8 partial sums."""
    if n < 8:
        res = -0.0
        for i in range(n):
            res += v[lo + i]
        return res
    r0, r1, r2, r3 = v[lo], v[lo + 1], v[lo + 2], v[lo + 3]
    r4, r5, r6, r7 = v[lo + 4], v[lo + 5], v[lo + 6], v[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += v[lo + i]
        r1 += v[lo + i + 1]
        r2 += v[lo + i + 2]
        r3 += v[lo + i + 3]
        r4 += v[lo + i + 4]
        r5 += v[lo + i + 5]
        r6 += v[lo + i + 6]
        r7 += v[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += v[lo + i]
        i += 1
    return res


@njit(cache=True)
def pairwise_sum(v, lo, n):  # pragma: no cover (compiled)
    """``np.sum(v[lo:lo+n])`` in NumPy's order (``pairwise_sum`` in numpy's
    ``loops_utils.h.src``): blocks of 128 by :func:`block_sum`, halves above,
    each half a multiple of 8. The recursion runs on an explicit stack
    (numba's cache cannot hold a recursive function)."""
    if n <= _PW_BLOCKSIZE:
        return block_sum(v, lo, n)
    f_lo, f_n = np.empty(64, np.int64), np.empty(64, np.int64)
    f_stage, f_left = np.zeros(64, np.int64), np.empty(64)
    sp, f_lo[0], f_n[0] = 0, lo, n
    while True:
        half = f_n[sp] // 2
        half -= half % 8
        if f_stage[sp] == 0:
            c_lo, c_n = f_lo[sp], half
        else:
            c_lo, c_n = f_lo[sp] + half, f_n[sp] - half
        if c_n > _PW_BLOCKSIZE:  # descend
            sp += 1
            f_lo[sp], f_n[sp], f_stage[sp] = c_lo, c_n, 0
            continue
        r = block_sum(v, c_lo, c_n)
        while True:  # hand r to the frame that asked for it
            if f_stage[sp] == 0:
                f_left[sp], f_stage[sp] = r, 1
                break
            r = f_left[sp] + r
            sp -= 1
            if sp < 0:
                return r
            # the frame below gets this frame's sum as its left or right half


@intrinsic
def fma(typingctx, a, b, c):
    """``a·b + c`` rounded once (LLVM's ``llvm.fma``), as OpenBLAS's kernels."""
    if not all(t == types.float64 for t in (a, b, c)):
        return None

    def codegen(context, builder, signature, args):
        f64 = ir.DoubleType()
        fnty = ir.FunctionType(f64, [f64, f64, f64])
        return builder.call(
            builder.module.declare_intrinsic("llvm.fma", [f64], fnty), args
        )

    return types.float64(types.float64, types.float64, types.float64), codegen


@njit(cache=True)
def matmul(A, B, C):  # pragma: no cover (compiled)
    """``C = A @ B``, with the bits of NumPy's ``np.dot``.

    NumPy multiplies a matrix by a one-column or one-row matrix with BLAS
    ``gemv``, two vectors with ``dot``, everything else with ``gemm``. For
    ``gemm`` with an inner dimension under 8, OpenBLAS forms each entry as a
    chain of fused multiply-adds in order, which the loop here repeats without
    a call (tested bit for bit in tests/test_compiled.py); every other case
    makes the BLAS call NumPy makes, through numba.
    """
    m, K = A.shape
    n = B.shape[1]
    if m > 1 and n > 1 and K < 8:
        for i in range(m):
            for j in range(n):
                s = 0.0
                for k in range(K):
                    s = fma(A[i, k], B[k, j], s)
                C[i, j] = s
    elif m == 1 and n == 1:
        C[0, 0] = np.dot(A.ravel(), B.ravel())
    elif n == 1:
        np.dot(A, B.ravel(), C.ravel())
    elif m == 1:
        np.dot(A.ravel(), B, C.ravel())
    else:
        np.dot(A, B, C)


@njit(cache=True)
def activate(code, z, a):  # pragma: no cover (compiled)
    """``a = f(z)`` element-wise (the registry's ``f_into``)."""
    z1, a1 = z.ravel(), a.ravel()
    for i in range(z1.size):
        x = z1[i]
        if code == 1:
            a1[i] = 1.0 / (1.0 + math.exp(-x))  # scipy's expit
        elif code == 3:
            a1[i] = 0.0 if x <= 0.0 else x  # np.maximum(z, 0), NaN included
        elif code == 4:
            a1[i] = x if x > 0.0 else x * _SLOPE
        else:
            a1[i] = x


@njit(cache=True)
def backprop(code, a, z, g, d):  # pragma: no cover (compiled)
    """``d = g · f'(z)`` (the registry's ``grad_into``; ``g`` = dJ/da)."""
    a1, z1, g1, d1 = a.ravel(), z.ravel(), g.ravel(), d.ravel()
    for i in range(d1.size):
        if code == 1:
            d1[i] = g1[i] * ((1.0 - a1[i]) * a1[i])  # f' = (1 − a) a
        elif code == 3:
            d1[i] = g1[i] * (1.0 if z1[i] > 0.0 else 0.0)
        elif code == 4:
            d1[i] = g1[i] if z1[i] > 0.0 else g1[i] * _SLOPE
        else:
            d1[i] = g1[i]


@njit(cache=True)
def logaddexp0(z):  # pragma: no cover (compiled)
    """``log(1 + e^z)`` as ``np.logaddexp(0, z)`` (npy_logaddexp)."""
    if z == 0.0:
        return z + math.log(2.0)
    if z > 0.0:
        return z + math.log1p(math.exp(-z))
    return 0.0 + math.log1p(math.exp(z))


@njit(cache=True)
def data_cost(loss, y, yhat, z, scratch):  # pragma: no cover (compiled)
    """The data term of :func:`chainrule.core.losses.cost_value`."""
    n = y.shape[0]
    y1, p1, z1 = y.ravel(), yhat.ravel(), z.ravel()
    size = y1.size
    for i in range(size):
        if loss == 2:  # log(1 + e^z) − y z: the bce of the logits
            scratch[i] = logaddexp0(z1[i]) - y1[i] * z1[i]
        else:
            r = y1[i] - p1[i]
            scratch[i] = r * r
    s = pairwise_sum(scratch, 0, size)
    if loss == 0:
        return 0.5 * s
    if loss == 1:
        return s / (2 * n)
    return s / n
