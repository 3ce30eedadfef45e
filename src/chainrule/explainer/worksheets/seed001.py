"""Seed 001: the bracket-notation derivation of a 4-3-2-1 network, step by step.

The seed derives every step in symbols (``z[1] = a[0]W[1] + b[1]``,
``g[3z]``, ``g[2W] = (a[1])ᵀ g[2z]``, ...) and states no numbers: the numbers
come from the built-in example ``seed001``, which chooses the weights, the
biases, the example and the learning rate. The seed has no question numbers;
its derivation steps are numbered here in its own order.
"""

from __future__ import annotations

from chainrule.explainer.worksheets.build import (
    concept,
    errata,
    explained,
    expression,
    number,
)
from chainrule.explainer.worksheets.model import Part, Question, Worksheet

#: What the seed does at each step, in chainrule's words (Welch keys).
ASK = {
    "z2": "The first layer: write z[1] = a[0]W[1] + b[1] element by element; "
    "what are the shapes?",
    "a2": "a[1] = g_h(z[1]), the logistic sigmoid of each element.",
    "z3": "The second layer: z[2] = a[1]W[2] + b[2], element by element.",
    "a3": "a[2] = g_h(z[2]).",
    "z4": "The third layer: z[3] = a[2]W[3] + b[3].",
    "yHat": "The output: ŷ = a[3] = g_o(z[3]).",
    "J": "The loss: L(ŷ, y) = −[(1 − y) log(1 − ŷ) + y log ŷ].",
    "dJdyHat": "g[3a] = dL/da[3], the upstream gradient at the output.",
    "fprime4": "The local gradient g_o′(z[3]) = da[3]/dz[3].",
    "delta4": "g[3z] = dL/dz[3]: chain the local gradient with the upstream one.",
    "dJdW3": "∂L/∂W[3]: each W_{i,1}[3] reaches L through z₁[3]; collect them "
    "as g[3W].",
    "dJdb3": "∂L/∂b[3], seeing b[3] as a coefficient of z[3].",
    "dJda3": "g[2a] = ∂L/∂a[2]: each a_i[2] reaches z₁[3] through W_{i,1}[3].",
    "fprime3": "The local gradient g_h′(z[2]) = a[2](1 − a[2]).",
    "delta3": "g[2z] = g_h′(z[2]) ∘ g[2a], element by element (Hadamard).",
    "dJdW2": "g[2W] = ∂L/∂W[2], column by column, then as one product.",
    "dJdb2": "g[2b] = ∂L/∂b[2].",
    "dJda2": "g[1a] = ∂L/∂a[1]: two flows reach each a_i[1], one through each "
    "unit of z[2]; add them.",
    "fprime2": "The local gradient g_h′(z[1]).",
    "delta2": "g[1z] = g_h′(z[1]) ∘ g[1a].",
    "dJdW1": "g[1W] = ∂L/∂W[1].",
    "dJdb1": "g[1b] = ∂L/∂b[1].",
}


def _question(k: int, s) -> Question:
    parts = [expression(s.formula, s.formula_latex, key=s.symbol)]
    if s.details:
        parts.append(Part("elements", "", details=s.details, key=s.symbol))
    parts.append(Part("number", s.name, s.name_latex, value=s.value, key=s.symbol))
    if s.symbol == "fprime4":
        parts.append(
            concept(
                "For the sigmoid, g′(z) = e⁻ᶻ/(1 + e⁻ᶻ)² = g(z)(1 − g(z)) = a(1 − a)."
            )
        )
    return Question(str(k), ASK.get(s.symbol, s.formula), tuple(parts))


def build() -> Worksheet:
    """Seed 001's derivation, every step written out with numbers."""
    p, ex = explained("seed001", level="element", notation="bracket")
    steps = [s for s in ex.steps if s.phase in ("forward", "backward")]
    questions = [_question(k, s) for k, s in enumerate(steps, start=1)]
    update = [s for s in ex.steps if s.phase == "update"]
    n = len(questions) + 1
    questions.append(
        Question(
            str(n),
            "Gradient descent: W_{s+1}[k] = W_s[k] − α ∂L/∂W_s[k] (and the same "
            "for b[k]), with α = 0.5.",
            (
                expression(
                    "W[k] := W[k] − α g[kW],  b[k] := b[k] − α g[kb]",
                    r"W^{[k]} \mathrel{:=} W^{[k]} - \alpha g^{[kW]},\quad "
                    r"b^{[k]} \mathrel{:=} b^{[k]} - \alpha g^{[kb]}",
                ),
                *[number(ex, s.symbol) for s in update],
                number(ex, "J'", "L after the step", r"\mathcal{L}'"),
                concept(
                    f"The loss fell from {ex['J'].value:.6g} to "
                    f"{ex.steps[-1].value:.6g}."
                ),
            ),
        )
    )
    return Worksheet(
        name="seed001",
        title="Seed 001: backpropagation in bracket notation, step by step",
        source="Seed 001, the derivation of a 4-3-2-1 sigmoid network with biases "
        "and binary cross-entropy, one example as a row vector a[0].",
        description="Each step of the seed's derivation in its order: the "
        "formula, the shapes, every element written out, and the values.",
        choices=(
            "The seed states no numbers: the weights, the biases, the example "
            f"x = [{' '.join(f'{v:g}' for v in p.X.ravel())}] with label "
            f"y = {p.y.item():g} and the "
            f"learning rate α = {p.learning_rate:g} are chosen (built-in example "
            "seed001).",
        ),
        questions=tuple(questions),
        errata=errata("seed001"),
    )
