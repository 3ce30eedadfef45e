"""Activation functions and their derivatives, in a registry.

Each entry pairs ``f(z)`` with ``f'(z)`` written in terms of ``z``, so that a
derivation can evaluate ``f'(z3)`` just as the tutorial writes
``sigmoidPrime(self.z3)``. Both work element-wise on arrays of any shape,
except :func:`softmax`, which works on rows and whose derivative is a
Jacobian per row: use :func:`backprop_through` to multiply by it. The
built-in entries are written in :mod:`chainrule.core.activations.builtin`.

Next to ``f`` and ``f'`` an entry holds their in-place forms (the training
hot path), the formulas a derivation prints (plain text and LaTeX) and their
SymPy forms (``chainrule.derive``). The registry is read-only:
:func:`register_activation` (``chainrule.register_activation``) adds a
user's element-wise activation, which then works in ``Network``, ``fit``,
``gradcheck``, ``trace``, ``explain`` and, with a SymPy form, ``derive``.

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
from types import MappingProxyType

import numpy as np

from chainrule.core import registry as _reg
from chainrule.core.activations.builtin import (
    BUILTIN,
    LEAKY_SLOPE,
    Activation,
    identity,
    identity_prime,
    leaky_relu,
    leaky_relu_prime,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    softmax,
    tanh,
    tanh_prime,
)
from chainrule.core.registry import ActivationFormula
from chainrule.core.xp import namespace
from chainrule.errors import ConfigError
from chainrule.validation import resolve_name

Array = np.ndarray

__all__ = [
    "ACTIVATIONS",
    "ALIASES",
    "BUILTIN",
    "LEAKY_SLOPE",
    "Activation",
    "ActivationFormula",
    "backprop_through",
    "canonical_name",
    "get_activation",
    "identity",
    "identity_prime",
    "layer_activations",
    "leaky_relu",
    "leaky_relu_prime",
    "register_activation",
    "unregister_activation",
    "relu",
    "relu_prime",
    "sigmoid",
    "sigmoid_prime",
    "softmax",
    "tanh",
    "tanh_prime",
    "valid_names",
]

_ENTRIES: dict[str, Activation] = dict(BUILTIN)

#: Every activation by name: read-only; :func:`register_activation` adds to it.
ACTIVATIONS = MappingProxyType(_ENTRIES)

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


def register_activation(
    name: str,
    f: Callable[[Array], Array],
    f_prime: Callable[[Array], Array],
    *,
    f_into: Callable[..., Array] | None = None,
    grad_into: Callable[..., Array] | None = None,
    formula: ActivationFormula | tuple[str, str, str, str] | None = None,
    sym: Callable | None = None,
    sym_prime: Callable | None = None,
) -> Activation:
    """Add an element-wise activation to the registry; returns its entry.

    Parameters
    ----------
    name : str
        Lower case (``"swish"``). A built-in name or alias is refused; a name
        registered before is replaced.
    f, f_prime : callable, (...) array -> (...) array
        ``f(z)`` and ``f′(z)``, element-wise, ``f′`` in terms of ``z``.
    f_into, grad_into : callable, optional
        In-place forms (see :class:`Activation`); without them the passes
        call ``f`` and ``f_prime``.
    formula : ActivationFormula or tuple of 4 str, optional
        ``(formula, prime_formula, latex, prime_latex)``: what ``explain``
        prints; without it, ``name(z)`` and ``name′(z)``.
    sym, sym_prime : callable, optional
        ``f`` and ``f′`` of a SymPy expression, for ``derive``.

    Returns
    -------
    Activation

    Raises
    ------
    ConfigError
        A built-in name, a missing or non-callable ``f`` or ``f_prime``, a
        function of the wrong number of arguments, or one that does not
        return an array shaped like its input.

    Examples
    --------
    >>> import numpy as np
    >>> act = register_activation("softsign", lambda z: z / (1 + np.abs(z)),
    ...                           lambda z: 1 / (1 + np.abs(z)) ** 2)
    >>> get_activation("softsign").f(np.array([1.0]))
    array([0.5])
    >>> unregister_activation("softsign")
    >>> register_activation("tanh", np.tanh, lambda z: 1 - np.tanh(z) ** 2)
    Traceback (most recent call last):
    ...
    chainrule.errors.ConfigError: register_activation: 'tanh' is a built-in \
activation and cannot be replaced; register yours under another name
    """
    name = _reg.check_new_name("activation", name, ALIASES, BUILTIN)
    probe = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
    for field, fn, arity, names in (
        ("f", f, 1, "z"),
        ("f_prime", f_prime, 1, "z"),
        ("f_into", f_into, 4, "z, out, scratch, l"),
        ("grad_into", grad_into, 6, "a, z, dJda, out, scratch, l"),
        ("sym", sym, 1, "t"),
        ("sym_prime", sym_prime, 1, "t"),
    ):
        if fn is not None or field in ("f", "f_prime"):
            _reg.check_function("activation", name, field, fn, arity, names)
    for field, fn in (("f", f), ("f_prime", f_prime)):
        _reg.check_values("activation", name, field, fn, (probe,), probe.shape)
    entry = Activation(
        name,
        f,
        f_prime,
        f_into=f_into,
        grad_into=grad_into,
        formula=_reg.check_formula("activation", name, formula, ActivationFormula),
        sym=sym,
        sym_prime=sym_prime,
    )
    _ENTRIES[name] = entry
    return entry


def unregister_activation(name: str) -> None:
    """Remove an activation that :func:`register_activation` added.

    Raises
    ------
    ConfigError
        ``name`` is built in, or was not registered.
    """
    _reg.remove("activation", name, _ENTRIES, (*BUILTIN, *ALIASES))


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
    if act.elementwise and act.f_prime is not None:
        return dJda * act.f_prime(z)
    xp = namespace(a)
    return a * (dJda - xp.sum(dJda * a, axis=-1, keepdims=True))


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
    names: list[str]
    if isinstance(activation, (str, bytes)) or not hasattr(activation, "__len__"):
        names = [activation] * n_layers  # type: ignore[list-item]  # checked below
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
    inner = [n for n in names[:-1] if not ACTIVATIONS[n].elementwise]
    if inner:
        raise ConfigError(
            f"activation: {inner[0]!r} is only valid for the output layer "
            f"(use output_activation={inner[0]!r})"
        )
    return names
