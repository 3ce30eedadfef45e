"""The backward pass: backpropagation of the error δ, as a pure function.

For a network with ``L`` weight layers (input = layer 1)::

    delta{L+1} = dJ/dyHat * f'(z{L+1})         (fused where stabler)
    dJdW{l}    = a{l}.T @ delta{l+1}  (+ λ W{l})
    dJdb{l}    = Σ_examples delta{l+1}
    delta{l}   = (delta{l+1} @ W{l}.T) * f'(z{l})

Like :func:`chainrule.forward.forward`, the pass writes into a
:class:`~chainrule.forward.Workspace`: a fresh one unless ``out=`` gives one
to reuse. ``Network.gradients``, ``Network.trace`` and ``Network.fit`` all
run this one function.

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

from chainrule import activations as _acts
from chainrule import losses as _losses
from chainrule.activations import LEAKY_SLOPE, backprop_through, get_activation
from chainrule.forward import Workspace, layer_keys

#: The registry derivatives that :func:`backprop_into` has in-place versions of.
KERNELS = {
    "sigmoid": _acts.sigmoid_prime,
    "tanh": _acts.tanh_prime,
    "relu": _acts.relu_prime,
    "leaky_relu": _acts.leaky_relu_prime,
    "identity": _acts.identity_prime,
}
#: The cost functions whose closed forms :func:`output_delta_into` writes in place.
LOSS_KERNELS = (_losses.fused_delta, _losses.cost_gradient)

Array = np.ndarray


def backprop_into(
    name: str, a: Array, z: Array, dJda: Array, out: Array, V, l: int
) -> Array:
    """``dJ/dz = dJ/da * f'(z)`` written into ``out``; returns the array used.

    The derivatives are those of :mod:`chainrule.activations`, computed in
    place from the stored activation where that gives the same values:
    sigmoid ``f' = a (1 − a)`` (``a = expit(z)``), tanh ``f' = 1 − a·a``,
    ReLU ``f' = [z > 0]``, leaky ReLU ``f' = 1`` or ``0.01``, identity
    ``f' = 1`` (``dJda`` itself is returned). A derivative put in the
    registry instead of these is called as it is.
    """
    if _acts.ACTIVATIONS[name].f_prime is not KERNELS.get(name):
        out[...] = backprop_through(get_activation(name), z, a, dJda)
        return out
    if name in ("sigmoid", "tanh"):
        t = V[f"t{l}"]
        if name == "sigmoid":
            np.subtract(1.0, a, out=t)
            t *= a
        else:
            np.multiply(a, a, out=t)
            np.subtract(1.0, t, out=t)
        return np.multiply(dJda, t, out=out)
    if name in ("relu", "leaky_relu"):
        mask = np.greater(z, 0, out=V[f"m{l}"])
        if name == "relu":
            return np.multiply(dJda, mask, out=out)
        np.multiply(dJda, LEAKY_SLOPE, out=out)
        np.copyto(out, dJda, where=mask)
        return out
    if name == "identity":
        return dJda
    out[...] = backprop_through(get_activation(name), z, a, dJda)
    return out


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
    ws = Workspace({}, y.shape[0], y.dtype)
    ws.widths = {top: cache[f"z{top}"].shape[1]}
    delta = output_delta_into(cache, y, activation, loss, ws, top)
    fused = (loss, activation) in (("bce", "sigmoid"), ("cce", "softmax"))
    return delta, None if fused else _losses.cost_gradient(loss, y, cache[f"a{top}"])


def output_delta_into(
    cache: Mapping[str, Array],
    y: Array,
    activation: str,
    loss: str,
    ws: Workspace,
    top: int,
) -> Array:
    """``delta{L+1} = dJ/dz{L+1}`` into ``ws``, fused where a closed form exists.

    Notes
    -----
    Sigmoid with ``bce`` gives ``(ŷ − y)/N`` and softmax with ``cce`` gives
    ``(ŷ Σ_j y_j − y)/N`` (derived in :func:`chainrule.losses.fused_delta`);
    neither divides by ŷ. ``sse`` has ``dJ/dŷ = −(y − ŷ) = ŷ − y`` and
    ``mse`` ``(ŷ − y)/N`` (IEEE subtraction is exactly antisymmetric).
    """
    yhat, z = cache[f"a{top}"], cache[f"z{top}"]
    m = y.shape[0]
    V = ws.at(m)
    delta = V[f"d{top}"]
    if (_losses.fused_delta, _losses.cost_gradient) != LOSS_KERNELS:
        # the losses module's functions were replaced: use them as they are
        fused = _losses.fused_delta(loss, activation, y, yhat)
        if fused is not None:
            delta[...] = fused
            return delta
        dJdyHat = _losses.cost_gradient(loss, y, yhat)
        return backprop_into(activation, yhat, z, dJdyHat, delta, V, top)
    if (loss, activation) in (("bce", "sigmoid"), ("cce", "softmax")):
        if loss == "cce":
            # δ = (ŷ Σ_j y_j − y)/N
            np.multiply(yhat, np.sum(y, axis=-1, keepdims=True), out=delta)
            delta -= y
        else:
            # δ = (ŷ − y)/N
            np.subtract(yhat, y, out=delta)
        delta /= m
        return delta
    if loss in ("sse", "mse"):
        dJdyHat = np.subtract(yhat, y, out=V[f"g{top}"])
        if loss == "mse":
            dJdyHat /= m
    else:
        dJdyHat = _losses.cost_gradient(loss, y, yhat)
    return backprop_into(activation, yhat, z, dJdyHat, delta, V, top)


def backward(
    params: Mapping[str, Array],
    cache: Mapping[str, Array],
    y: Array,
    activations: Sequence[str],
    loss: str,
    l2: float = 0.0,
    *,
    return_deltas: bool = False,
    out: Workspace | None = None,
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
    out : Workspace, optional
        Buffers to write into (the one given to ``forward``); the gradients
        are then views of ``out.grad``, overwritten by the next pass.

    Returns
    -------
    grads : dict of str to array
        Same keys and shapes as ``params``.
    deltas : dict of str to array
        Only when ``return_deltas``.
    """
    L = len(activations)
    m = y.shape[0]
    ws = Workspace.fresh(params, m, y.dtype) if out is None else out
    if ws._grad is None:
        ws.grad  # noqa: B018 (allocates the flat gradient and its views once)
    V, grads = ws.at(m), ws.grads
    delta = output_delta_into(cache, y, activations[-1], loss, ws, L + 1)
    deltas: dict[str, Array] = {}
    if return_deltas:
        deltas["dJdyHat"] = _losses.cost_gradient(loss, y, cache[f"a{L + 1}"])
    for l, kW, kb, _, _, _ in reversed(layer_keys(L)):
        if return_deltas:
            deltas[f"delta{l + 1}"] = delta
        W, a = params[kW], cache[f"a{l}"]
        # dJdW{l} = a{l}ᵀ delta{l+1} (+ λ W{l})
        np.dot(a.T, delta, out=grads[kW])
        if l2:
            grads[kW] += np.multiply(W, l2, out=ws.weight_buffer(kW))
        if kb in params:
            # dJdb{l} = Σ_examples delta{l+1} (np.sum's ufunc, without its wrapper)
            np.add.reduce(delta, axis=0, keepdims=True, out=grads[kb])
        if l > 1:
            # one matrix product per layer: dJ/da{l} = delta{l+1} W{l}ᵀ
            dJda = np.dot(delta, W.T, out=V[f"g{l}"])
            if return_deltas:
                deltas[f"dJda{l}"] = dJda
            delta = backprop_into(
                activations[l - 2], a, cache[f"z{l}"], dJda, V[f"d{l}"], V, l
            )
    return (dict(grads), deltas) if return_deltas else dict(grads)
