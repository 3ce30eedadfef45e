"""Activation functions and their derivatives, in a registry.

Each entry pairs ``f(z)`` with ``f'(z)`` written in terms of ``z``, so that a
derivation can evaluate ``f'(z3)`` just as the tutorial writes
``sigmoidPrime(self.z3)`` (the formulas it prints are in
:mod:`chainrule.explainer.formulas`). Both work element-wise on arrays of any shape,
except :func:`softmax`, which works on rows and whose derivative is a
Jacobian per row: use :func:`backprop_through` to multiply by it.

Examples
--------
>>> import numpy as np
>>> from chainrule.core.activations import get_activation
>>> act = get_activation("sigmoid")
>>> act.f(np.array([0.0]))
array([0.5])
>>> act.f_prime(np.array([0.0]))
array([0.25])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from scipy.special import expit
from scipy.special import softmax as _softmax

from chainrule.errors import ConfigError
from chainrule.validation import resolve_name

Array = np.ndarray

LEAKY_SLOPE = 0.01


class Activation(NamedTuple):
    """An activation function ``f`` and its derivative ``f_prime``.

    Attributes
    ----------
    name : str
        The registry name.
    f : callable, (...) array -> (...) array
    f_prime : callable, (...) array -> (...) array
        ``f'(z)``, evaluated at the pre-activation ``z``. ``None`` for
        ``softmax``, whose derivative is not element-wise.
    elementwise : bool
        Whether ``f'`` is a diagonal Jacobian.
    f_into : callable, optional
        ``f_into(z, out, scratch, l)``: ``f(z)`` computed in place into
        ``out`` (the same operations in the same order, so the same values);
        returns the activation array (``identity`` returns ``z``).
    grad_into : callable, optional
        ``grad_into(a, z, dJda, out, scratch, l)``: ``dJda * f'(z)`` into
        ``out``, using ``a = f(z)`` where that gives the same values as
        ``f_prime``. ``scratch[f"t{l}"]`` and ``scratch[f"m{l}"]`` are float
        and boolean buffers shaped like ``z``. Without it the backward pass
        uses ``f_prime`` (see :func:`backprop_through`).
    """

    name: str
    f: Callable[[Array], Array]
    f_prime: Callable[[Array], Array] | None
    elementwise: bool = True
    f_into: Callable[..., Array] | None = None
    grad_into: Callable[..., Array] | None = None


def sigmoid(z: Array) -> Array:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, stable for any ``z``.

    ``scipy.special.expit`` never overflows: ``sigmoid(-1000)`` is 0 and
    ``sigmoid(1000)`` is 1, without a warning.
    """
    return expit(z)


def sigmoid_prime(z: Array) -> Array:
    """``f'(z) = e^{-z} / (1 + e^{-z})^2 = f(z) (1 - f(z))``."""
    s = expit(z)
    return s * (1.0 - s)


def tanh(z: Array) -> Array:
    """Hyperbolic tangent."""
    return np.tanh(z)


def tanh_prime(z: Array) -> Array:
    """``f'(z) = 1 - tanh(z)^2``."""
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z: Array) -> Array:
    """Rectified linear unit ``max(0, z)``."""
    return np.maximum(z, 0)


def relu_prime(z: Array) -> Array:
    """``f'(z) = 1`` for ``z > 0`` and ``0`` otherwise (``f'(0) = 0``)."""
    return (z > 0).astype(z.dtype)


def leaky_relu(z: Array) -> Array:
    """``z`` for ``z > 0``, else ``0.01 z``."""
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_prime(z: Array) -> Array:
    """``1`` for ``z > 0``, else ``0.01``."""
    return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype)


def identity(z: Array) -> Array:
    """``f(z) = z``."""
    return z


def identity_prime(z: Array) -> Array:
    """``f'(z) = 1``."""
    return np.ones_like(z)


def softmax(z: Array) -> Array:
    """Row-wise softmax ``exp(z_k) / sum_j exp(z_j)``, stable for any ``z``."""
    return _softmax(z, axis=-1)


# In-place forms of the functions above, for the training hot path. Each one
# performs the same operations as its pure twin, so the values are identical.


def _sigmoid_into(z, out, scratch, l):
    return expit(z, out=out)


def _sigmoid_grad_into(a, z, dJda, out, scratch, l):
    # f'(z) = f(z)(1 − f(z)) = a (1 − a)
    t = scratch[f"t{l}"]
    np.subtract(1.0, a, out=t)
    t *= a
    return np.multiply(dJda, t, out=out)


def _tanh_into(z, out, scratch, l):
    return np.tanh(z, out=out)


def _tanh_grad_into(a, z, dJda, out, scratch, l):
    # f'(z) = 1 − tanh(z)² = 1 − a·a
    t = scratch[f"t{l}"]
    np.multiply(a, a, out=t)
    np.subtract(1.0, t, out=t)
    return np.multiply(dJda, t, out=out)


