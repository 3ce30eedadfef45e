"""Seed 004: a scalar chain ``x → z1 → a1 → z2 → ŷ → J``, problems 1 to 5.

One input ``x = 3``, target ``y = 2``, weights ``w1 = 0.5``, ``w2 = 0.8``,
ReLU in both layers, ``J = (y − ŷ)²/(2N)``; then one step with ``α = 0.1``
and the forward pass again. The seed numbers its update and its forward
pass "Problem 1" under their own headings: they are ``5.1`` and ``5.2`` here.
"""

from __future__ import annotations

from chainrule.explainer.worksheets.build import (
    concept,
    errata,
    explained,
    expression,
    number,
    value,
)
from chainrule.explainer.worksheets.model import Question, Worksheet


def _problems_1_2(ex, net) -> list[Question]:
    L = net.n_layers
    functions = [f"z{k}, a{k}" if k < L else f"z{k}, ŷ" for k in range(1, L + 1)]
    weights = sum(v.size for k, v in net.params.items() if k.startswith("W"))
    back = [
        number(ex, "dJdyHat", "dJ/dŷ", r"\frac{dJ}{d\hat{y}}"),
        number(ex, "delta3", "dJ/dz2", r"\frac{dJ}{dz_2}"),
        number(ex, "dJda2", "dJ/da1", r"\frac{dJ}{da_1}"),
        number(ex, "delta2", "dJ/dz1", r"\frac{dJ}{dz_1}"),
    ]
    return [
        Question(
            "1",
            "What is being back-propagated?",
            (
                concept(
                    "The derivative of the cost with respect to each intermediate "
                    "quantity (the error): it starts as dJ/dŷ at the output, and "
                    "each step back multiplies it by one local derivative, giving "
                    "dJ/dz2, dJ/da1, dJ/dz1 (δ⁽³⁾, ∂J/∂a⁽²⁾, δ⁽²⁾ in matrix form); "
                    "at each weight one more local derivative gives dJ/dw. The "
                    "weights themselves are not sent back: they are the slopes "
                    "of the links."
                ),
                *back,
            ),
        ),
        Question(
            "2",
            "In the one-unit chain: how many functions and how many weights are "
            "involved? With x = 3, y = 2, w1 = 0.5 and w2 = 0.8, what are ŷ and "
            "the MSE cost?",
            (
                concept(
                    f"{2 * L + 1} functions: {', '.join(functions)} and J (a "
                    "weighted sum and an activation per layer, then the cost); "
                    f"{weights} weights: w1 and w2."
                ),
                value("functions", r"\text{functions}", float(2 * L + 1)),
                value("weights", r"\text{weights}", float(weights)),
                number(ex, "z2", "z1 = w1 x", "z_1 = w_1 x"),
                number(ex, "a2", "a1 = ReLU(z1)", r"a_1 = \operatorname{ReLU}(z_1)"),
                number(ex, "z3", "z2 = w2 a1", "z_2 = w_2 a_1"),
                number(
                    ex, "yHat", "ŷ = ReLU(z2)", r"\hat{y} = \operatorname{ReLU}(z_2)"
                ),
                number(ex, "J", "J = (y − ŷ)²/(2N)", r"J = \frac{(y - \hat{y})^2}{2N}"),
            ),
        ),
    ]


def _problems_3_4(ex) -> list[Question]:
    rows = tuple(
        value(f"{r.function};  {r.derivative}", r.derivative_latex, r.value, r.symbol)
        for r in ex.scalar_chain.rows
    )
    links = []
    for target, chain in ex.scalar_chain.products:
        links.append(concept(f"Propagating the cost to {target}:"))
        for k in chain:
            label = f"{k.name} = {k.product}" if k.product else k.name
            tex = f"{k.name_latex} = {k.product_latex}" if k.product else k.name_latex
            links.append(value(label, tex, k.value, k.symbol))
    return [
        Question(
            "3",
            "Going backward, compute dJ/dŷ, dŷ/dz2, dz2/dw2, dz2/da1, da1/dz1 "
            "and dz1/dw1 for the given weights and sample.",
            rows,
        ),
        Question(
            "4",
            "With the chain rule and problem 3's results: what are dJ/dw1 and dJ/dw2?",
            (
                expression(
                    "dJ/dw1 = dJ/dŷ · dŷ/dz2 · dz2/da1 · da1/dz1 · dz1/dw1",
                    r"\frac{dJ}{dw_1} = \frac{dJ}{d\hat{y}}\frac{d\hat{y}}{dz_2}"
                    r"\frac{dz_2}{da_1}\frac{da_1}{dz_1}\frac{dz_1}{dw_1}",
                ),
                *links,
            ),
        ),
    ]


def _problems_5(ex) -> list[Question]:
    before, after = ex["J"].value, ex["J'"].value
    y0, y1 = ex["yHat"].value.item(), ex["yHat'"].value.item()
    return [
        Question(
            "5.1",
            "Update weights, problem 1: with learning rate 0.1, what are the new "
            "weights?",
            (
                expression(
                    "w := w − α dJ/dw",
                    r"w \mathrel{:=} w - \alpha \frac{dJ}{dw}",
                ),
                number(ex, "W1'", "w1 := 0.5 − 0.1 · (−1.92)", r"w_1"),
                number(ex, "W2'", "w2 := 0.8 − 0.1 · (−1.2)", r"w_2"),
            ),
        ),
        Question(
            "5.2",
            "Forward again, problem 1: plug in the new weights; is the cost reduced?",
            (
                number(ex, "z2'", "z1 = w1 x", "z_1 = w_1 x"),
                number(ex, "a2'", "a1 = ReLU(z1)", r"a_1 = \operatorname{ReLU}(z_1)"),
                number(ex, "z3'", "z2 = w2 a1", "z_2 = w_2 a_1"),
                number(ex, "yHat'", "ŷ", r"\hat{y}"),
                number(ex, "J'", "J", "J"),
                concept(
                    f"Yes: J fell from {before:.6g} to {after:.6g}; ŷ moved from "
                    f"{y0:.6g} to {y1:.6g}, towards y = 2."
                ),
            ),
        ),
    ]


def build():
    """Seed 004's worksheet, every problem answered."""
    p, ex = explained("seed004", level="element")
    return Worksheet(
        name="seed004",
        title="Seed 004: backpropagation through a scalar chain",
        source="Seed 004, problems on a one-unit ReLU chain with x = 3, y = 2, "
        "w1 = 0.5, w2 = 0.8 and learning rate 0.1.",
        description="Every problem in the seed's order, answered with the values "
        "of chainrule's forward and backward pass; seed 004 names the layers from "
        "the first hidden unit (z1 = z⁽²⁾, a1 = a⁽²⁾, z2 = z⁽³⁾, w1 = W⁽¹⁾, "
        "w2 = W⁽²⁾).",
        choices=(),
        questions=tuple(
            _problems_1_2(ex, p.network) + _problems_3_4(ex) + _problems_5(ex)
        ),
        errata=errata("seed004"),
    )
