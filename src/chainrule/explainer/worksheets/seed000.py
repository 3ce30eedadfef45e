"""Seed 000: "deriving the equations for yourself", questions 1 to 16.

The tutorial's 2-3-1 network (sigmoid, ``J = Σ ½(y − ŷ)²``, no biases).
Questions 11a and 15 give ``W⁽¹⁾``, ``W⁽²⁾`` and ``X`` but no ``y``: the
numbers come from the built-in examples ``seed000-q11`` and ``seed000-q15``,
which choose ``y`` and say so.
"""

from __future__ import annotations

import numpy as np

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

ONE = (("a2", 1, 3), ("W2", 3, 1), ("delta3", 1, 1))
THREE = (("a2", 3, 3), ("W2", 3, 1), ("delta3", 3, 1), ("X", 3, 2))
THREE += (("W1", 2, 3), ("fprime2", 3, 3))


def _per_example(p3) -> list:
    """Each example's own ∂Jₙ/∂W⁽²⁾, from a pass over that example alone."""
    parts, total = [], 0.0
    for n in range(p3.X.shape[0]):
        g = p3.network.trace(p3.X[n : n + 1], p3.y[n : n + 1]).gradients["W2"]
        total = total + g
        label = f"Example {n + 1} of question 15 alone: ∂J{n + 1}/∂W⁽²⁾"
        tex = rf"\frac{{\partial J_{n + 1}}}{{\partial W^{{(2)}}}}"
        parts.append(value(label, tex, g, key="dJdW2"))
    label = "Their sum, question 15's ∂J/∂W⁽²⁾"
    parts.append(value(label, r"\sum_n \frac{\partial J_n}{\partial W^{(2)}}", total))
    return parts


def _q1_to_7(ex1, p3) -> list[Question]:
    sum_rule = (
        "∂J/∂W⁽²⁾ = Σₙ ∂(½(yₙ − ŷₙ)²)/∂W⁽²⁾",
        r"\frac{\partial J}{\partial W^{(2)}} = \sum_n "
        r"\frac{\partial \frac{1}{2}(y_n - \hat{y}_n)^2}{\partial W^{(2)}}",
    )
    return [
        Question(
            "1",
            "What is the dimension of ∂J/∂W⁽¹⁾?",
            (
                dimension(
                    ex1,
                    "dJdW1",
                    "(inputLayerSize, hiddenLayerSize), the shape of W⁽¹⁾: one "
                    "partial derivative for each weight",
                ),
            ),
        ),
        Question(
            "2",
            "What is the dimension of ∂J/∂W⁽²⁾?",
            (
                dimension(
                    ex1,
                    "dJdW2",
                    "(hiddenLayerSize, outputLayerSize), the shape of W⁽²⁾",
                ),
            ),
        ),
        Question(
            "3",
            "Starting from J = Σ ½(y − ŷ)², use the sum rule to move the "
            "summation outside the derivative.",
            (
                expression(*sum_rule),
                concept(
                    "The derivative of a sum is the sum of the derivatives: each "
                    "example's cost ½(yₙ − ŷₙ)² has its own gradient, and ∂J/∂W⁽²⁾ "
                    "adds them up."
                ),
                *_per_example(p3),
            ),
        ),
        Question(
            "4",
            "With one example and no sum, use the chain rule to write ∂J/∂W⁽²⁾ "
            "in terms of y, ŷ and ∂ŷ/∂W⁽²⁾.",
            (
                expression(
                    "∂J/∂W⁽²⁾ = −(y − ŷ) ∂ŷ/∂W⁽²⁾",
                    r"\frac{\partial J}{\partial W^{(2)}} = -(y - \hat{y})"
                    r" \frac{\partial \hat{y}}{\partial W^{(2)}}",
                    "-(y - yHat(W2))*Derivative(yHat(W2), W2)",
                ),
                concept(
                    "The power rule brings down the 2, which cancels the ½; the "
                    "inner derivative of y − ŷ is −∂ŷ/∂W⁽²⁾, since the targets y "
                    "do not depend on the weights."
                ),
            ),
        ),
        Question(
            "5",
            "Use the chain rule again: write ∂J/∂W⁽²⁾ in terms of y, ŷ, "
            "∂ŷ/∂z⁽³⁾ and ∂z⁽³⁾/∂W⁽²⁾.",
            (
                expression(
                    "∂J/∂W⁽²⁾ = −(y − ŷ) ∂ŷ/∂z⁽³⁾ ∂z⁽³⁾/∂W⁽²⁾",
                    r"\frac{\partial J}{\partial W^{(2)}} = -(y - \hat{y})"
                    r" \frac{\partial \hat{y}}{\partial z^{(3)}}"
                    r" \frac{\partial z^{(3)}}{\partial W^{(2)}}",
                    "-(y - f(z3(W2)))*Subs(Derivative(f(u), u), u, z3(W2))"
                    "*Derivative(z3(W2), W2)",
                ),
            ),
        ),
        Question(
            "6",
            "ŷ = f(z⁽³⁾) with the sigmoid f(z) = 1/(1 + e⁻ᶻ): what is "
            "∂ŷ/∂z⁽³⁾ = f′(z)?",
            (
                expression(
                    "f′(z) = e⁻ᶻ/(1 + e⁻ᶻ)² = f(z)(1 − f(z))",
                    r"f'(z) = \frac{e^{-z}}{(1 + e^{-z})^2} = f(z)\,(1 - f(z))",
                    "exp(-z)/(1 + exp(-z))**2",
                ),
                number(ex1, "fprime3", "f′(z⁽³⁾) for question 11a's numbers"),
                concept(
                    "With it, ∂J/∂W⁽²⁾ = −(y − ŷ) f′(z⁽³⁾) ∂z⁽³⁾/∂W⁽²⁾, and the "
                    "back-propagating error is δ⁽³⁾ = −(y − ŷ) f′(z⁽³⁾)."
                ),
            ),
        ),
        Question(
            "7",
            "What is the dimension of δ⁽³⁾ (one example)?",
            (
                dimension(
                    ex1,
                    "delta3",
                    "(numExamples, outputLayerSize): one error for each example and "
                    "output, the shape of ŷ",
                ),
            ),
        ),
    ]


