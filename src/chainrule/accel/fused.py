"""Minibatch SGD for large networks at the BLAS ceiling (ReLU, softmax, cce).

For a network like 1024-2048-2048-10 at batch 512, the time of a step is in
its matrix products; what runs outside BLAS (bias additions, ReLU and its
mask, the bias sums, the gather of the minibatch, the update) is what keeps a
step below the products' own speed. This module runs the same mathematics as
:func:`chainrule.core.forward.forward`, :func:`chainrule.core.backward.backward`
and :func:`chainrule.train.optimizers.sgd` with less work around the products:

- every product is one ``?gemm`` of ``scipy.linalg.blas`` (one BLAS library
  for the whole step), on transposed views, so that nothing is copied: a
  C-ordered (m, n) array is the column-major (n, m) matrix BLAS reads;
- the bias is folded into the forward product (the output is prefilled with
  ``b`` and ``gemm`` adds to it, ``beta = 1``);
- the update is folded into the weight-gradient product
  (:func:`descend_weights`);
- ReLU runs in place on the product, and its mask is taken from the
  activation (``a > 0`` exactly where ``z > 0``), so ``z`` is never kept;
- the minibatch is gathered with ``np.take(mode="clip")`` (no bounds check:
  the indices come from a permutation);
- with numba (``chainrule[fast]``), the bias and ReLU are one compiled pass
  after the product, and ``relu'`` times ``dJ/da`` another, where NumPy
  makes two passes each (:data:`chainrule.accel.compiled.ELEMENTWISE`), for
  layers of at least :data:`chainrule.accel.paths.COMPILED_MIN` values a
  batch (the plan says when); when the fit has several BLAS threads, these
  passes split the rows among as many threads (:func:`split_rows`).

The results equal the NumPy loop's up to rounding (a folded sum rounds in
another order); the tests compare them within a few ulps of the dtype.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

import numpy as np
from scipy.linalg import blas as _blas

from chainrule.accel import threads as _threads
from chainrule.accel.protocol import NetworkLike

Array = np.ndarray
#: The parameters by name, updated in place (``params[k] -= ...``).
Params = dict[str, Array]
#: A compiled element-wise pass over a block of rows, ``kernel(*arrays, lo, hi)``.
RowKernel = Callable[..., None]

#: Fewest elements of an element-wise pass split among threads: below it, the
#: hand-over costs more than the half of the pass saves.
SPLIT_MIN = 1 << 17


def split_rows(
    pool: ThreadPoolExecutor | None,
    kernel: RowKernel,
    parts: int,
    rows: Array,
    *args: object,
) -> None:
    """``kernel(rows, *args, lo, hi)`` over the rows of ``rows``, in ``parts``
    blocks run at once on ``pool`` (the calling thread takes the first).

    The kernels release the GIL (numba's ``nogil``) and write disjoint rows,
    so the blocks need no lock; the results do not depend on ``parts``.
    """
    m = rows.shape[0]
    if parts < 2 or pool is None or rows.size < SPLIT_MIN:
        kernel(rows, *args, 0, m)
        return
    bounds = [m * i // parts for i in range(parts + 1)]
    rest = [
        pool.submit(kernel, rows, *args, lo, hi)
        for lo, hi in zip(bounds[1:-1], bounds[2:], strict=True)
    ]
    kernel(rows, *args, bounds[0], bounds[1])
    for done in rest:
        done.result()


def descend_weights(
    gemm: Callable[..., Array], W: Array, a: Array, delta: Array, lr: float, l2: float
) -> None:
    """``W := W − lr (aᵀ δ + λ W)`` in one BLAS call, in place.

    Parameters
    ----------
    gemm : scipy.linalg.blas.sgemm or dgemm
    W : (n_in, n_out) C-contiguous array
    a : (m, n_in) C-contiguous array
        The layer's input ``a{l}``.
    delta : (m, n_out) C-contiguous array
        ``delta{l+1}``.
    lr, l2 : float

    Notes
    -----
    The gradient is ``dJdW = aᵀ δ + λ W`` (:mod:`chainrule.core.backward`), so

    .. math:: W - \\alpha (a^\\top \\delta + \\lambda W)
              = (1 - \\alpha\\lambda) W - \\alpha\\, a^\\top \\delta,

    which is BLAS's ``C := α_b op(A) op(B) + β C`` with ``α_b = −α``,
    ``β = 1 − αλ`` and ``C = W``. BLAS is column-major: the C-ordered ``W`` is
    the column-major ``Wᵀ``, so the call computes
    ``Wᵀ := β Wᵀ − α δᵀ a``, with ``A = δᵀ`` (``delta.T``, as stored) and
    ``B = a`` (``a.T`` as stored, transposed by ``trans_b``).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.linalg.blas import dgemm
    >>> W, a, d = np.ones((2, 3)), np.ones((4, 2)), np.ones((4, 3))
    >>> descend_weights(dgemm, W, a, d, lr=0.1, l2=0.0)
    >>> W  # 1 − 0.1 · 4
    array([[0.6, 0.6, 0.6],
           [0.6, 0.6, 0.6]])
    """
    _into(W, gemm(-lr, delta.T, a.T, beta=1.0 - lr * l2, c=W.T, trans_b=1,
                  overwrite_c=1))  # fmt: skip


def _into(c: Array, out: Array) -> None:
    """Make sure ``c`` holds ``out.T``: BLAS writes in place into an
    F-contiguous ``c.T`` of the right dtype, and into a copy otherwise."""
    if not np.shares_memory(out, c):
        c[...] = out.T


class FusedSGD:
    """Buffers and the step of :func:`applicable` fits.

    Parameters
    ----------
    net : Network
    X, y : (n, n_inputs), (n, n_outputs) arrays
        The training data, in the network's dtype.
    batch : int
    shuffle : bool
    kernels : module or None
        :mod:`chainrule.accel.compiled` for the compiled element-wise passes
        (the plan gives them for wide layers), else ``None``.

    Notes
    -----
    With the compiled passes and several BLAS threads, the passes split their
    rows among as many threads, which the instance owns: :meth:`close` (or
    ``with``) ends them.
    """

    def __init__(
        self,
        net: NetworkLike,
        X: Array,
        y: Array,
        batch: int,
        shuffle: bool,
        kernels: ModuleType | None = None,
    ) -> None:
        self.X, self.y, self.batch, self.shuffle = X, y, batch, shuffle
        self.sizes, self.l2 = list(net.sizes), float(net.l2)
        single = net.dtype == np.float32
        # SciPy's BLAS alone: mixing it with NumPy's in one loop makes the two
        # thread pools wait on each other
        self.gemm = _blas.sgemm if single else _blas.dgemm
        self.dot = _blas.sdot if single else _blas.ddot
        dt, L = net.dtype, net.n_layers
        self.Xb = np.empty((batch, self.sizes[0]), dt)
        self.yb = np.empty((batch, self.sizes[-1]), dt)
        # a[l]: the output of weight layer l+1 (activation, then delta, in place)
        self.a = [np.empty((batch, n), dt) for n in self.sizes[1:]]
        wide = batch * max(self.sizes[1:-1], default=1)
        self.g, self.mask = np.empty(wide, dt), np.empty(wide, bool)
        self.bsum = np.empty((1, max(self.sizes[1:])), dt)
        self.layers = [(f"W{l}", f"b{l}" if net.bias[l - 1] else None) for l in
                       range(1, L + 1)]  # fmt: skip
        # numba's element-wise passes for wide layers, or None
        self.ew: tuple[RowKernel, RowKernel] | None = (
            None if kernels is None else kernels.ELEMENTWISE
        )
        # as many blocks of rows as the fit has BLAS threads
        self.parts = _threads.current() if self.ew is not None else 1
        self.pool: ThreadPoolExecutor | None = (
            ThreadPoolExecutor(self.parts - 1, thread_name_prefix="chainrule-rows")
            if self.parts > 1
            else None
        )
        self.no_bias = np.empty((1, 0), dt)

    def close(self) -> None:
        """End the row threads (if any)."""
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def __enter__(self) -> FusedSGD:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run_epoch(self, params: Params, rng: np.random.Generator, lr: float) -> float:
        """One epoch over the minibatches (``Batches``' order); the mean cost."""
        n, size, total = self.X.shape[0], self.batch, 0.0
        order = rng.permutation(n) if self.shuffle else None
        for lo in range(0, n, size):
            if order is None:
                Xb, yb = self.X[lo : lo + size], self.y[lo : lo + size]
            else:
                idx = order[lo : lo + size]
                m = idx.shape[0]
                Xb = np.take(self.X, idx, axis=0, out=self.Xb[:m], mode="clip")
                yb = np.take(self.y, idx, axis=0, out=self.yb[:m], mode="clip")
            J = self.step(params, Xb, yb, lr)
            if not math.isfinite(J):
                return J
            total += J * Xb.shape[0]
        return total / n

    def step(self, params: Params, X: Array, y: Array, lr: float) -> float:
        """Forward, cost, backward and update for one minibatch; ``J`` before it.

        The parameters are left unchanged when ``J`` is not finite.
        """
        m = X.shape[0]
        top = self._forward(params, X)
        J = self._cost_and_delta(params, top, y)
        if math.isfinite(J):
            self._backward(params, X, lr, m)
        return J

    def _forward(self, params: Params, X: Array) -> Array:
        a, m, L = X, X.shape[0], len(self.layers)
        for l, (kW, kb) in enumerate(self.layers):
            z = self.a[l][:m]
            if self.ew is not None:  # z = a W, then z + b and ReLU in one pass
                _into(z, self.gemm(1.0, params[kW].T, a.T, c=z.T, overwrite_c=1))
                b = self.no_bias if kb is None else params[kb]
                split_rows(self.pool, self.ew[0], self.parts, z, b, l < L - 1)
                a = z
                continue
            if kb is not None:
                np.copyto(z, params[kb])  # z = b, then z += a W in gemm (β = 1)
            # column-major: zᵀ := Wᵀ aᵀ + β zᵀ
            _into(z, self.gemm(1.0, params[kW].T, a.T, beta=1.0 if kb else 0.0,
                               c=z.T, overwrite_c=1))  # fmt: skip
            if l < L - 1:
                np.maximum(z, 0, out=z)  # ReLU in place; z is not kept
            a = z
        return a

    def _cost_and_delta(self, params: Params, z: Array, y: Array) -> float:
        """Softmax and ``cce`` on the logits ``z``, which become the delta."""
        m = z.shape[0]
        z -= np.max(z, axis=1, keepdims=True)  # shifted logits s
        ys = np.add.reduce(y, axis=1, keepdims=True)
        y_dot_s = float(self.dot(y.ravel(), z.ravel()))
        np.exp(z, out=z)
        total = np.add.reduce(z, axis=1, keepdims=True)
        # J = −(1/N) Σ y log softmax(z) = −(1/N) Σ y (s − log Σ e^s)
        J = (float(self.dot(ys.ravel(), np.log(total).ravel())) - y_dot_s) / m
        if self.l2:
            Ws = (params[k].ravel() for k, _ in self.layers)
            J += 0.5 * self.l2 * sum(float(self.dot(W, W)) for W in Ws)
        z /= total  # ŷ
        # δ = (ŷ Σ_j y_j − y)/N (the fused delta of chainrule.core.losses)
        z *= ys
        z -= y
        z /= m
        return J

    def _backward(self, params: Params, X: Array, lr: float, m: int) -> None:
        for l in range(len(self.layers) - 1, -1, -1):
            kW, kb = self.layers[l]
            W, d = params[kW], self.a[l][:m]
            a = X if l == 0 else self.a[l - 1][:m]
            if l > 0:  # dJ/da{l} = δ Wᵀ with the W before its update
                g = self.g[: m * W.shape[0]].reshape(m, W.shape[0])
                _into(g, self.gemm(1.0, W.T, d.T, trans_a=1, c=g.T, overwrite_c=1))
            descend_weights(self.gemm, W, a, d, lr, self.l2)
            if kb is not None:  # b := b − lr Σ_examples δ
                s = self.bsum[:, : W.shape[1]]
                np.add.reduce(d, axis=0, keepdims=True, out=s)
                s *= lr
                params[kb] -= s
            if l > 0 and self.ew is not None:  # δ{l} = dJ/da{l} · relu'(z{l})
                split_rows(self.pool, self.ew[1], self.parts, g, a, self.a[l - 1][:m])
            elif l > 0:  # the same in two passes, the mask from a = relu(z)
                mask = self.mask[: m * W.shape[0]].reshape(m, W.shape[0])
                np.greater(a, 0, out=mask)
                np.multiply(g, mask, out=self.a[l - 1][:m])
