"""The backward pass: backpropagation of the error δ, as a pure function.

For a network with ``L`` weight layers (input = layer 1)::

    delta{L+1} = dJ/dyHat * f'(z{L+1})         (fused where stabler)
    dJdW{l}    = a{l}.T @ delta{l+1}  (+ λ W{l})
    dJdb{l}    = Σ_examples delta{l+1}
    delta{l}   = (delta{l+1} @ W{l}.T) * f'(z{l})

Examples
--------
Seed 004: ``x = 3``, ``y = 2``, ``w1 = 0.5``, ``w2 = 0.8``, ReLU, mse.

>>> import numpy as np
>>> from chainrule.forward import forward
>>> from chainrule.backward import backward
>>> params = {"W1": np.array([[0.5]]), "W2": np.array([[0.8]])}
>>> acts = ["relu", "relu"]
>>> _, cache = forward(params, np.array([[3.0]]), acts)
>>> grads = backward(params, cache, np.array([[2.0]]), acts, "mse")
>>> float(grads["W1"][0, 0]), float(grads["W2"][0, 0])
(-1.92, -1.2)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from chainrule.activations import backprop_through, get_activation
from chainrule.losses import cost_gradient, fused_delta

Array = np.ndarray


def output_delta(
    cache: Mapping[str, Array], y: Array, activation: str, loss: str
) -> tuple[Array, Array | None]:
    """``delta{L+1} = dJ/dz{L+1}`` and, when not fused, ``dJ/dyHat``.

    Returns
    -------
    delta : (n, n_outputs) array
    dJdyHat : (n, n_outputs) array or None
        ``None`` when the delta came from a fused closed form (see
        :func:`chainrule.losses.fused_delta`).
    """
    top = sum(1 for k in cache if k[0] == "z") + 1
    yhat, z = cache[f"a{top}"], cache[f"z{top}"]
    delta = fused_delta(loss, activation, y, yhat)
    if delta is not None:
        return delta, None
    dJdyHat = cost_gradient(loss, y, yhat)
    return backprop_through(get_activation(activation), z, yhat, dJdyHat), dJdyHat


def weight_gradient(a: Array, delta_next: Array, W: Array, l2: float) -> Array:
    """``dJdW{l} = a{l}.T @ delta{l+1} + λ W{l}``, shape of ``W{l}``."""
    g = a.T @ delta_next
    if l2:
        g = g + l2 * W
    return g


def backward(
    params: Mapping[str, Array],
    cache: Mapping[str, Array],
    y: Array,
    activations: Sequence[str],
    loss: str,
    l2: float = 0.0,
    *,
    return_deltas: bool = False,
) -> dict[str, Array] | tuple[dict[str, Array], dict[str, Array]]:
    """Gradients of the cost with respect to every parameter.

    Parameters
    ----------
    params : dict of str to array
    cache : dict of str to array
        From :func:`chainrule.forward.forward` on the same ``params``.
    y : (n, n_outputs) array
    activations : sequence of str, length L
    loss : str
    l2 : float
        λ of the penalty ``(λ/2) Σ ‖W‖²``.
    return_deltas : bool
        Also return ``{"dJdyHat", "delta{L+1}", ..., "delta2"}`` and the
        gradients with respect to the hidden activations, ``dJda{l}``
        (``= delta{l+1} @ W{l}.T``) for ``l = 2 .. L``.

    Returns
    -------
    grads : dict of str to array
        Same keys and shapes as ``params``.
    deltas : dict of str to array
        Only when ``return_deltas``.
    """
    L = len(activations)
    delta, dJdyHat = output_delta(cache, y, activations[-1], loss)
    deltas: dict[str, Array] = {}
    if return_deltas:
        if dJdyHat is None:
            dJdyHat = cost_gradient(loss, y, cache[f"a{L + 1}"])
        deltas["dJdyHat"] = dJdyHat
    grads: dict[str, Array] = {}
    for l in range(L, 0, -1):
        if return_deltas:
            deltas[f"delta{l + 1}"] = delta
        W = params[f"W{l}"]
        grads[f"W{l}"] = weight_gradient(cache[f"a{l}"], delta, W, l2)
        if f"b{l}" in params:
            grads[f"b{l}"] = np.sum(delta, axis=0, keepdims=True)
        if l > 1:
            dJda = delta @ W.T
            if return_deltas:
                deltas[f"dJda{l}"] = dJda
            act = get_activation(activations[l - 2])
            delta = backprop_through(act, cache[f"z{l}"], cache[f"a{l}"], dJda)
    ordered = {k: grads[k] for k in params}
    return (ordered, deltas) if return_deltas else ordered
