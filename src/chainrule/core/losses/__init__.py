"""Cost functions, their derivatives and the fused output deltas, in a registry.

``N`` is the number of examples; every sum runs over every example and every
output.

=======  ===================================================  =================
name     J                                                    dJ/dyHat
=======  ===================================================  =================
``sse``  ½ Σ (y − ŷ)²                                         −(y − ŷ)
``mse``  Σ (y − ŷ)² / (2N)                                    −(y − ŷ) / N
``bce``  −(1/N) Σ [y log ŷ + (1 − y) log(1 − ŷ)]              (ŷ − y) / (N ŷ (1 − ŷ))
``cce``  −(1/N) Σ y log ŷ                                     −y / (N ŷ)
=======  ===================================================  =================

``sse`` is the tutorial's cost (seeds 000, 002, 003), ``mse`` the one of
seed 004, ``bce`` the cross-entropy of seed 001. ``bce`` needs a sigmoid
output and ``cce`` a softmax output; both then use a fused delta that never
divides by ŷ (see :func:`fused_delta`). Each entry (a :class:`Loss`, written
in :mod:`chainrule.core.losses.builtin`) holds its value, gradient, fused
form, printed formula and SymPy form side by side; the registry is
read-only, and :func:`register_loss` (``chainrule.register_loss``) adds a
user's cost.

Sample weights: with one weight ``w_i >= 0`` per example, the means
(``mse``, ``bce``, ``cce``) become weighted means, ``Σ_i w_i ℓ_i / Σ_i w_i``,
and the sum ``sse`` becomes ``Σ_i w_i ℓ_i`` (scikit-learn's convention for
its MLP: ``_multilayer_perceptron.py``, ``_backprop``). Both are
``Σ_i s_i ℓ_i`` with the row scale of :func:`row_scale`; an integer weight
then counts as that many copies of the row.

Examples
--------
>>> import numpy as np
>>> from chainrule.core.losses import cost_value
>>> cost_value("mse", np.array([[2.0]]), np.array([[1.2]]))
0.32
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

import numpy as np

from chainrule.core import registry as _reg
from chainrule.core.activations import canonical_name as activation_name
from chainrule.core.losses.builtin import BUILTIN, Loss
from chainrule.core.registry import CostFormula
from chainrule.core.xp import namespace
from chainrule.errors import ConfigError, UnknownNameError
from chainrule.validation import resolve_name

Array = np.ndarray

__all__ = [
    "ALIASES",
    "BUILTIN",
    "LOSSES",
    "CostFormula",
    "Loss",
    "canonical_name",
    "check_pairing",
    "cost_gradient",
    "cost_gradient_into",
    "cost_value",
    "fused_delta",
    "fused_delta_into",
    "get_loss",
    "is_fused",
    "register_loss",
    "unregister_loss",
    "row_scale",
    "valid_names",
]

_ENTRIES: dict[str, Loss] = dict(BUILTIN)

#: Every cost by name: read-only; :func:`register_loss` adds to it.
LOSSES = MappingProxyType(_ENTRIES)

ALIASES = {
    "squared_error": "mse",
    "binary_crossentropy": "bce",
    "log_loss": "bce",
    "categorical_crossentropy": "cce",
    "cross_entropy": "cce",
}


def valid_names() -> list[str]:
    """Every accepted cost name, aliases included."""
    return sorted([*LOSSES, *ALIASES])


def canonical_name(name: str) -> str:
    """Resolve aliases; raise :class:`UnknownNameError` listing the valid names."""
    return resolve_name("loss", name, LOSSES, ALIASES)


def get_loss(name: str) -> Loss:
    """Look up a cost by name."""
    return LOSSES[canonical_name(name)]


def _entry(loss: str) -> Loss:
    entry = LOSSES.get(loss)
    if entry is None:
        raise UnknownNameError(f"loss: unknown name {loss!r}")
    return entry


def check_pairing(loss: str, output_activation: str) -> None:
    """Raise :class:`ConfigError` when a cost cannot follow an output activation.

    ``bce`` needs ŷ in (0, 1) for every output (sigmoid); ``cce`` needs rows
    of ŷ that are probability distributions (softmax).
    """
    need = LOSSES[loss].output
    if need is not None and output_activation != need:
        raise ConfigError(
            f"loss={loss!r} needs output_activation={need!r}; got {output_activation!r}"
        )


def row_scale(loss: str, weights: Array, n: int) -> Array:
    """``n s_i`` for the means, ``s_i`` for ``sse``: the factor of row ``i``.

    With ``s_i = w_i / Σ w`` (means) or ``w_i`` (``sse``), the weighted cost
    is ``J_w = Σ_i s_i ℓ_i``, where ``ℓ_i`` is row ``i``'s term of the
    unweighted sum (``Σ_k`` over outputs). The unweighted formulas already
    divide by ``N`` for the means, hence the factor ``n`` here. Returns an
    (n, 1) column that multiplies the rows of an (n, k) array.

    Examples
    --------
    >>> import numpy as np
    >>> row_scale("mse", np.array([1.0, 3.0]), 2).ravel().tolist()
    [0.5, 1.5]
    >>> row_scale("sse", np.array([1.0, 3.0]), 2).ravel().tolist()
    [1.0, 3.0]
    """
    w = weights.reshape(-1, 1)
    return w * (n / np.sum(w)) if _entry(loss).mean else w


def cost_value(
    loss: str,
    y: Array,
    yhat: Array,
    z: Array | None = None,
    weights: Array | None = None,
) -> float:
    """The data term of the cost, as a Python float.

    Parameters
    ----------
    loss : str
        A name from :data:`LOSSES`.
    y, yhat : (n, k) array
        Targets and predictions.
    z : (n, k) array, optional
        The output layer's pre-activation. For a cost written in the logits
        (``Loss.logits``: ``bce`` after a sigmoid, ``cce`` after a softmax)
        the cost is then computed from ``z`` directly, exact even where ŷ
        rounds to 0 or 1.
    weights : (n,) array, optional
        Sample weights ``w_i >= 0`` with ``Σ w > 0``: the weighted mean (or,
        for ``sse``, sum) of this module's docstring.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> y, yhat = np.array([[1.0], [0.0]]), np.array([[0.0], [0.0]])
    >>> cost_value("mse", y, yhat, weights=np.array([3.0, 1.0]))
    0.375
    """
    entry = _entry(loss)
    if z is not None and entry.logits is not None:
        terms = entry.logits(y, z)
    else:
        terms = entry.value(y, yhat)
    if weights is not None:
        w = weights.reshape(-1, 1)
        total = float(np.sum(terms * w))
        return total / float(np.sum(w)) if entry.mean else total
    total = namespace(terms).sum(terms)
    return float(total / y.shape[0] if entry.mean else total)


def _out(y: Array, yhat: Array) -> Array:
    return np.empty(np.broadcast_shapes(y.shape, yhat.shape), np.result_type(y, yhat))


def cost_gradient(
    loss: str, y: Array, yhat: Array, weights: Array | None = None
) -> Array:
    """``dJ/dyHat``, shape (n, k): the table in this module's docstring.

    With ``weights``, row ``i`` is multiplied by :func:`row_scale`'s factor
    (see :func:`cost_gradient_into`).
    """
    return cost_gradient_into(loss, y, yhat, _out(y, yhat), weights)


def _scale_rows(loss: str, out: Array, weights: Array | None) -> Array:
    # J_w = Σ_i s_i ℓ_i, so ∂J_w/∂ŷ_i = s_i ∂ℓ_i/∂ŷ_i: row i of dJ/dyHat, and of
    # the output delta dJ/dz (f' acts row by row), is scaled by s_i. Every
    # later quantity of the backward pass is linear in the rows of the output
    # delta (dJdW = aᵀδ and dJdb = Σ_i δ_i sum over rows; δ_l = (δ_{l+1} Wᵀ)
    # ⊙ f'(z_l) keeps rows apart), so this one scaling weights every gradient.
    # Without weights nothing is multiplied: the unweighted path is unchanged.
    if weights is not None:
        out *= row_scale(loss, weights, out.shape[0])
    return out


def _whole(
    entry: Loss,
    into: Callable[[Array, Array, Array], Array] | None,
    pure: Callable[[Array, Array], Array],
    y: Array,
    yhat: Array,
    out: Array,
) -> Array:
    # dJ of the whole cost: the entry's in-place form, else its element-wise
    # form divided by N for a mean
    if into is not None:
        return into(y, yhat, out)
    out[...] = pure(y, yhat)
    if entry.mean:
        out /= y.shape[0]
    return out


def cost_gradient_into(
    loss: str, y: Array, yhat: Array, out: Array, weights: Array | None = None
) -> Array:
    """:func:`cost_gradient` written into ``out`` (shape (n, k)); returns ``out``."""
    entry = _entry(loss)
    _whole(entry, entry.gradient_into, entry.gradient, y, yhat, out)
    return _scale_rows(loss, out, weights)


def is_fused(loss: str, output_activation: str) -> bool:
    """Whether the output delta has a closed form (see :func:`fused_delta`)."""
    entry = _entry(loss)
    return entry.fused is not None and entry.output == output_activation


def fused_delta(
    loss: str, output_activation: str, y: Array, yhat: Array
) -> Array | None:
    """The output delta ``dJ/dz`` in closed form where one exists, else ``None``.

    Notes
    -----
    Sigmoid with ``bce``: with :math:`f'(z) = \\hat{y}(1-\\hat{y})`,

    .. math:: \\delta = \\frac{\\hat{y}-y}{N\\hat{y}(1-\\hat{y})}
              \\cdot \\hat{y}(1-\\hat{y}) = \\frac{\\hat{y}-y}{N}

    Softmax with ``cce``:

    .. math:: \\delta_k = \\sum_j -\\frac{y_j}{N\\hat{y}_j}
              \\hat{y}_j(\\mathbb{1}_{jk} - \\hat{y}_k)
              = \\frac{\\hat{y}_k \\sum_j y_j - y_k}{N}

    which is :math:`(\\hat{y}_k - y_k)/N` when each row of ``y`` sums to one
    (one-hot labels). The forms are ``Loss.fused`` of each entry.
    """
    if not is_fused(loss, output_activation):
        return None
    return fused_delta_into(loss, output_activation, y, yhat, _out(y, yhat))


def fused_delta_into(
    loss: str,
    output_activation: str,
    y: Array,
    yhat: Array,
    out: Array,
    weights: Array | None = None,
) -> Array | None:
    """:func:`fused_delta` written into ``out``; ``None`` where there is none."""
    entry = LOSSES[loss]
    if not is_fused(loss, output_activation) or entry.fused is None:
        return None
    _whole(entry, entry.fused_into, entry.fused, y, yhat, out)
    return _scale_rows(loss, out, weights)


def register_loss(
    name: str,
    value: Callable[[Array, Array], Array],
    gradient: Callable[[Array, Array], Array],
    *,
    mean: bool = True,
    output: str | None = None,
    logits: Callable[[Array, Array], Array] | None = None,
    fused: Callable[[Array, Array], Array] | None = None,
    formula: CostFormula | tuple[str, ...] | None = None,
    sym: Callable | None = None,
    sym_gradient: Callable | None = None,
) -> Loss:
    """Add a cost to the registry; returns its entry.

    Parameters
    ----------
    name : str
        Lower case (``"huber"``). A built-in name or alias is refused; a name
        registered before is replaced.
    value, gradient : callable, (y, yHat) -> (n, k) array
        The term ``ℓ(y, ŷ)`` of each element and its derivative ``∂ℓ/∂ŷ``.
    mean : bool, default True
        ``J = (1/N) Σ ℓ`` (True) or ``J = Σ ℓ`` (False).
    output : str, optional
        The output activation the cost needs; ``logits`` and ``fused`` are
        written for it.
    logits, fused : callable, (y, z) and (y, yHat) -> (n, k) array, optional
        ``ℓ`` from the pre-activation ``z``, and ``∂ℓ/∂z`` through ``output``
        in closed form (see :class:`Loss`).
    formula : CostFormula or tuple of 7 str, optional
        What ``explain`` prints; without it, ``Σ name(y, ŷ)``.
    sym, sym_gradient : callable, (y, h) -> SymPy expression, optional
        ``ℓ`` and ``∂ℓ/∂h`` for ``derive``; without ``sym`` it refuses the cost.

    Returns
    -------
    Loss

    Raises
    ------
    ConfigError
        A built-in name, a missing or non-callable ``value`` or ``gradient``,
        a function of the wrong number of arguments or one that does not
        return an array shaped like ``y``, an unknown ``output``, or
        ``logits`` / ``fused`` without ``output``.

    Examples
    --------
    >>> import numpy as np
    >>> entry = register_loss("abs_error", lambda y, yhat: np.abs(y - yhat),
    ...                       lambda y, yhat: np.sign(yhat - y))
    >>> cost_value("abs_error", np.array([[2.0], [0.0]]), np.array([[1.0], [1.0]]))
    1.0
    >>> unregister_loss("abs_error")
    >>> register_loss("mse", np.square, np.negative)
    Traceback (most recent call last):
    ...
    chainrule.errors.ConfigError: register_loss: 'mse' is a built-in loss and \
