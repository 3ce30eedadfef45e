"""The compiled path's Python side: what the kernels are given, and made ready.

:mod:`chainrule.accel.kernels` holds the numba kernels; this module lays out
their buffers (:func:`plan`, :func:`layout`, :func:`work_shape`), compiles or
loads them (:func:`warm_up`, :func:`cache_misses`), and runs full-batch
epochs through them (:class:`FullBatchGD`). It is the module
:mod:`chainrule.accel.loader` hands out as "the kernels" once they are ready
(the names the paths use, ``step``, ``LOSS_CODES``, ``ELEMENTWISE``, are
here too). Importing it imports numba.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from numba.core.errors import NumbaPerformanceWarning

from chainrule.accel.codes import ACT_CODES, LOSS_CODES
from chainrule.accel.kernels import (
    bias_relu,
    fit_gd,
    relu_delta,
    step,
)
from chainrule.accel.protocol import NetworkLike

Array = np.ndarray

__all__ = [
    "ACT_CODES",
    "ELEMENTWISE",
    "KERNELS",
    "LOSS_CODES",
    "FullBatchGD",
    "cache_dir",
    "cache_misses",
    "layout",
    "plan",
    "step",
    "warm_up",
    "work_shape",
]

#: the element-wise passes of :mod:`chainrule.accel.fused`
ELEMENTWISE = (bias_relu, relu_delta)
#: every kernel compiled by :func:`warm_up` (whose cache :func:`cache_misses` reads)
KERNELS = (step, fit_gd, bias_relu, relu_delta)


def plan(
    sizes: Sequence[int], activations: Sequence[str], bias: Sequence[bool]
) -> Array:
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


def layout(sizes: Sequence[int], bias: Sequence[bool]) -> Array:
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


def work_shape(sizes: Sequence[int], m: int) -> tuple[int, int]:
    """The shape of :func:`step`'s ``work`` for ``m`` examples."""
    return 4, max(
        m * sum(sizes[1:]),
        m * max(sizes[1:]),
        max(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)),
    )


def warm_up() -> None:
    """Compile (or load from the disk cache) every kernel.

    The call types are those the library makes (float64 C-contiguous arrays,
    int64 codes; the element-wise passes in float32 and float64), so that
    later calls find the compiled code.
    """
    with warnings.catch_warnings():
        # numba's advice that np.dot is faster on contiguous arrays: the
        # transposed operands are what the products need
        warnings.simplefilter("ignore", NumbaPerformanceWarning)
        sizes = [1, 1]
        X, y = np.ones((1, 1)), np.ones((1, 1))
        theta, grad = np.zeros(2), np.empty(2)
        work = np.empty(work_shape(sizes, 1))
        meta = plan(sizes, ["identity"], [True])
        step(theta, X, y, meta, 0, 0.0, 0.1, work, grad)
        lrs, costs = np.full(1, 0.1), np.empty(1)
        fit_gd(theta, X, y, meta, 0, 0.0, lrs, costs, work, grad, np.empty(2))
        for dtype in (np.float32, np.float64):
            z, b = np.ones((2, 2), dtype), np.ones((1, 2), dtype)
            bias_relu(z, b, True, 0, 2)
            relu_delta(z, z, z.copy(), 0, 2)


def cache_misses() -> int:
    """How many kernels this process compiled instead of loading them."""
    return sum(sum(k.stats.cache_misses.values()) for k in KERNELS)


def cache_dir() -> str | None:
    """Where numba keeps the compiled kernels (``None``: numba keeps none)."""
    return step.stats.cache_path


class FullBatchGD:
    """Epochs of full-batch gradient descent on ``theta``, :data:`CHUNK` per
    call of :meth:`run` (the fit loop's interface for a path).

    Parameters
    ----------
    net : Network
    X : (n, n_inputs) C-contiguous float64 array
    y : (n, n_outputs) C-contiguous float64 array
    """

    #: Epochs per compiled call: Ctrl-C and the history are seen between calls.
    CHUNK = 256

    def __init__(self, net: NetworkLike, X: Array, y: Array) -> None:
        self.X, self.y = X, y
        self.args = (
            plan(net.sizes, net.activations, net.bias),
            LOSS_CODES[net.loss],
            float(net.l2),
        )
        self.work = np.empty(work_shape(net.sizes, X.shape[0]))
        self.grad = np.empty(net.n_params)
        self.prev = np.empty(net.n_params)

    def run(self, theta: Array, lrs: Array, costs: Array) -> int:
        """Epochs with the learning rates ``lrs``; their costs into ``costs``.

        Returns the number of finite epochs; when it is less than
        ``lrs.size``, ``theta`` holds the parameters of the last finite one.
        """
        done = fit_gd(
            theta, self.X, self.y, *self.args, lrs, costs, self.work, self.grad,
            self.prev,
        )  # fmt: skip
        return max(done, 0)
