"""The forward pass and the cost, as pure functions.

With the input as layer 1 (the tutorial's numbering), for ``l = 1 .. L``::

    a1 = X
    z{l+1} = a{l} @ W{l} + b{l}
    a{l+1} = f_l(z{l+1})
    yHat = a{L+1}

Examples
--------
>>> import numpy as np
>>> from chainrule.forward import forward
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

from chainrule.activations import get_activation
from chainrule.losses import cost_value

Array = np.ndarray


def layer_count(params: Mapping[str, Array]) -> int:
    """Number of weight layers ``L`` (keys ``W1`` .. ``WL``)."""
    return sum(1 for k in params if k.startswith("W"))


def forward(
    params: Mapping[str, Array], X: Array, activations: Sequence[str]
) -> tuple[Array, dict[str, Array]]:
    """Propagate ``X`` through the network.

    Parameters
    ----------
    params : dict of str to array
        ``W{l}`` of shape (n_{l-1}, n_l), optional ``b{l}`` of shape (1, n_l).
    X : (n, n_inputs) array
    activations : sequence of str, length L
        One activation name per weight layer.

    Returns
    -------
    yHat : (n, n_outputs) array
    cache : dict of str to array
        ``a1`` (= X), then ``z{l+1}`` and ``a{l+1}`` for each layer.
    """
    cache: dict[str, Array] = {"a1": X}
    a = X
    for l, name in enumerate(activations, start=1):
        z = a @ params[f"W{l}"]
        b = params.get(f"b{l}")
        if b is not None:
            z = z + b
        a = get_activation(name).f(z)
        cache[f"z{l + 1}"] = z
        cache[f"a{l + 1}"] = a
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
