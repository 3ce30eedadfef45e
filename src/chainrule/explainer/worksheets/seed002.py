"""Seed 002: the UCL reading group's slides, their shapes and two products.

The slides give the tutorial's 2-3-1 network with ``N`` examples, the shape of
every matrix, and the two gradients. They state no numbers: ``N = 3`` and the
values come from the built-in example ``tutorial-part4`` (the tutorial's data,
weights chosen there). The slides are not numbered; their statements are
numbered here in their order.
"""

from __future__ import annotations

from chainrule.explainer.worksheets.build import (
    concept,
    dimension,
    elements,
    errata,
    explained,
    expression,
    number,
)
from chainrule.explainer.worksheets.model import Question, Worksheet

SHAPES = (("A2", 3, 3), ("delta3", 3, 1), ("X", 3, 2), ("W2", 3, 1))
SHAPES += (("fprime2", 3, 3),)

_DIMS = (
    ("X", "X ∈ ℝ^(N×2): N examples, 2 inputs.", "examples × inputs"),
    ("W1", "W⁽¹⁾ ∈ ℝ^(2×3).", "inputs × hidden units"),
    ("z2", "Z⁽²⁾ = XW⁽¹⁾ ∈ ℝ^(N×3).", "examples × hidden units"),
    ("a2", "A⁽²⁾ = f(Z⁽²⁾) ∈ ℝ^(N×3).", "examples × hidden units"),
    ("W2", "W⁽²⁾ ∈ ℝ^(3×1).", "hidden units × outputs"),
    ("z3", "Z⁽³⁾ = A⁽²⁾W⁽²⁾ ∈ ℝ^(N×1).", "examples × outputs"),
    ("yHat", "ŷ = A⁽³⁾ = f(Z⁽³⁾).", "examples × outputs"),
    ("dJdW1", "∂J/∂W⁽¹⁾ ∈ ℝ^(2×3).", "the shape of W⁽¹⁾"),
    ("dJdW2", "∂J/∂W⁽²⁾ ∈ ℝ^(3×1).", "the shape of W⁽²⁾"),
)


def _shapes(ex) -> list[Question]:
    out = []
    for k, (key, text, words) in enumerate(_DIMS, start=1):
        parts = [dimension(ex, key, f"{words} (N = 3 here)")]
        if ex[key].details:
            parts.append(elements(ex, key, "", ("shapes",)))
        out.append(Question(str(k), f"Check the shape: {text}", tuple(parts)))
    return out


def _gradients(ex, start: int) -> list[Question]:
    return [
        Question(
            str(start),
            "∂J/∂W⁽²⁾ by the chain rule: −(y − ŷ) f′(Z⁽³⁾) ∂Z⁽³⁾/∂W⁽²⁾ = "
            "δ⁽³⁾ ∂Z⁽³⁾/∂W⁽²⁾ (the slide's last product is misprinted; see the "
            "misprints).",
            (
                expression(
                    "∂J/∂W⁽²⁾ = (A⁽²⁾)ᵀδ⁽³⁾, with δ⁽³⁾ = −(y − ŷ) ∘ f′(Z⁽³⁾)",
                    r"\frac{\partial J}{\partial W^{(2)}} = (A^{(2)})^{\top}"
                    r"\delta^{(3)}",
                    "A2.T*delta3",
                    SHAPES,
                ),
                elements(ex, "dJdW2", "", ("shapes", "transpose")),
                number(ex, "dJdW2"),
            ),
        ),
        Question(
            str(start + 1),
            "∂J/∂W⁽¹⁾ = δ⁽³⁾ ∂Z⁽³⁾/∂A⁽²⁾ ∂A⁽²⁾/∂Z⁽²⁾ ∂Z⁽²⁾/∂W⁽¹⁾ (the "
            "slide's final product is misprinted; see the misprints).",
            (
                expression(
                    "∂J/∂W⁽¹⁾ = Xᵀ[(δ⁽³⁾(W⁽²⁾)ᵀ) ∘ f′(Z⁽²⁾)]",
                    r"\frac{\partial J}{\partial W^{(1)}} = X^{\top}\left[\left("
                    r"\delta^{(3)} (W^{(2)})^{\top}\right) \circ f'(Z^{(2)})\right]",
                    "X.T*HadamardProduct(delta3*W2.T, fprime2)",
                    SHAPES,
                ),
                elements(ex, "dJda2", "", ("shapes", "transpose")),
                elements(ex, "delta2", "", ("shapes",)),
                elements(ex, "dJdW1", "", ("shapes", "transpose")),
                number(ex, "dJdW1"),
                concept(
                    "Each product's shapes decide its order: the result must have "
                    "W⁽¹⁾'s shape, 2 × 3, and only Xᵀ (2 × N) times an N × 3 "
                    "matrix gives it, adding up the N examples."
                ),
            ),
        ),
    ]


def build() -> Worksheet:
    """Seed 002's slides, every shape and product checked."""
    p, ex = explained("tutorial-part4")
    questions = _shapes(ex)
    questions += _gradients(ex, len(questions) + 1)
    return Worksheet(
        name="seed002",
        title="Seed 002: the shapes of backpropagation (UCL reading group)",
        source="Seed 002, slides on the tutorial's 2-3-1 network: X ∈ ℝ^(N×2), "
        "W⁽¹⁾ ∈ ℝ^(2×3), W⁽²⁾ ∈ ℝ^(3×1), and the two gradients.",
        description="Every shape the slides state, checked on N = 3 examples, and "
        "the two gradients written in an order whose shapes multiply.",
        choices=(
            "The slides leave N open: N = 3, the tutorial's test-score data "
            "(normalised as in its part 1) with the weights of the built-in "
            "example tutorial-part4.",
        ),
        questions=tuple(questions),
        errata=errata("seed002"),
    )
