"""The tutorial's part 4 (seed 003): backpropagation, step by step.

The notebook derives ``∂J/∂W⁽²⁾`` and ``∂J/∂W⁽¹⁾`` in prose and code, then
takes a step of 3 *along* the gradient (the cost rises) and one of 3 against
it (the cost falls). It asks no numbered questions: its steps are numbered
here in its order. Part 4 draws its weights at random; the numbers come from
the built-in example ``tutorial-part4``, which chooses and states them.
"""

from __future__ import annotations

from chainrule.explainer.build.derivation import explain
from chainrule.explainer.worksheets.build import (
    concept,
    dimension,
    elements,
    errata,
    explained,
    expression,
    number,
    value,
)
from chainrule.explainer.worksheets.model import Question, Worksheet

SCALAR = 3.0  # the notebook's "scalar = 3" (cells 13 and 15)


def _dJdW2(ex) -> list[Question]:
    return [
        Question(
            "1",
            "The sum rule: move the sum of J = Σ ½(y − ŷ)² outside the derivative.",
            (
                expression(
                    "∂J/∂W⁽²⁾ = Σ ∂(½(y − ŷ)²)/∂W⁽²⁾",
                    r"\frac{\partial J}{\partial W^{(2)}} = \sum \frac{\partial"
                    r" \frac{1}{2}(y - \hat{y})^2}{\partial W^{(2)}}",
                ),
            ),
        ),
        Question(
            "2",
            "The power rule and the chain rule: the derivative of the inside.",
            (
                expression(
                    "∂J/∂W⁽²⁾ = −(y − ŷ) ∂ŷ/∂z⁽³⁾ ∂z⁽³⁾/∂W⁽²⁾",
                    r"\frac{\partial J}{\partial W^{(2)}} = -(y - \hat{y})"
                    r"\frac{\partial \hat{y}}{\partial z^{(3)}}"
                    r"\frac{\partial z^{(3)}}{\partial W^{(2)}}",
                ),
                concept("y is a constant: its derivative is 0, hence the minus sign."),
            ),
        ),
        Question(
            "3",
            "Differentiate the sigmoid: f′(z) = ?",
            (
                expression(
                    "f′(z) = e⁻ᶻ/(1 + e⁻ᶻ)²",
                    r"f'(z) = \frac{e^{-z}}{(1 + e^{-z})^2}",
                    "exp(-z)/(1 + exp(-z))**2",
                ),
                number(ex, "fprime3"),
            ),
        ),
        Question(
            "4",
            "Dimensions: y − ŷ, f′(z⁽³⁾) and the back-propagating error δ⁽³⁾.",
            (
                dimension(ex, "dJdyHat", "one row per example (y − ŷ up to its sign)"),
                dimension(ex, "fprime3", "the same size"),
                dimension(ex, "delta3", "their element-by-element product"),
                number(ex, "delta3"),
            ),
        ),
        Question(
            "5",
            "∂z⁽³⁾/∂W⁽²⁾ is the activity on each synapse: multiply each value of "
            "δ⁽³⁾ by each activity, with a⁽²⁾ transposed.",
            (
                expression(
                    "∂J/∂W⁽²⁾ = (a⁽²⁾)ᵀδ⁽³⁾",
                    r"\frac{\partial J}{\partial W^{(2)}} = (a^{(2)})^{\top}"
                    r"\delta^{(3)}",
                    "a2.T*delta3",
                    (("a2", 3, 3), ("delta3", 3, 1)),
                ),
                elements(ex, "dJdW2", "Every example gets a vote:"),
                number(ex, "dJdW2"),
            ),
        ),
    ]


def _dJdW1(ex) -> list[Question]:
    return [
        Question(
            "6",
            "Across the synapses: the slope of z⁽³⁾ along a⁽²⁾ is the weight, so "
            "multiply by (W⁽²⁾)ᵀ; through the hidden units, by f′(z⁽²⁾).",
            (
                expression(
                    "δ⁽²⁾ = δ⁽³⁾(W⁽²⁾)ᵀ ∘ f′(z⁽²⁾)",
                    r"\delta^{(2)} = \delta^{(3)} (W^{(2)})^{\top} \circ f'(z^{(2)})",
                    "HadamardProduct(delta3*W2.T, fprime2)",
                    (("delta3", 3, 1), ("W2", 3, 1), ("fprime2", 3, 3)),
                ),
                elements(ex, "dJda2", "", ("shapes", "transpose")),
                elements(ex, "delta2", "", ("shapes",)),
                number(ex, "delta2"),
            ),
        ),
        Question(
            "7",
            "Along W⁽¹⁾ the slope is the input: multiply by Xᵀ.",
            (
                expression(
                    "∂J/∂W⁽¹⁾ = Xᵀδ⁽²⁾",
                    r"\frac{\partial J}{\partial W^{(1)}} = X^{\top}\delta^{(2)}",
                    "X.T*delta2",
                    (("X", 3, 2), ("delta2", 3, 3)),
                ),
                elements(ex, "dJdW1", "", ("shapes", "transpose")),
                number(ex, "dJdW1"),
            ),
        ),
    ]


def _steps(p, ex) -> list[Question]:
    n = sum(v.size for v in p.network.params.values())
    up = explain(p.network, p.X, p.y, learning_rate=-SCALAR, uphill=True)
    after = p.network.copy()
    after.set_params({k: up[f"{k}'"].value for k in p.network.params})
    down = explain(after, p.X, p.y, learning_rate=SCALAR)
    j2, j3 = down["J"].value, down["J'"].value
    return [
        Question(
            "8",
            "How many dimensions has the space the gradient lives in?",
            (
                value("weights", r"\text{weights}", float(n)),
                concept(
                    f"{n}: W⁽¹⁾ has 2 × 3 = 6 weights and W⁽²⁾ 3 × 1 = 3, and "
                    "∂J/∂W has one component per weight."
                ),
            ),
        ),
        Question(
            "9",
            f"Add {SCALAR:g} times the gradient to the weights: does the cost rise?",
            (
                number(up, "J", "cost1", r"\text{cost1}"),
                number(up, "J'", "cost2", r"\text{cost2}"),
                concept(up["costs"].note + " (uphill, α = −3)."),
            ),
        ),
        Question(
            "10",
            f"From there, subtract {SCALAR:g} times the new gradient: does the "
            "cost fall?",
            (
                number(down, "J", "cost2", r"\text{cost2}"),
                number(down, "J'", "cost3", r"\text{cost3}"),
                concept(
                    "Yes: a step against the gradient goes downhill, "
                    f"from {j2:.6g} to {j3:.6g}."
                ),
            ),
        ),
    ]


def _inline(a) -> str:
    return "[" + "; ".join(" ".join(f"{v:g}" for v in row) for row in a) + "]"


def build() -> Worksheet:
    """The tutorial's part 4, every step answered."""
    p, ex = explained("tutorial-part4", level="element")
    return Worksheet(
        name="part4",
        title="The tutorial, part 4: backpropagation",
        source='Seed 003, the notebook of "Neural Networks Demystified" part 4: '
        "the 2-3-1 sigmoid network on the test-score data.",
        description="The notebook's derivation in its order, with every product "
        "shaped and written out, then its two steps: uphill and downhill.",
        choices=(
            "Part 4 draws its weights at random: the built-in example "
            f"tutorial-part4 chooses W⁽¹⁾ = {_inline(p.network.params['W1'])} and "
            f"W⁽²⁾ = {_inline(p.network.params['W2'])}.",
        ),
        questions=tuple(_dJdW2(ex) + _dJdW1(ex) + _steps(p, ex)),
        errata=errata("part4"),
    )