cannot be replaced; register yours under another name
    """
    name = _reg.check_new_name("loss", name, ALIASES, BUILTIN)
    for field, fn, names in (
        ("value", value, "y, yHat"),
        ("gradient", gradient, "y, yHat"),
        ("logits", logits, "y, z"),
        ("fused", fused, "y, yHat"),
        ("sym", sym, "y, h"),
        ("sym_gradient", sym_gradient, "y, h"),
    ):
        if fn is not None or field in ("value", "gradient"):
            _reg.check_function("loss", name, field, fn, 2, names)
    if not isinstance(mean, bool):
        raise ConfigError(
            f"register_loss({name!r}): mean: expected True or False, got {mean!r}"
        )
    if output is not None:
        output = activation_name(output)
    elif logits is not None or fused is not None:
        raise ConfigError(
            f"register_loss({name!r}): logits and fused are written for one output "
            "activation: expected output='<its name>', got output=None"
        )
    y, yhat = np.array([[0.0, 1.0, 1.0]]), np.array([[0.25, 0.5, 0.75]])
    for field, fn in (("value", value), ("gradient", gradient), ("fused", fused)):
        if fn is not None:
            _reg.check_values("loss", name, field, fn, (y, yhat), y.shape)
    entry = Loss(
        name,
        value,
        gradient,
        mean=mean,
        output=output,
        logits=logits,
        fused=fused,
        formula=_reg.check_formula("loss", name, formula, CostFormula),
        sym=sym,
        sym_gradient=sym_gradient,
    )
    _ENTRIES[name] = entry
    return entry


def unregister_loss(name: str) -> None:
    """Remove a loss that :func:`register_loss` added.

    Raises
    ------
    ConfigError
        ``name`` is built in, or was not registered.
    """
    _reg.remove("loss", name, _ENTRIES, (*BUILTIN, *ALIASES))
