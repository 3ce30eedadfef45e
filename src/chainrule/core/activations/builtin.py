"""The built-in activations: f, f′, their in-place forms, formulas and SymPy forms.

Each entry of :data:`BUILTIN` holds, side by side, ``f(z)`` and ``f′(z)``
written in terms of ``z`` (so that a derivation can evaluate ``f′(z3)``
just as the tutorial writes ``sigmoidPrime(self.z3)``), their in-place
kernels for the training hot path, the formulas a derivation prints and
their SymPy forms. :mod:`chainrule.core.activations` is the registry that
reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from chainrule.core.registry import ActivationFormula
from chainrule.core.special import expit
from chainrule.core.special import softmax as _softmax
from chainrule.core.xp import namespace

Array = np.ndarray
#: the buffers of a pass, by name (``t{l}``: floats, ``m{l}``: booleans)
Scratch = Mapping[str, np.ndarray]

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
    formula : ActivationFormula, optional
        ``f(z)`` and ``f′(z)`` as the explainer prints them; without it, the
        generic ``name(z)`` and ``name′(z)``.
    sym : callable, optional
        ``f`` in SymPy: ``sym(t)`` for a SymPy expression ``t`` (softmax:
        a row, a list of expressions, to a list). Without it ``derive``
        refuses the activation.
    sym_prime : callable, optional
        ``f′(t)`` in SymPy, as the numeric code writes it; without it,
        SymPy's derivative of ``sym``.
    """

    name: str
    f: Callable[[Array], Array]
    f_prime: Callable[[Array], Array] | None
    elementwise: bool = True
    f_into: Callable[..., Array] | None = None
    grad_into: Callable[..., Array] | None = None
    formula: ActivationFormula | None = None
    sym: Callable | None = None
    sym_prime: Callable | None = None


def sigmoid(z: Array) -> Array:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, stable for any ``z``.

    :func:`chainrule.core.special.expit` says nothing of its expected
    overflow: ``sigmoid(-1000)`` is 0 and ``sigmoid(1000)`` is 1, without a
    warning.
    """
    return expit(z)


def sigmoid_prime(z: Array) -> Array:
    """``f'(z) = e^{-z} / (1 + e^{-z})^2 = f(z) (1 - f(z))``."""
    s = expit(z)
    return s * (1.0 - s)


def tanh(z: Array) -> Array:
    """Hyperbolic tangent."""
    return namespace(z).tanh(z)


def tanh_prime(z: Array) -> Array:
    """``f'(z) = 1 - tanh(z)^2``."""
    t = namespace(z).tanh(z)
    return 1.0 - t * t


def relu(z: Array) -> Array:
    """Rectified linear unit ``max(0, z)``."""
    xp = namespace(z)
    return xp.maximum(z, xp.zeros_like(z))


def relu_prime(z: Array) -> Array:
    """``f'(z) = 1`` for ``z > 0`` and ``0`` otherwise (``f'(0) = 0``)."""
    return namespace(z).astype(z > 0, z.dtype)


def leaky_relu(z: Array) -> Array:
    """``z`` for ``z > 0``, else ``0.01 z``."""
    return namespace(z).where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_prime(z: Array) -> Array:
    """``1`` for ``z > 0``, else ``0.01``."""
    xp = namespace(z)
    return xp.where(z > 0, xp.ones_like(z), xp.full_like(z, LEAKY_SLOPE))


def identity(z: Array) -> Array:
    """``f(z) = z``."""
    return z


def identity_prime(z: Array) -> Array:
    """``f'(z) = 1``."""
    return namespace(z).ones_like(z)


def softmax(z: Array) -> Array:
    """Row-wise softmax ``exp(z_k) / sum_j exp(z_j)``, stable for any ``z``."""
    return _softmax(z, axis=-1)


# In-place forms of the functions above, for the training hot path. Each one
# performs the same operations as its pure twin, so the values are identical.


def _sigmoid_into(z: Array, out: Array, scratch: Scratch, l: int) -> Array:
    return expit(z, out=out)


def _sigmoid_grad_into(
    a: Array, z: Array, dJda: Array, out: Array, scratch: Scratch, l: int
) -> Array:
    # f'(z) = f(z)(1 − f(z)) = a (1 − a)
    t = scratch[f"t{l}"]
    np.subtract(1.0, a, out=t)
    t *= a
    return np.multiply(dJda, t, out=out)


def _tanh_into(z: Array, out: Array, scratch: Scratch, l: int) -> Array:
    return np.tanh(z, out=out)


def _tanh_grad_into(
    a: Array, z: Array, dJda: Array, out: Array, scratch: Scratch, l: int
) -> Array:
    # f'(z) = 1 − tanh(z)² = 1 − a·a
    t = scratch[f"t{l}"]
    np.multiply(a, a, out=t)
    np.subtract(1.0, t, out=t)
    return np.multiply(dJda, t, out=out)


def _relu_into(z: Array, out: Array, scratch: Scratch, l: int) -> Array:
    return np.maximum(z, 0, out=out)


