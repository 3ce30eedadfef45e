"""Cost functions, their derivatives and the fused output deltas.

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
divides by ŷ (see :func:`output_delta`).

Examples
--------
>>> import numpy as np
>>> from chainrule.core.losses import cost_value
>>> cost_value("mse", np.array([[2.0]]), np.array([[1.2]]))
0.32
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import log_softmax

from chainrule.errors import ConfigError, UnknownNameError
from chainrule.validation import resolve_name

Array = np.ndarray


class Loss(NamedTuple):
    """A cost: its name and the output activation it needs.

    The formulas that a derivation prints are in
    :mod:`chainrule.explainer.formulas`.
    """

    name: str
    output: str | None  # the output activation it needs, or None for any


LOSSES: dict[str, Loss] = {
    "sse": Loss("sse", None),
    "mse": Loss("mse", None),
    "bce": Loss("bce", "sigmoid"),
    "cce": Loss("cce", "softmax"),
}

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


def _clip(yhat: Array) -> Array:
    # Guard log(0): keep ŷ a few ulps inside (0, 1).
    tiny = np.finfo(yhat.dtype).eps
    return np.clip(yhat, tiny, 1.0 - tiny)


def cost_value(loss: str, y: Array, yhat: Array, z: Array | None = None) -> float:
    """The data term of the cost, as a Python float.

    Parameters
    ----------
    loss : str
        A name from :data:`LOSSES`.
    y, yhat : (n, k) array
        Targets and predictions.
    z : (n, k) array, optional
        The output layer's pre-activation. With ``bce`` (sigmoid) and ``cce``
        (softmax) the cost is then computed from ``z`` directly, exact even
        where ŷ rounds to 0 or 1.

    Returns
    -------
    float
    """
    n = y.shape[0]
    if loss == "sse":
        r = y - yhat
        return float(0.5 * np.sum(r * r))
    if loss == "mse":
        r = y - yhat
        return float(np.sum(r * r) / (2 * n))
    if loss == "bce":
        if z is not None:
            # -[y log σ(z) + (1-y) log(1-σ(z))] = log(1 + e^z) - y z
            return float(np.sum(np.logaddexp(0, z) - y * z) / n)
        p = _clip(yhat)
        return float(-np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) / n)
    if loss == "cce":
        logp = log_softmax(z, axis=-1) if z is not None else np.log(_clip(yhat))
        return float(-np.sum(y * logp) / n)
    raise UnknownNameError(f"loss: unknown name {loss!r}")


def _out(y: Array, yhat: Array) -> Array:
    return np.empty(np.broadcast_shapes(y.shape, yhat.shape), np.result_type(y, yhat))


def cost_gradient(loss: str, y: Array, yhat: Array) -> Array:
    """``dJ/dyHat``, shape (n, k): the table in this module's docstring."""
    return cost_gradient_into(loss, y, yhat, _out(y, yhat))


def cost_gradient_into(loss: str, y: Array, yhat: Array, out: Array) -> Array:
    """:func:`cost_gradient` written into ``out`` (shape (n, k)); returns ``out``."""
    n = y.shape[0]
    if loss in ("sse", "mse"):
        # −(y − ŷ) = ŷ − y exactly (IEEE subtraction is antisymmetric)
        np.subtract(yhat, y, out=out)
        if loss == "mse":
            out /= n
        return out
    if loss == "bce":
        p = _clip(yhat)
        out[...] = (p - y) / (n * p * (1 - p))
        return out
    if loss == "cce":
        out[...] = -y / (n * _clip(yhat))
        return out
    raise UnknownNameError(f"loss: unknown name {loss!r}")


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
    (one-hot labels).
    """
    if not is_fused(loss, output_activation):
        return None
    return fused_delta_into(loss, output_activation, y, yhat, _out(y, yhat))


def is_fused(loss: str, output_activation: str) -> bool:
    """Whether the output delta has a closed form (see :func:`fused_delta`)."""
    return (loss, output_activation) in (("bce", "sigmoid"), ("cce", "softmax"))


def fused_delta_into(
    loss: str, output_activation: str, y: Array, yhat: Array, out: Array
) -> Array | None:
    """:func:`fused_delta` written into ``out``; ``None`` where there is none."""
    n = y.shape[0]
    if (loss, output_activation) == ("bce", "sigmoid"):
        # δ = (ŷ − y)/N: the first derivation in fused_delta; no division by ŷ.
        np.subtract(yhat, y, out=out)
    elif (loss, output_activation) == ("cce", "softmax"):
        # δ = (ŷ Σ_j y_j − y)/N: the second derivation in fused_delta.
        np.multiply(yhat, np.sum(y, axis=-1, keepdims=True), out=out)
        out -= y
    else:
        return None
    out /= n
    return out
