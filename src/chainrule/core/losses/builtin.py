"""The built-in costs: value, gradient, fused delta, printed formula, SymPy form.

A cost is ``J = Σ ℓ(y, ŷ)`` (a sum: ``sse``) or ``J = (1/N) Σ ℓ(y, ŷ)`` (a
mean: ``mse``, ``bce``, ``cce``), the sum over every example and every output.
Each entry of :data:`BUILTIN` holds, side by side, the term ``ℓ`` and its
derivative ``∂ℓ/∂ŷ`` (element-wise), the in-place forms of ``dJ/dŷ`` and of
the fused output delta, ``ℓ`` written in the logits ``z`` where that is
exact, the formulas a derivation prints and the SymPy forms of ``ℓ`` and
``∂ℓ/∂ŷ``. :mod:`chainrule.core.losses` is the registry that reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from chainrule.core.registry import CostFormula
from chainrule.core.special import log_softmax
from chainrule.core.xp import namespace

Array = np.ndarray


class Loss(NamedTuple):
    """A cost ``J = Σ ℓ(y, ŷ)``, or ``(1/N) Σ ℓ(y, ŷ)`` when ``mean``.

    Attributes
    ----------
    name : str
    value : callable, (y, yHat) -> (n, k) array
        The term ``ℓ`` of each element.
    gradient : callable, (y, yHat) -> (n, k) array
        ``∂ℓ/∂ŷ`` of each element; ``dJ/dŷ`` is it, divided by ``N`` for a mean.
    mean : bool
        Whether ``J`` divides the sum by the number of examples ``N``.
    output : str or None
        The output activation the cost needs (``None``: any), the one that
        ``logits`` and ``fused`` are written for.
    logits : callable, (y, z) -> (n, k) array, optional
        ``ℓ`` computed from the output layer's pre-activation ``z`` (``ŷ =
        f(z)``, ``f`` the ``output`` activation): exact where ŷ rounds to 0
        or 1. ``needs_z`` says whether there is one.
    fused : callable, (y, yHat) -> (n, k) array, optional
        The output delta ``∂(Σ ℓ)/∂z`` through the ``output`` activation in
        closed form (the fused form); divided by ``N`` for a mean.
    gradient_into, fused_into : callable, (y, yHat, out) -> out, optional
        ``dJ/dŷ`` and the fused ``dJ/dz`` of the whole cost (the ``1/N``
        included) written into ``out``; without them, from ``gradient`` and
        ``fused``.
    formula : CostFormula, optional
        What a derivation prints; without it, the generic ``Σ name(y, ŷ)``.
    sym, sym_gradient : callable, (y, h) -> SymPy expression, optional
        ``ℓ`` and ``∂ℓ/∂h`` of SymPy symbols, for ``derive`` (without
        ``sym_gradient``, SymPy's derivative of ``sym``).
    """

    name: str
    value: Callable[[Array, Array], Array]
    gradient: Callable[[Array, Array], Array]
    mean: bool = True
    output: str | None = None
    logits: Callable[[Array, Array], Array] | None = None
    fused: Callable[[Array, Array], Array] | None = None
    gradient_into: Callable[..., Array] | None = None
    fused_into: Callable[..., Array] | None = None
    formula: CostFormula | None = None
    sym: Callable | None = None
    sym_gradient: Callable | None = None

    @property
    def needs_z(self) -> bool:
        """Whether the value is computed from the logits ``z`` (see ``logits``)."""
        return self.logits is not None


def _clip(yhat: Array) -> Array:
    # Guard log(0) and the division by ŷ: keep ŷ a few ulps inside (0, 1).
    xp = namespace(yhat)
    tiny = float(xp.finfo(yhat.dtype).eps)
    return xp.clip(yhat, tiny, 1.0 - tiny)


# sse and mse: ℓ = ½ (y − ŷ)², ∂ℓ/∂ŷ = −(y − ŷ).


def half_square(y: Array, yhat: Array) -> Array:
    """``ℓ = ½ (y − ŷ)²``."""
    r = y - yhat
    return 0.5 * r * r


def residual(y: Array, yhat: Array) -> Array:
    """``∂ℓ/∂ŷ = −(y − ŷ)``, computed as ``ŷ − y`` (IEEE subtraction is
    exactly antisymmetric, so this is the same number)."""
    return yhat - y


def _sse_gradient_into(y: Array, yhat: Array, out: Array) -> Array:
    return np.subtract(yhat, y, out=out)


def _mse_gradient_into(y: Array, yhat: Array, out: Array) -> Array:
    np.subtract(yhat, y, out=out)
    out /= y.shape[0]
    return out


# bce: ℓ = −[y log ŷ + (1 − y) log(1 − ŷ)], ŷ = σ(z).


def bce(y: Array, yhat: Array) -> Array:
    """``ℓ = −[y log ŷ + (1 − y) log(1 − ŷ)]``, ŷ clipped into (0, 1)."""
    p = _clip(yhat)
    xp = namespace(y, yhat)
    return -(y * xp.log(p) + (1 - y) * xp.log1p(-p))


def bce_logits(y: Array, z: Array) -> Array:
    """``ℓ`` from ``z``: −[y log σ(z) + (1 − y) log(1 − σ(z))] = log(1 + e^z) − y z."""
    xp = namespace(y, z)
    if xp is np:
        return np.logaddexp(0, z) - y * z
    return xp.logaddexp(xp.zeros_like(z), z) - y * z


def bce_gradient(y: Array, yhat: Array) -> Array:
    """``∂ℓ/∂ŷ = (ŷ − y) / (ŷ (1 − ŷ))``."""
    p = _clip(yhat)
    return (p - y) / (p * (1 - p))


def _bce_gradient_into(y: Array, yhat: Array, out: Array) -> Array:
    p = _clip(yhat)
    out[...] = (p - y) / (y.shape[0] * p * (1 - p))
    return out


# Fused with the sigmoid, σ′(z) = ŷ(1 − ŷ):
#   δ = ∂J/∂ŷ ∘ σ′(z) = (ŷ − y)/(N ŷ(1 − ŷ)) ∘ ŷ(1 − ŷ) = (ŷ − y)/N,
# which never divides by ŷ.
def bce_fused(y: Array, yhat: Array) -> Array:
    """``∂(Σ ℓ)/∂z = ŷ − y`` through the sigmoid."""
    return yhat - y


def _bce_fused_into(y: Array, yhat: Array, out: Array) -> Array:
    np.subtract(yhat, y, out=out)
    out /= y.shape[0]
    return out


# cce: ℓ = −y log ŷ, ŷ = softmax(z) row by row.


def cce(y: Array, yhat: Array) -> Array:
    """``ℓ = −y log ŷ``, ŷ clipped into (0, 1)."""
    return -y * namespace(y, yhat).log(_clip(yhat))


def cce_logits(y: Array, z: Array) -> Array:
    """``ℓ`` from ``z``: −y log softmax(z) = −y (z − logsumexp(z)), row by row."""
    return -y * log_softmax(z, axis=-1)


def cce_gradient(y: Array, yhat: Array) -> Array:
    """``∂ℓ/∂ŷ = −y / ŷ``."""
    return -y / _clip(yhat)


def _cce_gradient_into(y: Array, yhat: Array, out: Array) -> Array:
    out[...] = -y / (y.shape[0] * _clip(yhat))
    return out


# Fused with the softmax, ∂ŷ_j/∂z_k = ŷ_j (1_jk − ŷ_k):
#   δ_k = Σ_j −y_j/(N ŷ_j) · ŷ_j (1_jk − ŷ_k) = (ŷ_k Σ_j y_j − y_k)/N,
# which is (ŷ_k − y_k)/N when each row of y sums to one (one-hot labels).
def cce_fused(y: Array, yhat: Array) -> Array:
    """``∂(Σ ℓ)/∂z = ŷ Σ_j y_j − y`` through the softmax."""
    return yhat * namespace(y, yhat).sum(y, axis=-1, keepdims=True) - y


def _cce_fused_into(y: Array, yhat: Array, out: Array) -> Array:
    np.multiply(yhat, np.sum(y, axis=-1, keepdims=True), out=out)
    out -= y
    out /= y.shape[0]
    return out


def _sympy() -> Any:
    import sympy  # only a derivation needs it: never at import time

    return sympy


def _log(x: Any) -> Any:
    return _sympy().log(x)


#: The built-in entries, by name (read through ``LOSSES``).
BUILTIN = {
    "sse": Loss(
        "sse",
        half_square,
        residual,
        mean=False,
        gradient_into=_sse_gradient_into,
        formula=CostFormula(
            "½ Σ (<y> − <yHat>)²",
            r"\frac{1}{2}\sum (<y> - <yHat>)^2",
            "½ Σ (⟦y⟧ − ⟦yHat⟧)²",
            r"\frac{1}{2}\sum (⟦y⟧ - ⟦yHat⟧)^2",
            "−(<y> − <yHat>)",
            r"-(<y> - <yHat>)",
            "−(⟦y⟧ − ⟦yHat⟧)",
        ),
        sym=lambda y, h: (y - h) ** 2 / 2,
        sym_gradient=lambda y, h: -(y - h),
    ),
    "mse": Loss(
        "mse",
        half_square,
        residual,
        gradient_into=_mse_gradient_into,
        formula=CostFormula(
            "Σ (<y> − <yHat>)² / (2N)",
            r"\frac{\sum (<y> - <yHat>)^2}{2N}",
            "Σ (⟦y⟧ − ⟦yHat⟧)² / (2·{n})",
            r"\frac{\sum (⟦y⟧ - ⟦yHat⟧)^2}{2 \cdot {n}}",
            "−(<y> − <yHat>) / N",
            r"-\frac{<y> - <yHat>}{N}",
            "−(⟦y⟧ − ⟦yHat⟧) / {n}",
        ),
        sym=lambda y, h: (y - h) ** 2 / 2,
        sym_gradient=lambda y, h: -(y - h),
    ),
    "bce": Loss(
        "bce",
        bce,
        bce_gradient,
        output="sigmoid",
        logits=bce_logits,
        fused=bce_fused,
        gradient_into=_bce_gradient_into,
        fused_into=_bce_fused_into,
        formula=CostFormula(
            "−(1/N) Σ [<y> log <yHat> + (1 − <y>) log(1 − <yHat>)]",
            r"-\frac{1}{N}\sum \left[<y>\log <yHat> + (1-<y>)\log(1-<yHat>)\right]",
            "−(1/{n}) Σ [⟦y⟧ log ⟦yHat⟧ + (1 − ⟦y⟧) log(1 − ⟦yHat⟧)]",
            r"-\frac{1}{{n}}\sum \left[⟦y⟧\log ⟦yHat⟧ + (1-⟦y⟧)\log(1-⟦yHat⟧)\right]",
            "(<yHat> − <y>) / (N <yHat> (1 − <yHat>))",
            r"\frac{<yHat> - <y>}{N <yHat> (1 - <yHat>)}",
            "(⟦yHat⟧ − ⟦y⟧) / ({n} · ⟦yHat⟧ ∘ (1 − ⟦yHat⟧))",
        ),
        sym=lambda y, h: -(y * _log(h) + (1 - y) * _log(1 - h)),
        sym_gradient=lambda y, h: (h - y) / (h * (1 - h)),
    ),
    "cce": Loss(
        "cce",
        cce,
        cce_gradient,
        output="softmax",
        logits=cce_logits,
        fused=cce_fused,
        gradient_into=_cce_gradient_into,
        fused_into=_cce_fused_into,
        formula=CostFormula(
            "−(1/N) Σ <y> log <yHat>",
            r"-\frac{1}{N}\sum <y>\log <yHat>",
            "−(1/{n}) Σ ⟦y⟧ log ⟦yHat⟧",
            r"-\frac{1}{{n}}\sum ⟦y⟧\log ⟦yHat⟧",
            "−<y> / (N <yHat>)",
            r"-\frac{<y>}{N <yHat>}",
            "−⟦y⟧ / ({n} · ⟦yHat⟧)",
        ),
        sym=lambda y, h: -y * _log(h),
        sym_gradient=lambda y, h: -y / h,
    ),
}
