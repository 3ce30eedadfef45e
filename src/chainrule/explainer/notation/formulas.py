"""The formulas that a derivation prints, for every activation and cost.

The templates are part of each registry entry (:mod:`chainrule.core.activations`,
:mod:`chainrule.core.losses`), next to the functions they describe, in plain
text and in LaTeX (math mode). This module reads them, and writes a generic
form for a user's entry that gives none: ``name(z)`` and ``name′(z)`` for an
activation, ``Σ name(y, ŷ)`` (divided by N for a mean) for a cost.

Placeholders in the cost templates: ``<y>`` and ``<yHat>`` stand for the names
of y and ŷ in the chosen notation, ``⟦y⟧`` and ``⟦yHat⟧`` for their values,
``{n}`` for the number of examples. Activation templates are written in ``z``.

Sources: the sigmoid and its derivative e^(−z)/(1 + e^(−z))² are part 4 of
"Neural Networks Demystified" (seed 000); the costs are those of
:mod:`chainrule.core.losses` (sse: seed 000, mse: seed 004, bce: seed 001).

Examples
--------
>>> activation_formula("logistic").prime_latex
'\\\\frac{e^{-z}}{(1+e^{-z})^2}'
>>> cost_formula("mse").grad_formula
'−(<y> − <yHat>) / N'
"""

from __future__ import annotations

from chainrule.core.activations import get_activation
from chainrule.core.losses import get_loss
from chainrule.core.registry import ActivationFormula, CostFormula

__all__ = ["ActivationFormula", "CostFormula", "activation_formula", "cost_formula"]


def _tex_name(name: str) -> str:
    return r"\operatorname{" + name.replace("_", r"\_") + "}"


def activation_formula(name: str | None) -> ActivationFormula:
    """The templates of an activation (aliases resolved by the core registry).

    Raises
    ------
    UnknownNameError
        ``name`` is not a registered activation.
    """
    act = get_activation(name)
    if act.formula is not None:
        return act.formula
    tex = _tex_name(act.name)
    return ActivationFormula(
        f"{act.name}(z)", f"{act.name}′(z)", tex + "(z)", tex + "'(z)"
    )


def cost_formula(name: str) -> CostFormula:
    """The templates of a cost (aliases resolved by the core registry).

    Raises
    ------
    UnknownNameError
        ``name`` is not a registered cost.
    """
    loss = get_loss(name)
    if loss.formula is not None:
        return loss.formula
    f, tex = loss.name, _tex_name(loss.name)
    # J = (1/N) Σ ℓ(y, ŷ) for a mean, Σ ℓ(y, ŷ) for a sum; ∂J/∂ŷ = ℓ′(y, ŷ) (/N)
    pre, pre_tex, pre_n, pre_n_tex = "Σ ", r"\sum ", "Σ ", r"\sum "
    post, post_tex, post_n = "", "", ""
    if loss.mean:
        pre, pre_tex = "(1/N) Σ ", r"\frac{1}{N}\sum "
        pre_n, pre_n_tex = "(1/{n}) Σ ", r"\frac{1}{{n}}\sum "
        post, post_tex, post_n = " / N", r"\,/\,N", " / {n}"
    return CostFormula(
        f"{pre}{f}(<y>, <yHat>)",
        f"{pre_tex}{tex}(<y>, <yHat>)",
        f"{pre_n}{f}(⟦y⟧, ⟦yHat⟧)",
        f"{pre_n_tex}{tex}(⟦y⟧, ⟦yHat⟧)",
        f"{f}′(<y>, <yHat>){post}",
        f"{tex}'(<y>, <yHat>){post_tex}",
        f"{f}′(⟦y⟧, ⟦yHat⟧){post_n}",
    )