def _relu_grad_into(
    a: Array, z: Array, dJda: Array, out: Array, scratch: Scratch, l: int
) -> Array:
    mask = np.greater(z, 0, out=scratch[f"m{l}"])
    return np.multiply(dJda, mask, out=out)


def _leaky_relu_into(z: Array, out: Array, scratch: Scratch, l: int) -> Array:
    np.multiply(z, LEAKY_SLOPE, out=out)
    np.copyto(out, z, where=np.greater(z, 0, out=scratch[f"m{l}"]))
    return out


def _leaky_relu_grad_into(
    a: Array, z: Array, dJda: Array, out: Array, scratch: Scratch, l: int
) -> Array:
    mask = np.greater(z, 0, out=scratch[f"m{l}"])
    np.multiply(dJda, LEAKY_SLOPE, out=out)
    np.copyto(out, dJda, where=mask)
    return out


def _identity_into(z: Array, out: Array, scratch: Scratch, l: int) -> Array:
    return z


def _identity_grad_into(
    a: Array, z: Array, dJda: Array, out: Array, scratch: Scratch, l: int
) -> Array:
    return dJda


def _softmax_into(z: Array, out: Array, scratch: Scratch, l: int) -> Array:
    # exp(z − max z) / Σ exp(z − max z), row by row: the max keeps exp ≤ 1
    np.subtract(z, np.max(z, axis=-1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= np.add.reduce(out, axis=-1, keepdims=True)
    return out


def _sympy() -> Any:
    import sympy  # only a derivation needs it: never at import time

    return sympy


def _sigmoid_sym(t: Any) -> Any:
    return 1 / (1 + _sympy().exp(-t))


def _softmax_sym(row: list) -> list:
    # exp(z_k) / Σ_j exp(z_j) for one row of expressions
    total = _sympy().Add(*[_sympy().exp(v) for v in row])
    return [_sympy().exp(v) / total for v in row]


#: The built-in entries, by name (read through ``ACTIVATIONS``).
BUILTIN = {
    "sigmoid": Activation(
        "sigmoid",
        sigmoid,
        sigmoid_prime,
        f_into=_sigmoid_into,
        grad_into=_sigmoid_grad_into,
        formula=ActivationFormula(
            "1/(1+e^(-z))",
            "e^(-z)/(1+e^(-z))^2 = f(z)(1-f(z))",
            r"\frac{1}{1+e^{-z}}",
            r"\frac{e^{-z}}{(1+e^{-z})^2}",
        ),
        sym=_sigmoid_sym,
        # f′ = f(1 − f), as sigmoid_prime computes it
        sym_prime=lambda t: _sigmoid_sym(t) * (1 - _sigmoid_sym(t)),
    ),
    "tanh": Activation(
        "tanh",
        tanh,
        tanh_prime,
        f_into=_tanh_into,
        grad_into=_tanh_grad_into,
        formula=ActivationFormula(
            "tanh(z)", "1 - tanh(z)^2", r"\tanh z", r"1-\tanh^2 z"
        ),
        sym=lambda t: _sympy().tanh(t),
        sym_prime=lambda t: 1 - _sympy().tanh(t) ** 2,
    ),
    "relu": Activation(
        "relu",
        relu,
        relu_prime,
        f_into=_relu_into,
        grad_into=_relu_grad_into,
        formula=ActivationFormula(
            "max(0, z)",
            "1 if z > 0 else 0",
            r"\max(0,z)",
            r"\begin{cases}1 & z>0\\0 & z\le 0\end{cases}",
        ),
        # max(0, t) = t H(t) with H(0) = 0, so f′(0) = H(0) = 0 as relu_prime.
        # (A Piecewise is folded and its conditions simplified each time an
        # argument is substituted: minutes.)
        sym=lambda t: t * _sympy().Heaviside(t, 0),
        sym_prime=lambda t: _sympy().Heaviside(t, 0),
    ),
    "leaky_relu": Activation(
        "leaky_relu",
        leaky_relu,
        leaky_relu_prime,
        f_into=_leaky_relu_into,
        grad_into=_leaky_relu_grad_into,
        formula=ActivationFormula(
            "z if z > 0 else 0.01 z",
            "1 if z > 0 else 0.01",
            r"\begin{cases}z & z>0\\0.01z & z\le 0\end{cases}",
            r"\begin{cases}1 & z>0\\0.01 & z\le 0\end{cases}",
        ),
    ),
    "identity": Activation(
        "identity",
        identity,
        identity_prime,
        f_into=_identity_into,
        grad_into=_identity_grad_into,
        formula=ActivationFormula("z", "1", "z", "1"),
        sym=lambda t: t,
        sym_prime=lambda t: _sympy().Integer(1),
    ),
    "softmax": Activation(
        "softmax",
        softmax,
        None,
        elementwise=False,
        f_into=_softmax_into,
        formula=ActivationFormula(
            "e^(z_k)/sum_j e^(z_j)",
            "diag(f(z)) - f(z)^T f(z)",
            r"\frac{e^{z_k}}{\sum_j e^{z_j}}",
            r"\operatorname{diag}(f(z)) - f(z)^\top f(z)",
        ),
        sym=_softmax_sym,
    ),
}
