"""Activation functions and their derivatives, in a registry.

Each entry pairs ``f(z)`` with ``f'(z)`` written in terms of ``z``, so that a
derivation can print ``f'(z3)`` just as the tutorial writes
``sigmoidPrime(self.z3)``. Both work element-wise on arrays of any shape,
except :func:`softmax`, which works on rows and whose derivative is a
Jacobian per row: use :func:`backprop_through` to multiply by it.

Examples
--------
>>> import numpy as np
>>> from chainrule.activations import get_activation
>>> act = get_activation("sigmoid")
>>> act.f(np.array([0.0]))
array([0.5])
>>> act.f_prime(np.array([0.0]))
array([0.25])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import expit
from scipy.special import softmax as _softmax

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
    formula : str
        ``f(z)`` as plain text.
    prime_formula : str
        ``f'(z)`` as plain text.
    elementwise : bool
        Whether ``f'`` is a diagonal Jacobian.
    """

    name: str
    f: Callable[[Array], Array]
    f_prime: Callable[[Array], Array] | None
    formula: str
    prime_formula: str
    latex: str
    prime_latex: str
    elementwise: bool = True


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


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "sigmoid",
        sigmoid,
        sigmoid_prime,
        "1/(1+e^(-z))",
        "e^(-z)/(1+e^(-z))^2 = f(z)(1-f(z))",
        r"\frac{1}{1+e^{-z}}",
        r"\frac{e^{-z}}{(1+e^{-z})^2}",
    ),
    "tanh": Activation(
        "tanh",
        tanh,
        tanh_prime,
        "tanh(z)",
        "1 - tanh(z)^2",
        r"\tanh z",
        r"1-\tanh^2 z",
    ),
    "relu": Activation(
        "relu",
        relu,
        relu_prime,
        "max(0, z)",
        "1 if z > 0 else 0",
        r"\max(0,z)",
        r"\begin{cases}1 & z>0\\0 & z\le 0\end{cases}",
    ),
    "leaky_relu": Activation(
        "leaky_relu",
        leaky_relu,
        leaky_relu_prime,
        "z if z > 0 else 0.01 z",
        "1 if z > 0 else 0.01",
        r"\begin{cases}z & z>0\\0.01z & z\le 0\end{cases}",
        r"\begin{cases}1 & z>0\\0.01 & z\le 0\end{cases}",
    ),
    "identity": Activation(
        "identity",
        identity,
        identity_prime,
        "z",
        "1",
        "z",
        "1",
    ),
    "softmax": Activation(
        "softmax",
        softmax,
        None,
        "e^(z_k)/sum_j e^(z_j)",
        "diag(f(z)) - f(z)^T f(z)",
        r"\frac{e^{z_k}}{\sum_j e^{z_j}}",
        r"\operatorname{diag}(f(z)) - f(z)^\top f(z)",
        elementwise=False,
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
