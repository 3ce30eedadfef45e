"""The compiled building blocks of :mod:`chainrule.core.compiled`, each in
NumPy's order of operations (numba; import through :mod:`chainrule.core.dispatch`).

- :func:`pairwise_sum`: ``np.sum``'s pairwise summation;
- :func:`product`: ``np.dot`` on flat arrays, bit for bit: the kernel's
  order as a loop for small products, else :func:`matmul`, the BLAS call
  ``np.dot`` makes;
- :func:`activate`, :func:`backprop`: the registry's in-place ``f`` and
  ``dJ/da · f'``, by activation code, on a range of a flat array;
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
def _blas(A, ao, at, B, bo, bt, C, co, m, K, n):  # pragma: no cover (compiled)
    """:func:`product` through :func:`matmul` (NumPy's BLAS call) on views."""
    Cv = C[co : co + m * n].reshape(m, n)
    Ac, Bc = A[ao : ao + m * K], B[bo : bo + K * n]
    if at and bt:
        matmul(Ac.reshape(K, m).T, Bc.reshape(n, K).T, Cv)
    elif at:
        matmul(Ac.reshape(K, m).T, Bc.reshape(K, n), Cv)
    elif bt:
        matmul(Ac.reshape(m, K), Bc.reshape(n, K).T, Cv)
    else:
        matmul(Ac.reshape(m, K), Bc.reshape(K, n), Cv)


@njit(cache=True)
def product(A, ao, at, B, bo, bt, C, co, m, K, n):  # pragma: no cover (compiled)
    """``C = op(A) @ op(B)`` on flat arrays, with the bits of NumPy's ``np.dot``.

    ``op(A)`` is (m, K): the C-order block of ``A`` at ``ao``, or, when ``at``,
    the transpose of a (K, m) block; likewise ``op(B)`` (K, n) and ``bt``. ``C``
    receives the (m, n) result in C order at ``co``.

    Small products are loops here, in the order of the OpenBLAS kernel that
    ``np.dot`` reaches for them (each found bit for bit against ``np.dot``
    by tests/test_compiled.py): ``gemm`` with ``K < 8`` and ``dot`` with
    ``K < 10`` form each entry as a chain of fused multiply-adds over ``k``;
    ``gemv`` of a C-order matrix with ``K <= 3`` adds ``a_1 x_1`` into
    ``a_0 x_0`` by an FMA, then chains; ``gemv`` of a transposed matrix with
    ``m, K <= 3`` (or ``K = 1``) is an FMA chain. Everything else is the BLAS
    call NumPy makes (:func:`matmul`): there, a call's overhead is small
    beside its arithmetic.
    """
    as0, as1 = (1, m) if at else (K, 1)
    bs0, bs1 = (1, K) if bt else (n, 1)
    if m > 1 and n > 1:
        fma_chain = K < 8  # gemm
    elif m > 1:  # n == 1: gemv
        if not at and K <= 3:
            for i in range(m):
                a = ao + i * as0
                if K == 1:
                    s = A[a] * B[bo]
                else:
                    s = fma(A[a], B[bo], A[a + as1] * B[bo + bs0])
                    if K == 3:
                        s = fma(A[a + 2 * as1], B[bo + 2 * bs0], s)
                C[co + i] = s
            return
        fma_chain = at and (K == 1 or (m <= 3 and K <= 3))
    elif n > 1:  # m == 1: gemv
        fma_chain = False
    else:  # dot
        fma_chain = K < 10
    if not fma_chain:
        _blas(A, ao, at, B, bo, bt, C, co, m, K, n)
        return
    for i in range(m):
        for j in range(n):
            s = 0.0
            for k in range(K):
                s = fma(A[ao + i * as0 + k * as1], B[bo + k * bs0 + j * bs1], s)
            C[co + i * n + j] = s


@njit(cache=True)
def activate(code, Z, A, o, size):  # pragma: no cover (compiled)
    """``A[o:o+size] = f(Z[o:o+size])`` element-wise (the registry's ``f_into``)."""
    for i in range(o, o + size):
        x = Z[i]
        if code == 1:
            A[i] = 1.0 / (1.0 + math.exp(-x))  # scipy's expit
        elif code == 3:
            A[i] = 0.0 if x <= 0.0 else x  # np.maximum(z, 0), NaN included
        elif code == 4:
            A[i] = x if x > 0.0 else x * _SLOPE
        else:
            A[i] = x


@njit(cache=True)
def backprop(code, A, Z, G, D, o, size):  # pragma: no cover (compiled)
    """``D = G · f'(Z)`` on ``[o, o+size)`` (the registry's ``grad_into``;
    ``G`` is dJ/da)."""
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
def logaddexp0(z):  # pragma: no cover (compiled)
    """``log(1 + e^z)`` as ``np.logaddexp(0, z)`` (npy_logaddexp)."""
    if z == 0.0:
        return z + math.log(2.0)
    if z > 0.0:
        return z + math.log1p(math.exp(-z))
    return 0.0 + math.log1p(math.exp(z))


@njit(cache=True)
def data_cost(loss, y, P, Z, o, n, scratch):  # pragma: no cover (compiled)
    """The data term of :func:`chainrule.core.losses.cost_value` for ``n``
    examples: targets ``y`` (flat), outputs ``P[o:]`` and their ``Z[o:]``."""
    size = y.size
    for i in range(size):
        if loss == 2:  # log(1 + e^z) − y z: the bce of the logits
            scratch[i] = logaddexp0(Z[o + i]) - y[i] * Z[o + i]
        else:
            r = y[i] - P[o + i]
            scratch[i] = r * r
    s = pairwise_sum(scratch, 0, size)
    if loss == 0:
        return 0.5 * s
    if loss == 1:
        return s / (2 * n)
    return s / n


# Element-wise passes of the large networks' fused step (chainrule.train.fused):
# one pass each where NumPy makes two, over a block of rows, without the GIL
# (so that threads can share the rows).


@njit(cache=True, nogil=True)
def bias_relu(z, b, relu, lo, hi):  # pragma: no cover (compiled)
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
def relu_delta(g, a, out, lo, hi):  # pragma: no cover (compiled)
    """Rows ``lo:hi`` of ``out = g · relu'(z)``, the mask from ``a = relu(z)``
    (``a > 0`` exactly where ``z > 0``): ``g · (a > 0)``, as NumPy's
    ``multiply(g, greater(a, 0))``."""
    n = g.shape[1]
    for i in range(lo, hi):
        for j in range(n):
            out[i, j] = g[i, j] * (a[i, j] > 0)
