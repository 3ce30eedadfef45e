"""The backward pass: backpropagation of the error δ, as a pure function.

For a network with ``L`` weight layers (input = layer 1)::

    delta{L+1} = dJ/dyHat * f'(z{L+1})         (fused where stabler)
    dJdW{l}    = a{l}.T @ delta{l+1}  (+ λ W{l})
    dJdb{l}    = Σ_examples delta{l+1}
    delta{l}   = (delta{l+1} @ W{l}.T) * f'(z{l})

Like :func:`chainrule.core.forward.forward`, the pass writes into a
:class:`~chainrule.core.workspace.Workspace`: a fresh one unless ``out=`` gives one
to reuse. ``Network.gradients``, ``Network.trace`` and ``Network.fit`` all
run this one function.

Examples
--------
Seed 004: ``x = 3``, ``y = 2``, ``w1 = 0.5``, ``w2 = 0.8``, ReLU, mse.

>>> import numpy as np
>>> from chainrule.core.forward import forward
>>> from chainrule.core.backward import backward
>>> params = {"W1": np.array([[0.5]]), "W2": np.array([[0.8]])}
>>> acts = ["relu", "relu"]
>>> _, cache = forward(params, np.array([[3.0]]), acts)
>>> grads = backward(params, cache, np.array([[2.0]]), acts, "mse")
>>> float(grads["W1"][0, 0]), float(grads["W2"][0, 0])
(-1.92, -1.2)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, overload

import numpy as np

from chainrule.core import activations as _acts
from chainrule.core import losses as _losses
from chainrule.core.activations import backprop_through
from chainrule.core.dropout import Masks
from chainrule.core.workspace import Workspace, layer_keys
from chainrule.core.xp import namespace

Array = np.ndarray


def backprop_into(
    name: str,
    a: Array,
    z: Array,
    dJda: Array,
    out: Array,
    scratch: Mapping[str, Array],
    l: int,
) -> Array:
    """``dJ/dz = dJ/da * f'(z)`` of layer ``l`` into ``out``; returns the array used.

    The registry entry's in-place form (``Activation.grad_into``) where it has
    one, else :func:`chainrule.core.activations.backprop_through` with its
    ``f_prime`` (softmax: the Jacobian-vector product).
    """
    act = _acts.ACTIVATIONS[name]
    if act.grad_into is None:
        out[...] = backprop_through(act, z, a, dJda)
        return out
    return act.grad_into(a, z, dJda, out, scratch, l)


def output_delta(
    cache: Mapping[str, Array],
    y: Array,
    activation: str,
    loss: str,
    weights: Array | None = None,
) -> tuple[Array, Array | None]:
    """``delta{L+1} = dJ/dz{L+1}`` and, when not fused, ``dJ/dyHat``.

    Returns
    -------
    delta : (n, n_outputs) array
    dJdyHat : (n, n_outputs) array or None
        ``None`` when the delta came from a fused closed form (see
        :func:`chainrule.core.losses.fused_delta`).
    """
    top = sum(1 for k in cache if k[0] == "z") + 1
    ws = Workspace({}, y.shape[0], y.dtype)
    ws.widths = {top: cache[f"z{top}"].shape[1]}
    delta = output_delta_into(cache, y, activation, loss, ws, top, weights)
    if _losses.is_fused(loss, activation):
        return delta, None
    return delta, _losses.cost_gradient(loss, y, cache[f"a{top}"], weights)


def output_delta_into(
    cache: Mapping[str, Array],
    y: Array,
    activation: str,
    loss: str,
    ws: Workspace,
    top: int,
    weights: Array | None = None,
) -> Array:
    """``delta{L+1} = dJ/dz{L+1}`` into ``ws``, fused where a closed form exists.

    Notes
    -----
    Sigmoid with ``bce`` gives ``(ŷ − y)/N`` and softmax with ``cce`` gives
    ``(ŷ Σ_j y_j − y)/N`` (derived in :func:`chainrule.core.losses.fused_delta`);
    neither divides by ŷ. ``sse`` has ``dJ/dŷ = −(y − ŷ) = ŷ − y`` and
    ``mse`` ``(ŷ − y)/N`` (IEEE subtraction is exactly antisymmetric).

    With sample ``weights`` (n,), row ``i`` of the delta is scaled by
    ``s_i`` (:func:`chainrule.core.losses.row_scale`; the derivation is at
    ``chainrule.core.losses._scale_rows``), which weights every gradient.
    """
    yhat, z = cache[f"a{top}"], cache[f"z{top}"]
    V = ws.at(y.shape[0])
    out = V[f"d{top}"]
    delta = _losses.fused_delta_into(loss, activation, y, yhat, out, weights)
    if delta is not None:
        return delta
    dJdyHat = _losses.cost_gradient_into(loss, y, yhat, V[f"g{top}"], weights)
    return backprop_into(activation, yhat, z, dJdyHat, out, V, top)


@overload
def backward(
    params: Mapping[str, Array],
    cache: Mapping[str, Array],
    y: Array,
    activations: Sequence[str],
    loss: str,
    l2: float = ...,
    *,
    return_deltas: Literal[False] = ...,
    out: Workspace | None = ...,
    weights: Array | None = ...,
    masks: Masks | None = ...,
) -> dict[str, Array]: ...


@overload
def backward(
    params: Mapping[str, Array],
    cache: Mapping[str, Array],
    y: Array,
    activations: Sequence[str],
    loss: str,
    l2: float = ...,
    *,
    return_deltas: Literal[True],
    out: Workspace | None = ...,
    weights: Array | None = ...,
    masks: Masks | None = ...,
) -> tuple[dict[str, Array], dict[str, Array]]: ...


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
    weights: Array | None = None,
    masks: Masks | None = None,
) -> dict[str, Array] | tuple[dict[str, Array], dict[str, Array]]:
    """Gradients of the cost with respect to every parameter.

    Parameters
    ----------
    params : dict of str to array
    cache : dict of str to array
        From :func:`chainrule.core.forward.forward` on the same ``params``.
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
    weights : (n,) array, optional
        Sample weights: the gradients of the weighted cost of
        :func:`chainrule.core.forward.total_cost` (each example's
        contribution scaled; see :func:`output_delta_into`).
    masks : Masks, optional
        The dropout masks the forward pass applied (the same object): the
        weight gradient reads ``am{l}``, and ``∂J/∂a{l}`` is masked and
        scaled as the activation was (:mod:`chainrule.core.dropout`).

    Returns
    -------
    grads : dict of str to array
        Same keys and shapes as ``params``.
    deltas : dict of str to array
        Only when ``return_deltas``.
    """
    L = len(activations)
    m = y.shape[0]
    xp = namespace(y)
    masked = [l for l in range(2, L + 1) if f"am{l}" in cache]
    if masked != [l for l in range(2, L + 1) if masks is not None and masks.has(l)]:
        raise ValueError("backward: masks: give the masks the forward pass was given")
    deltas: dict[str, Array] = {}
    if xp is np:
        ws = Workspace.fresh(params, m, y.dtype) if out is None else out
        ws.grad  # noqa: B018 (allocates the flat gradient and its views)
        V, grads = ws.at(m), ws.grads
        delta = output_delta_into(cache, y, activations[-1], loss, ws, L + 1, weights)
    else:  # another array library's arrays: its operations, no buffers
        grads = {}
        delta = _output_delta(cache, y, activations[-1], loss, weights)
    if return_deltas:
        yhat = cache[f"a{L + 1}"]
        deltas["dJdyHat"] = (
            _losses.cost_gradient(loss, y, yhat, weights)
            if xp is np
            else _cost_gradient(loss, y, yhat, weights)
        )
    for l, kW, kb, _, _ in reversed(layer_keys(L)):
        if return_deltas:
            deltas[f"delta{l + 1}"] = delta
        W, a = params[kW], cache[f"a{l}"]
        # the mask of layer l, when the forward pass applied one
        dropped = masks if masks is not None and masks.has(l) else None
        # the product z{l+1} read a{l}, or a{l} ∘ m{l}/(1 − p) with dropout
        a_in = cache[f"am{l}"] if dropped is not None else a
        if xp is not np:  # the same formulas as below, without buffers
            grads[kW] = a_in.T @ delta + l2 * W if l2 else a_in.T @ delta
            if kb in params:
                grads[kb] = xp.sum(delta, axis=0, keepdims=True)
            if l > 1:
                dJda = delta @ W.T
                if dropped is not None:
                    dJda = dropped.apply(l, dJda)
                if return_deltas:
                    deltas[f"dJda{l}"] = dJda
                act = _acts.ACTIVATIONS[activations[l - 2]]
                delta = backprop_through(act, cache[f"z{l}"], a, dJda)
            continue
        # dJdW{l} = a{l}ᵀ delta{l+1} (+ λ W{l})
        if isinstance(a_in, np.ndarray):
            np.dot(a_in.T, delta, out=grads[kW])
        else:
            # a1 = a sparse X: Xᵀ delta2 by SciPy's product, never densified
            grads[kW][...] = a_in.T @ delta
        if l2:
            grads[kW] += np.multiply(W, l2, out=ws.weight_buffer(kW))
        if kb in params:
            # dJdb{l} = Σ_examples delta{l+1} (np.sum's ufunc, without its wrapper)
            np.add.reduce(delta, axis=0, keepdims=True, out=grads[kb])
        if l > 1:
            # one matrix product per layer: dJ/da{l} = delta{l+1} W{l}ᵀ
            dJda = np.dot(delta, W.T, out=V[f"g{l}"])
            if dropped is not None:
                # ã = a ∘ m/(1 − p) is a times a constant: ∂J/∂a = ∂J/∂ã ∘ m/(1 − p)
                dropped.apply(l, dJda, out=dJda)
            if return_deltas:
                deltas[f"dJda{l}"] = dJda
            delta = backprop_into(
                activations[l - 2], a, cache[f"z{l}"], dJda, V[f"d{l}"], V, l
            )
    grads = {k: grads[k] for k in params}  # the parameters' order
    return (grads, deltas) if return_deltas else grads


def _cost_gradient(loss: str, y: Array, yhat: Array, weights: Array | None) -> Array:
    """``dJ/dyHat`` of :func:`chainrule.core.losses.cost_gradient`, with the
    operations of ``y``'s array library."""
    entry = _losses.LOSSES[loss]
    g = entry.gradient(y, yhat)
    g = g / y.shape[0] if entry.mean else g
    return g if weights is None else g * _row_scale(loss, weights, y.shape[0])


def _row_scale(loss: str, weights: Array, n: int) -> Array:
    xp = namespace(weights)
    w = xp.reshape(weights, (-1, 1))
    return w * (n / xp.sum(w)) if _losses.LOSSES[loss].mean else w


def _output_delta(
    cache: Mapping[str, Array],
    y: Array,
    activation: str,
    loss: str,
    weights: Array | None,
) -> Array:
    """:func:`output_delta_into` with the operations of ``y``'s array library:
    the fused closed form where the pair has one, else ``dJ/dŷ · f'(z)``."""
    top = sum(1 for k in cache if k[0] == "z") + 1
    yhat, z = cache[f"a{top}"], cache[f"z{top}"]
    entry = _losses.LOSSES[loss]
    if _losses.is_fused(loss, activation) and entry.fused is not None:
        delta = entry.fused(y, yhat)
        delta = delta / y.shape[0] if entry.mean else delta
        if weights is not None:
            delta = delta * _row_scale(loss, weights, y.shape[0])
        return delta
    act = _acts.ACTIVATIONS[activation]
    return backprop_through(act, z, yhat, _cost_gradient(loss, y, yhat, weights))