def _q8_to_11a(ex1) -> list[Question]:
    a = ex1["a2"].value
    return [
        Question(
            "8",
            "Write equation (3), z⁽³⁾ = a⁽²⁾W⁽²⁾, out in full for one example "
            "and a 2-3-1 network.",
            (
                expression(
                    "[z⁽³⁾₁₁] = [a⁽²⁾₁₁ a⁽²⁾₁₂ a⁽²⁾₁₃] [W⁽²⁾₁₁; W⁽²⁾₂₁; W⁽²⁾₃₁] "
                    "= a⁽²⁾₁₁W⁽²⁾₁₁ + a⁽²⁾₁₂W⁽²⁾₂₁ + a⁽²⁾₁₃W⁽²⁾₃₁",
                    r"\begin{bmatrix} z^{(3)}_{11} \end{bmatrix} = \begin{bmatrix}"
                    r" a^{(2)}_{11} & a^{(2)}_{12} & a^{(2)}_{13} \end{bmatrix}"
                    r" \begin{bmatrix} W^{(2)}_{11} \\ W^{(2)}_{21} \\ W^{(2)}_{31}"
                    r" \end{bmatrix} = a^{(2)}_{11}W^{(2)}_{11} + a^{(2)}_{12}"
                    r"W^{(2)}_{21} + a^{(2)}_{13}W^{(2)}_{31}",
                    "a2_11*W2_11 + a2_12*W2_21 + a2_13*W2_31",
                    key="z3",
                ),
                elements(ex1, "z3", "With question 11a's numbers:"),
            ),
        ),
        Question(
            "9",
            "Differentiate element by element: ∂z⁽³⁾/∂W⁽²⁾ = [∂z⁽³⁾₁₁/∂W⁽²⁾₁₁; "
            "∂z⁽³⁾₁₁/∂W⁽²⁾₂₁; ∂z⁽³⁾₁₁/∂W⁽²⁾₃₁] (the seed misprints the "
            "numerators; see the misprints).",
            (
                expression(
                    "∂z⁽³⁾/∂W⁽²⁾ = [a⁽²⁾₁₁; a⁽²⁾₁₂; a⁽²⁾₁₃]",
                    r"\frac{\partial z^{(3)}}{\partial W^{(2)}} = \begin{bmatrix}"
                    r" a^{(2)}_{11} \\ a^{(2)}_{12} \\ a^{(2)}_{13} \end{bmatrix}",
                    "Matrix([[a2_11], [a2_12], [a2_13]])",
                ),
                value(
                    "With question 11a's numbers, ∂z⁽³⁾/∂W⁽²⁾",
                    r"\frac{\partial z^{(3)}}{\partial W^{(2)}}",
                    a.T.copy(),
                    key="a2",
                ),
                concept(
                    "Each weight W⁽²⁾ᵢ₁ multiplies one activity a⁽²⁾₁ᵢ, so the "
                    "slope of z⁽³⁾ along that weight is that activity."
                ),
            ),
        ),
        Question(
            "10",
            "Write ∂z⁽³⁾/∂W⁽²⁾ in terms of the vector a⁽²⁾.",
            (
                expression(
                    "∂z⁽³⁾/∂W⁽²⁾ = (a⁽²⁾)ᵀ, a 3 × 1 column",
                    r"\frac{\partial z^{(3)}}{\partial W^{(2)}} = (a^{(2)})^{\top}",
                    "a2.T",
                    ONE,
                ),
            ),
        ),
        Question(
            "11a",
            "With W⁽¹⁾ = [1 1 1; 1 1 1], W⁽²⁾ = [1; 1; 1] and X = [3 5], "
            "what is ∂J/∂W⁽²⁾?",
            (
                number(ex1, "yHat"),
                number(ex1, "delta3"),
                elements(ex1, "dJdW2", "∂J/∂W⁽²⁾ = (a⁽²⁾)ᵀδ⁽³⁾:"),
                number(ex1, "dJdW2"),
            ),
        ),
    ]


