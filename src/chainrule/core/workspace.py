"""Reusable buffers for the forward and backward passes.

A :class:`Workspace` holds, for one network shape and at most ``n``
examples, every array a pass writes: ``z{l}``, ``a{l}``, the deltas, the
scratch arrays of the in-place kernels, and one flat gradient vector whose
views are the gradients by name. :func:`~chainrule.core.forward.forward` and
:func:`~chainrule.core.backward.backward` write into one when given ``out=``.

Examples
--------
>>> import numpy as np
>>> from chainrule.core.workspace import Workspace
>>> ws = Workspace({"W1": (2, 3), "b1": (1, 3)}, n=4, dtype=np.float64)
>>> ws.rows("z2", 2).shape, ws.grad.shape, ws.grads["b1"].shape
((2, 3), (9,), (1, 3))
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
from numpy.typing import DTypeLike

from chainrule.core.params import flat_views

Array = np.ndarray


def layer_count(params: Mapping[str, object]) -> int:
    """Number of weight layers ``L`` (keys ``W1`` .. ``WL``)."""
    return sum(1 for k in params if k.startswith("W"))


class _Rows(dict):
    """``key -> view`` of a workspace's first ``m`` rows, made on first use.

    It holds the workspace's buffers, not the workspace (which holds it):
    without a reference cycle, a workspace's memory is freed as soon as it
    is dropped, not at the next run of the cyclic garbage collector, so
    that a loop of passes (``predict`` batch by batch) stays in bounded
    memory.
    """

    def __init__(self, ws: Workspace, m: int) -> None:
        super().__init__()
        self.buffers, self.widths, self.n, self.dtype = (
            ws.buffers, ws.widths, ws.n, ws.dtype
        )  # fmt: skip
        self.m = m

    def __missing__(self, key: str) -> Array:
        buf = self.buffers.get(key)
        if buf is None:
            width = self.widths[int(key[1:])]
            kind = bool if key[0] == "m" else self.dtype
            buf = self.buffers[key] = np.empty((self.n, width), kind)
        view = self[key] = buf[: self.m]
        return view


@lru_cache(maxsize=64)
def layer_keys(L: int) -> tuple[tuple[int, str, str, str, str], ...]:
    """``(l, "W{l}", "b{l}", "z{l+1}", "a{l+1}")`` for l = 1 .. L."""
    return tuple(
        (l, f"W{l}", f"b{l}", f"z{l + 1}", f"a{l + 1}") for l in range(1, L + 1)
    )


class Workspace:
    """Buffers for one forward and one backward pass, reused across calls.

    Parameters
    ----------
    shapes : dict of str to tuple
        The parameter shapes, ``W1``, ``b1``, ... in layer order.
    n : int
        The largest number of examples a pass will see; a smaller batch uses
        the first rows of every buffer.
    dtype : numpy dtype

    Examples
    --------
    Two passes into one workspace: the second overwrites the first.

    >>> import numpy as np
    >>> from chainrule.core.forward import forward
    >>> params = {"W1": np.array([[2.0]])}
    >>> ws = Workspace({"W1": (1, 1)}, n=4, dtype=np.float64)
    >>> a, _ = forward(params, np.array([[1.0], [2.0]]), ["identity"], out=ws)
    >>> b, _ = forward(params, np.array([[5.0]]), ["identity"], out=ws)
    >>> b, a.base is b.base
    (array([[10.]]), True)
    """

    def __init__(self, shapes: Mapping[str, tuple], n: int, dtype: DTypeLike) -> None:
        self.n, self.dtype = n, np.dtype(dtype)
        self.shapes = dict(shapes)
        L = layer_count(shapes)
        # width of layer l (input = layer 1): buffers are made on first use
        self.widths = {l + 1: shapes[f"W{l}"][1] for l in range(1, L + 1)}
        if L:
            self.widths[1] = shapes["W1"][0]
        self.buffers: dict[str, Array] = {}
        self._views: dict[int, _Rows] = {}
        self._grad: Array | None = None
        self.grads: dict[str, Array] = {}

    def rows(self, key: str, m: int) -> Array:
        """The first ``m`` rows of buffer ``key`` (e.g. ``"z3"``), a view.

        ``key`` is a letter and a layer index (``z``, ``a``: the passes;
        ``d``: delta; ``g``: dJ/da; ``t``: scratch; ``m``: a boolean mask);
        the buffer has that layer's width and is allocated on first use.
        """
        return self.at(m)[key]

    def at(self, m: int) -> _Rows:
        """Views of the first ``m`` rows of every buffer, by key (see ``rows``)."""
        views = self._views.get(m)
        if views is None:
            views = self._views[m] = _Rows(self, m)
        return views

    def weight_buffer(self, name: str) -> Array:
        """A scratch array shaped like parameter ``name``."""
        key = f"tmp_{name}"
        if key not in self.buffers:
            self.buffers[key] = np.empty(self.shapes[name], self.dtype)
        return self.buffers[key]

    @property
    def grad(self) -> Array:
        """Every gradient, flat in the order of ``shapes``.

        ``grads`` holds views of it by parameter name.
        """
        if self._grad is None:
            size = sum(math.prod(s) for s in self.shapes.values())
            self._grad = np.empty(size, self.dtype)
            self.grads.update(flat_views(self._grad, self.shapes))
        return self._grad

    @classmethod
    def fresh(cls, params: Mapping[str, Array], n: int, dtype: DTypeLike) -> Workspace:
        """A new workspace for ``params`` and ``n`` examples.

        Its dtype is that of ``dtype`` and the parameters promoted together,
        as ``X @ W`` would give.
        """
        dtype = np.result_type(dtype, *params.values())
        return cls({k: v.shape for k, v in params.items()}, n, dtype)
