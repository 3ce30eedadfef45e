"""Seed 002 built in: the UCL slides' matrix form with N = 3 examples.

Oracle: the trace's gradients (themselves checked against finite differences
in the gradient-check tests) and the shapes the slides state
(∂J/∂W⁽¹⁾ ∈ R^{2×3}, ∂J/∂W⁽²⁾ ∈ R^{3×1}).
"""

import numpy as np
import pytest

from chainrule.explainer.problems import load_example


@pytest.fixture(scope="module")
def seed002():
    return load_example("seed002")


def test_the_slides_shapes(seed002):
    ex = seed002.explain()
    assert ex["X"].shape == (3, 2)  # X ∈ R^{N×2}, N = 3
    assert ex["z2"].shape == (3, 3)  # Z⁽²⁾ ∈ R^{N×3}
    assert ex["z3"].shape == (3, 1)  # Z⁽³⁾ ∈ R^{N×1}
    assert ex["dJdW1"].shape == (2, 3)
    assert ex["dJdW2"].shape == (3, 1)
    t = seed002.network.trace(seed002.X, seed002.y)
    np.testing.assert_array_equal(ex["dJdW1"].value, t["dJdW1"])


def test_the_misprinted_orders_do_not_hold_for_three_examples(seed002):
    ex = seed002.explain()
    d3, a2 = ex["delta3"].value, ex["a2"].value
    with pytest.raises(ValueError):
        d3 @ a2  # the slides' δ⁽³⁾ A⁽²⁾: (3×1)(3×3)
    np.testing.assert_allclose(a2.T @ d3, ex["dJdW2"].value, rtol=1e-15)
    W2, fp, X = ex["W2"].value, ex["fprime2"].value, ex["X"].value
    slides = d3 @ W2.T @ fp @ X  # δ⁽³⁾ (W⁽²⁾)ᵀ f′(Z⁽²⁾) X, as printed
    assert slides.shape == (3, 2) != ex["dJdW1"].shape
    np.testing.assert_allclose(X.T @ ((d3 @ W2.T) * fp), ex["dJdW1"].value, rtol=1e-13)
    assert "misprint" in seed002.description
    assert ex["dJdW1"].formula == "∂J/∂W⁽¹⁾ = Xᵀ δ⁽²⁾"