def _q11b_to_16(ex3) -> list[Question]:
    return [
        Question(
            "11b",
            "Now numExamples = 3: write equation (3) out in full. What do the "
            "rows and columns of a⁽²⁾ represent?",
            (
                expression(
                    "z⁽³⁾ₙ₁ = a⁽²⁾ₙ₁W⁽²⁾₁₁ + a⁽²⁾ₙ₂W⁽²⁾₂₁ + a⁽²⁾ₙ₃W⁽²⁾₃₁ for each "
                    "example n = 1, 2, 3",
                    r"z^{(3)} = a^{(2)} W^{(2)},\quad z^{(3)}_{n1} = \sum_{i=1}^{3}"
                    r" a^{(2)}_{ni} W^{(2)}_{i1}",
                    "a2*W2",
                    THREE,
                ),
                elements(ex3, "z3", "With question 15's numbers:"),
                concept(
                    "Each row of a⁽²⁾ is one example and each column one hidden "
                    "unit: a⁽²⁾ₙⱼ is the activity of hidden unit j for example n "
                    "(3 examples × 3 units)."
                ),
            ),
        ),
        Question(
            "12",
            "With numExamples = 3, what is the dimension of δ⁽³⁾?",
            (
                dimension(
                    ex3, "delta3", "(numExamples, outputLayerSize): one row per example"
                ),
            ),
        ),
        Question(
            "13",
            "Sum over the examples, in terms of the elements of δ⁽³⁾ and a⁽²⁾: "
            "∂J/∂W⁽²⁾ = [∂J/∂W⁽²⁾₁₁; ∂J/∂W⁽²⁾₂₁; ∂J/∂W⁽²⁾₃₁] = ?",
            (
                expression(
                    "∂J/∂W⁽²⁾ᵢ₁ = a⁽²⁾₁ᵢδ⁽³⁾₁₁ + a⁽²⁾₂ᵢδ⁽³⁾₂₁ + a⁽²⁾₃ᵢδ⁽³⁾₃₁, "
                    "i = 1, 2, 3",
                    r"\frac{\partial J}{\partial W^{(2)}_{i1}} = \sum_{n=1}^{3}"
                    r" a^{(2)}_{ni}\, \delta^{(3)}_{n1}",
                    "Matrix([[a2_11*delta3_11 + a2_21*delta3_21 + a2_31*delta3_31],"
                    " [a2_12*delta3_11 + a2_22*delta3_21 + a2_32*delta3_31],"
                    " [a2_13*delta3_11 + a2_23*delta3_21 + a2_33*delta3_31]])",
                ),
                elements(
                    ex3,
                    "dJdW2",
                    "With question 15's numbers, one contribution per example:",
                    ("examples",),
                ),
            ),
        ),
        Question(
            "14",
            "Express that operation with the matrix a⁽²⁾ and the vector δ⁽³⁾.",
            (
                expression(
                    "∂J/∂W⁽²⁾ = (a⁽²⁾)ᵀδ⁽³⁾",
                    r"\frac{\partial J}{\partial W^{(2)}} = (a^{(2)})^{\top}"
                    r" \delta^{(3)}",
                    "a2.T*delta3",
                    THREE,
                ),
                elements(ex3, "dJdW2", "", ("shapes", "transpose")),
                concept(
                    "The matrix product does question 13's sum: row i of "
                    "(a⁽²⁾)ᵀ holds unit i's activity in every example, and "
                    "multiplying by δ⁽³⁾ adds one contribution per example."
                ),
            ),
        ),
        Question(
            "15",
            "With W⁽¹⁾ = [1 1 1; 1 1 1], W⁽²⁾ = [1; 1; 1] and "
            "X = [3 5; 5 1; 5 10], what is ∂J/∂W⁽²⁾?",
            (
                number(ex3, "yHat"),
                number(ex3, "delta3"),
                elements(ex3, "dJdW2", "", ("examples",)),
                number(ex3, "dJdW2"),
            ),
        ),
        Question(
            "16",
            "Derive ∂J/∂W⁽¹⁾ by propagating the error further back.",
            (
                expression(
                    "∂J/∂W⁽¹⁾ = Xᵀδ⁽²⁾ with δ⁽²⁾ = δ⁽³⁾(W⁽²⁾)ᵀ ∘ f′(z⁽²⁾)",
                    r"\frac{\partial J}{\partial W^{(1)}} = X^{\top}\delta^{(2)},"
                    r"\quad \delta^{(2)} = \delta^{(3)} (W^{(2)})^{\top}"
                    r" \circ f'(z^{(2)})",
                    "X.T*HadamardProduct(delta3*W2.T, fprime2)",
                    THREE,
                ),
                elements(ex3, "dJda2", "", ("shapes", "transpose")),
                elements(ex3, "delta2", "", ("shapes",)),
                elements(ex3, "dJdW1", "", ("shapes", "transpose")),
                number(ex3, "delta2"),
                number(ex3, "dJdW1"),
                concept(
                    "Across the synapses the slope of z⁽³⁾ along a⁽²⁾ is the "
                    "weight, hence (W⁽²⁾)ᵀ; through the hidden units f′(z⁽²⁾) "
                    "multiplies element by element; along W⁽¹⁾ the slope is the "
                    "input, hence Xᵀ, which again adds up the examples."
                ),
            ),
        ),
    ]


def build() -> Worksheet:
    """Seed 000's worksheet, every question answered."""
    p1, ex1 = explained("seed000-q11", level="element")
    p3, ex3 = explained("seed000-q15", level="element")
    y3 = np.array2string(p3.y.ravel(), separator="; ")
    return Worksheet(
        name="seed000",
        title="Seed 000: derive the backpropagation equations yourself",
        source="Seed 000, a worksheet with numbered questions on the tutorial's "
        "2-3-1 network (sigmoid, J = Σ ½(y − ŷ)², no biases).",
        description="Questions 1 to 16 in the seed's numbering, each answered: "
        "dimensions, expressions, the products written element by element, and "
        "the numbers.",
        choices=(
            f"Question 11a gives no y: y = {p1.y.item():g}, the tutorial's first "
            "test score (75 out of 100).",
            f"Question 15 gives no y: y = {y3}, the tutorial's three test scores "
            "divided by 100.",
            "X is used as the seed writes it, not normalised.",
        ),
        questions=tuple(_q1_to_7(ex1, p3) + _q8_to_11a(ex1) + _q11b_to_16(ex3)),
        errata=errata("seed000"),
    )
