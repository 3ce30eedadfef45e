"""The formulas that a derivation prints, one template per activation and cost.

The core registries (:mod:`chainrule.core.activations`,
:mod:`chainrule.core.losses`) compute; this module holds what the explainer
writes next to their values. Every registered activation and cost has exactly
one entry here (``tests/test_explain_render.py`` checks it), in plain text and
in LaTeX (math mode).

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

from typing import NamedTuple

from chainrule.core.activations import canonical_name as activation_name
from chainrule.core.losses import canonical_name as loss_name


class ActivationFormula(NamedTuple):
    """``f(z)`` and ``f′(z)`` as a derivation writes them.

    Attributes
    ----------
    formula, latex : str
        ``f(z)`` in plain text and in LaTeX.
    prime_formula, prime_latex : str
        ``f′(z)`` in plain text (``"... = ..."`` gives equivalent forms; the
        first is printed) and in LaTeX.
    """

    formula: str
    prime_formula: str
    latex: str
    prime_latex: str


class CostFormula(NamedTuple):
    """The cost ``J`` and ``∂J/∂ŷ``: formulas and their substitutions.

    Attributes
    ----------
    formula, latex : str
        ``J`` in terms of ``<y>`` and ``<yHat>``.
    substituted, substituted_latex : str
        The same with ``⟦y⟧``, ``⟦yHat⟧`` and ``{n}``.
    grad_formula, grad_latex, grad_substituted : str
        ``∂J/∂ŷ``, plain and LaTeX, and its plain substitution.
    """

    formula: str
    latex: str
    substituted: str
    substituted_latex: str
    grad_formula: str
    grad_latex: str
    grad_substituted: str


ACTIVATION_FORMULAS: dict[str, ActivationFormula] = {
    "sigmoid": ActivationFormula(
        "1/(1+e^(-z))",
        "e^(-z)/(1+e^(-z))^2 = f(z)(1-f(z))",
        r"\frac{1}{1+e^{-z}}",
        r"\frac{e^{-z}}{(1+e^{-z})^2}",
    ),
    "tanh": ActivationFormula("tanh(z)", "1 - tanh(z)^2", r"\tanh z", r"1-\tanh^2 z"),
    "relu": ActivationFormula(
        "max(0, z)",
        "1 if z > 0 else 0",
        r"\max(0,z)",
        r"\begin{cases}1 & z>0\\0 & z\le 0\end{cases}",
    ),
    "leaky_relu": ActivationFormula(
        "z if z > 0 else 0.01 z",
        "1 if z > 0 else 0.01",
        r"\begin{cases}z & z>0\\0.01z & z\le 0\end{cases}",
        r"\begin{cases}1 & z>0\\0.01 & z\le 0\end{cases}",
    ),
    "identity": ActivationFormula("z", "1", "z", "1"),
    "softmax": ActivationFormula(
        "e^(z_k)/sum_j e^(z_j)",
        "diag(f(z)) - f(z)^T f(z)",
        r"\frac{e^{z_k}}{\sum_j e^{z_j}}",
        r"\operatorname{diag}(f(z)) - f(z)^\top f(z)",
    ),
}

COST_FORMULAS: dict[str, CostFormula] = {
    "sse": CostFormula(
        "½ Σ (<y> − <yHat>)²",
        r"\frac{1}{2}\sum (<y> - <yHat>)^2",
        "½ Σ (⟦y⟧ − ⟦yHat⟧)²",
        r"\frac{1}{2}\sum (⟦y⟧ - ⟦yHat⟧)^2",
        "−(<y> − <yHat>)",
        r"-(<y> - <yHat>)",
        "−(⟦y⟧ − ⟦yHat⟧)",
    ),
    "mse": CostFormula(
        "Σ (<y> − <yHat>)² / (2N)",
        r"\frac{\sum (<y> - <yHat>)^2}{2N}",
        "Σ (⟦y⟧ − ⟦yHat⟧)² / (2·{n})",
        r"\frac{\sum (⟦y⟧ - ⟦yHat⟧)^2}{2 \cdot {n}}",
        "−(<y> − <yHat>) / N",
        r"-\frac{<y> - <yHat>}{N}",
        "−(⟦y⟧ − ⟦yHat⟧) / {n}",
    ),
    "bce": CostFormula(
        "−(1/N) Σ [<y> log <yHat> + (1 − <y>) log(1 − <yHat>)]",
        r"-\frac{1}{N}\sum \left[<y>\log <yHat> + (1-<y>)\log(1-<yHat>)\right]",
        "−(1/{n}) Σ [⟦y⟧ log ⟦yHat⟧ + (1 − ⟦y⟧) log(1 − ⟦yHat⟧)]",
        r"-\frac{1}{{n}}\sum \left[⟦y⟧\log ⟦yHat⟧ + (1-⟦y⟧)\log(1-⟦yHat⟧)\right]",
        "(<yHat> − <y>) / (N <yHat> (1 − <yHat>))",
        r"\frac{<yHat> - <y>}{N <yHat> (1 - <yHat>)}",
        "(⟦yHat⟧ − ⟦y⟧) / ({n} · ⟦yHat⟧ ∘ (1 − ⟦yHat⟧))",
    ),
    "cce": CostFormula(
        "−(1/N) Σ <y> log <yHat>",
        r"-\frac{1}{N}\sum <y>\log <yHat>",
        "−(1/{n}) Σ ⟦y⟧ log ⟦yHat⟧",
        r"-\frac{1}{{n}}\sum ⟦y⟧\log ⟦yHat⟧",
        "−<y> / (N <yHat>)",
        r"-\frac{<y>}{N <yHat>}",
        "−⟦y⟧ / ({n} · ⟦yHat⟧)",
    ),
}


def activation_formula(name: str | None) -> ActivationFormula:
    """The templates of an activation (aliases resolved by the core registry).

    Raises
    ------
    UnknownNameError
        ``name`` is not a registered activation.
    """
    return ACTIVATION_FORMULAS[activation_name(name)]


def cost_formula(name: str) -> CostFormula:
    """The templates of a cost (aliases resolved by the core registry).

    Raises
    ------
    UnknownNameError
        ``name`` is not a registered cost.
    """
    return COST_FORMULAS[loss_name(name)]
