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

import numpy as np

from chainrule.core import activations as _acts
from chainrule.core.dropout import Masks
from chainrule.core.losses import LOSSES, cost_value
from chainrule.core.workspace import Workspace, layer_keys
from chainrule.core.xp import namespace

Array = np.ndarray


def activate(
    name: str, z: Array, out: Array, scratch: Mapping[str, Array], l: int
) -> Array:
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
    masks: Masks | None = None,
) -> tuple[Array, dict[str, Array]]:
    """Propagate ``X`` through the network.

    Parameters
    ----------
    params : dict of str to array
        ``W{l}`` of shape (n_{l-1}, n_l), optional ``b{l}`` of shape (1, n_l).
    X : (n, n_inputs) array, or a SciPy sparse matrix (CSR or CSC)
        A sparse ``X`` enters the first product ``z2 = X @ W1`` as it is. The
        arrays of another library with the array API (``X`` and ``params``
        alike, :mod:`chainrule.core.xp`) run the same pass with that
        library's operations.
    activations : sequence of str, length L
        One activation name per weight layer.
    out : Workspace, optional
        Buffers to write into (at least ``n`` rows); the returned arrays are
        then views of them, overwritten by the next pass.
    masks : Masks, optional
        Dropout (training only, :mod:`chainrule.core.dropout`): the next
        layer's product reads ``am{l} = a{l} ∘ m{l} / (1 − p)`` in place of
        each hidden ``a{l}``.

    Returns
    -------
    yHat : (n, n_outputs) array
    cache : dict of str to array
        ``a1`` (= X), then ``z{l+1}`` and ``a{l+1}`` for each layer; with
        ``masks``, also ``m{l}`` and ``am{l}`` for each hidden layer.
    """
    m = X.shape[0]
    V = None  # another array library's arrays: its operations, no buffers
    if namespace(X) is np:
        ws = Workspace.fresh(params, m, X.dtype) if out is None else out
        V = ws.at(m)
    cache: dict[str, Array] = {"a1": X}
    a = X
    for (l, kW, kb, kz, ka), name in zip(
        layer_keys(len(activations)), activations, strict=True
    ):
        if V is None:
            z = a @ params[kW]
            if kb in params:
                z = z + params[kb]
            a = _acts.ACTIVATIONS[name].f(z)
            cache[kz], cache[ka] = z, a
            if masks is not None and masks.has(l + 1):
                cache[f"m{l + 1}"] = masks.keep[f"m{l + 1}"]
                a = cache[f"am{l + 1}"] = masks.apply(l + 1, a)
            continue
        if isinstance(a, np.ndarray):
            # np.dot: the same BLAS product as @, with less overhead per call
            z = np.dot(a, params[kW], out=V[kz])
        else:
            # a SciPy sparse X (CSR or CSC): its own product, never densified
            z = V[kz]
            z[...] = a @ params[kW]
        b = params.get(kb)
        if b is not None:
            z += b
        a = activate(name, z, V[ka], V, l + 1)
        cache[kz] = z
        cache[ka] = a
        if masks is not None and masks.has(l + 1):
            # dropout: the next product reads a{l+1} ∘ m{l+1} / (1 − p)
            cache[f"m{l + 1}"] = masks.keep[f"m{l + 1}"]
            a = cache[f"am{l + 1}"] = masks.apply(l + 1, a, V[f"h{l + 1}"])
    return a, cache


def l2_penalty(params: Mapping[str, Array], l2: float) -> float:
    """``(λ/2) Σ_l ‖W{l}‖²``; biases are not penalised (tutorial part 7)."""
    if not l2:
        return 0.0
    return float(
        0.5
        * l2
        * sum(namespace(w).sum(w * w) for k, w in params.items() if k[0] == "W")
    )


def total_cost(
    params: Mapping[str, Array],
    cache: Mapping[str, Array],
    y: Array,
    activations: Sequence[str],
    loss: str,
    l2: float = 0.0,
    weights: Array | None = None,
) -> float:
    """The cost ``J`` of a forward pass, with its L2 term, as a float.

    ``weights`` (n,), optional: sample weights; the data term is then the
    weighted mean (``sse``: the weighted sum) of
    :mod:`chainrule.core.losses`; the L2 term is not weighted. A cost written
    in the logits (``Loss.logits``) reads the output layer's ``z``.
    """
    top = len(activations) + 1
    entry = LOSSES[loss]
    use_z = entry.needs_z and activations[-1] == entry.output
    z = cache[f"z{top}"] if use_z else None
    J = cost_value(loss, y, cache[f"a{top}"], z, weights)
    return J + l2_penalty(params, l2)
