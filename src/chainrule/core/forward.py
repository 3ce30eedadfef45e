"""The forward pass and the cost, as pure functions.

With the input as layer 1 (the tutorial's numbering), for ``l = 1 .. L``::

    a1 = X
    z{l+1} = a{l} @ W{l} + b{l}
    a{l+1} = f_l(z{l+1})
    yHat = a{L+1}

Both passes write into a :class:`Workspace` of preallocated buffers. Called
without one, they make a fresh workspace, so that the result is new arrays
and the functions stay pure; the training loop passes one workspace and
reuses it for every minibatch. Either way the same code runs.

Examples
--------
>>> import numpy as np
>>> from chainrule.core.forward import forward
>>> params = {"W1": np.array([[0.5]]), "W2": np.array([[0.8]])}
>>> yhat, cache = forward(params, np.array([[3.0]]), ["relu", "relu"])
>>> yhat
array([[1.2]])
>>> sorted(cache)
['a1', 'a2', 'a3', 'z2', 'z3']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from chainrule.core import activations as _acts
from chainrule.core.losses import cost_value

Array = np.ndarray


def layer_count(params: Mapping[str, Array]) -> int:
    """Number of weight layers ``L`` (keys ``W1`` .. ``WL``)."""
    return sum(1 for k in params if k.startswith("W"))


class _Rows(dict):
    """``key -> view`` of a workspace's first ``m`` rows, made on first use."""

    def __init__(self, ws: Workspace, m: int) -> None:
        super().__init__()
        self.ws, self.m = ws, m

    def __missing__(self, key: str) -> Array:
        ws = self.ws
        buf = ws.buffers.get(key)
        if buf is None:
            width = ws.widths[int(key[1:])]
            kind = bool if key[0] == "m" else ws.dtype
            buf = ws.buffers[key] = np.empty((ws.n, width), kind)
        view = self[key] = buf[: self.m]
        return view


@lru_cache(maxsize=64)
def layer_keys(L: int) -> tuple[tuple[str, ...], ...]:
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
    >>> params = {"W1": np.array([[2.0]])}
    >>> ws = Workspace({"W1": (1, 1)}, n=4, dtype=np.float64)
    >>> a, _ = forward(params, np.array([[1.0], [2.0]]), ["identity"], out=ws)
    >>> b, _ = forward(params, np.array([[5.0]]), ["identity"], out=ws)
    >>> b, a.base is b.base
    (array([[10.]]), True)
    """

    def __init__(self, shapes: Mapping[str, tuple], n: int, dtype) -> None:
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
            size = sum(int(np.prod(s)) for s in self.shapes.values())
            self._grad = np.empty(size, self.dtype)
            start = 0
            for name, shape in self.shapes.items():
                stop = start + int(np.prod(shape))
                self.grads[name] = self._grad[start:stop].reshape(shape)
                start = stop
        return self._grad

    @classmethod
    def fresh(cls, params: Mapping[str, Array], n: int, dtype) -> Workspace:
        """A new workspace for ``params`` and ``n`` examples.

        Its dtype is that of ``dtype`` and the parameters promoted together,
        as ``X @ W`` would give.
        """
        dtype = np.result_type(dtype, *params.values())
        return cls({k: v.shape for k, v in params.items()}, n, dtype)


def activate(name: str, z: Array, out: Array, scratch, l: int) -> Array:
    """``f(z)`` of layer ``l`` written into ``out``; returns the activation array.

    The registry entry's in-place form (``Activation.f_into``) where it has
    one, else its ``f``; ``scratch`` hands out buffers shaped like ``z``.
    """
    act = _acts.ACTIVATIONS[name]
    if act.f_into is None:
        out[...] = act.f(z)
        return out
    return act.f_into(z, out, scratch, l)


def forward(
    params: Mapping[str, Array],
    X: Array,
    activations: Sequence[str],
    *,
    out: Workspace | None = None,
) -> tuple[Array, dict[str, Array]]:
    """Propagate ``X`` through the network.

    Parameters
    ----------
    params : dict of str to array
        ``W{l}`` of shape (n_{l-1}, n_l), optional ``b{l}`` of shape (1, n_l).
    X : (n, n_inputs) array
    activations : sequence of str, length L
        One activation name per weight layer.
    out : Workspace, optional
        Buffers to write into (at least ``n`` rows); the returned arrays are
        then views of them, overwritten by the next pass.

    Returns
    -------
    yHat : (n, n_outputs) array
    cache : dict of str to array
        ``a1`` (= X), then ``z{l+1}`` and ``a{l+1}`` for each layer.
    """
    m = X.shape[0]
    ws = Workspace.fresh(params, m, X.dtype) if out is None else out
    V = ws.at(m)
    cache: dict[str, Array] = {"a1": X}
    a = X
    for (l, kW, kb, kz, ka), name in zip(
        layer_keys(len(activations)), activations, strict=True
    ):
        # np.dot: the same BLAS product as @, with less overhead per call
        z = np.dot(a, params[kW], out=V[kz])
        b = params.get(kb)
        if b is not None:
            z += b
        a = activate(name, z, V[ka], V, l + 1)
        cache[kz] = z
        cache[ka] = a
    return a, cache


def l2_penalty(params: Mapping[str, Array], l2: float) -> float:
    """``(λ/2) Σ_l ‖W{l}‖²``; biases are not penalised (tutorial part 7)."""
    if not l2:
        return 0.0
    return float(
        0.5 * l2 * sum(np.sum(w * w) for k, w in params.items() if k[0] == "W")
    )


def total_cost(
    params: Mapping[str, Array],
    cache: Mapping[str, Array],
    y: Array,
    activations: Sequence[str],
    loss: str,
    l2: float = 0.0,
) -> float:
    """The cost ``J`` of a forward pass, with its L2 term, as a float."""
    top = len(activations) + 1
    z = cache[f"z{top}"] if activations[-1] in ("sigmoid", "softmax") else None
    return cost_value(loss, y, cache[f"a{top}"], z) + l2_penalty(params, l2)