def _relu_into(z, out, scratch, l):
    return np.maximum(z, 0, out=out)


def _relu_grad_into(a, z, dJda, out, scratch, l):
    mask = np.greater(z, 0, out=scratch[f"m{l}"])
    return np.multiply(dJda, mask, out=out)


def _leaky_relu_into(z, out, scratch, l):
    np.multiply(z, LEAKY_SLOPE, out=out)
    np.copyto(out, z, where=np.greater(z, 0, out=scratch[f"m{l}"]))
    return out


def _leaky_relu_grad_into(a, z, dJda, out, scratch, l):
    mask = np.greater(z, 0, out=scratch[f"m{l}"])
    np.multiply(dJda, LEAKY_SLOPE, out=out)
    np.copyto(out, dJda, where=mask)
    return out


def _identity_into(z, out, scratch, l):
    return z


def _identity_grad_into(a, z, dJda, out, scratch, l):
    return dJda


def _softmax_into(z, out, scratch, l):
    # exp(z − max z) / Σ exp(z − max z), row by row: the max keeps exp ≤ 1
    np.subtract(z, np.max(z, axis=-1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= np.add.reduce(out, axis=-1, keepdims=True)
    return out


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid",
        sigmoid,
        sigmoid_prime,
        f_into=_sigmoid_into,
        grad_into=_sigmoid_grad_into,
    ),
    "tanh": Activation(
        "tanh",
        tanh,
        tanh_prime,
        f_into=_tanh_into,
        grad_into=_tanh_grad_into,
    ),
    "relu": Activation(
        "relu",
        relu,
        relu_prime,
        f_into=_relu_into,
        grad_into=_relu_grad_into,
    ),
    "leaky_relu": Activation(
        "leaky_relu",
        leaky_relu,
        leaky_relu_prime,
        f_into=_leaky_relu_into,
        grad_into=_leaky_relu_grad_into,
    ),
    "identity": Activation(
        "identity",
        identity,
        identity_prime,
        f_into=_identity_into,
        grad_into=_identity_grad_into,
    ),
    "softmax": Activation(
        "softmax",
        softmax,
        None,
        elementwise=False,
        f_into=_softmax_into,
    ),
}

ALIASES = {"linear": "identity", "logistic": "sigmoid", "none": "identity"}


def canonical_name(name: str | None) -> str:
    """Return the registry name for ``name`` (``None`` and aliases resolved).

    Raises
    ------
    UnknownNameError
        If ``name`` is not a known activation; the message lists them.
    """
    if name is None:
        return "identity"
    return resolve_name("activation", name, ACTIVATIONS, ALIASES)


def valid_names() -> list[str]:
    """Every accepted activation name, aliases included."""
    return sorted([*ACTIVATIONS, *ALIASES])


def get_activation(name: str | None) -> Activation:
    """Look up an activation by name (aliases ``linear``, ``logistic``)."""
    return ACTIVATIONS[canonical_name(name)]


def backprop_through(act: Activation, z: Array, a: Array, dJda: Array) -> Array:
    """Multiply the upstream gradient ``dJ/da`` by ``da/dz``.

    Parameters
    ----------
    act : Activation
    z : (n, k) array
        Pre-activation.
    a : (n, k) array
        ``act.f(z)``.
    dJda : (n, k) array
        Gradient of the cost with respect to ``a``.

    Returns
    -------
    (n, k) array
        ``dJ/dz``.

    Notes
    -----
    Element-wise activations give ``dJ/da * f'(z)`` (Hadamard product). For
    softmax the Jacobian of one row is ``diag(a) - a^T a``, so

    .. math:: \\frac{\\partial J}{\\partial z} = a \\circ
              \\left(g - (g \\cdot a) \\mathbf{1}\\right), \\quad g = dJ/da.
    """
    if act.elementwise:
        return dJda * act.f_prime(z)
    return a * (dJda - np.sum(dJda * a, axis=-1, keepdims=True))


def layer_activations(
    activation: str | Sequence[str], output_activation: str | None, n_layers: int
) -> list[str]:
    """One canonical activation name per weight layer.

    ``activation`` is one name for every layer or a list of ``n_layers``
    names; ``output_activation`` overrides the last. ``softmax`` is refused
    below the output layer.

    Examples
    --------
    >>> layer_activations("logistic", "identity", 2)
    ['sigmoid', 'identity']
    """
    if isinstance(activation, (str, bytes)) or not hasattr(activation, "__len__"):
        names = [activation] * n_layers
    else:
        names = list(activation)
        if len(names) != n_layers:
            raise ConfigError(
                f"activation: expected one name or a list of {n_layers} names (one "
                f"per weight layer), got {len(names)}"
            )
    names = [canonical_name(n) for n in names]
    if output_activation is not None:
        names[-1] = canonical_name(output_activation)
    if "softmax" in names[:-1]:
        raise ConfigError(
            "activation: 'softmax' is only valid for the output layer "
            "(use output_activation='softmax')"
        )
    return names
