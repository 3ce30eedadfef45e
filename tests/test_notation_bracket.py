r"""Bracket notation, symbol by symbol as seed 001 writes it.

Oracle: the formulas of seed 001 (``/work/shared/seeds/001_*.txt``),
transcribed below in the seed's own LaTeX. Each is compared with the
``formula_latex`` of the built-in example ``seed001`` after a normalisation
that only changes spelling, never a symbol or the order of a product:

- spaces removed; ``^T`` is ``^{\top}``; ``\mathcal{L}(\hat{y}, y)`` is
  ``\mathcal{L}``; ``d`` in a derivative is ``\partial`` (the seed mixes them);
- the seed's ``g^{[2w]}`` is its ``g^{[3W]}``'s letter in lower case;
- the output layer has one unit, so ``a_1^{[3]}`` is ``a^{[3]}``;
- shape subscripts: every one the seed writes must be in chainrule's formula,
  on the same operand; chainrule may add one where the seed leaves it out.

Where seed 001 defines a quantity for unit 1 and then for the layer, the
layer's line is transcribed. The seed's misprints are corrected and named:
the sigmoid 1/(1 − e⁻ᶻ) (it is 1/(1 + e⁻ᶻ)), "b^[1] has the shape 1×2" (b^[2]),
and ∂L/∂a₂^[1] = g^[2z] · [W₃,₁; W₃,₂] (W₂,₁ and W₂,₂ are meant: unit 2).
"""

import re

import numpy as np
import pytest

import chainrule as cr
from chainrule.explainer.problems import load_example

D_L = r"\frac{\partial \mathcal{L}(\hat{y}, y)}"
SEED001 = [
    # (symbol, the seed's formula)
    ("z2", r"z^{[1]} = a^{[0]} W^{[1]} + b^{[1]}"),
    ("a2", r"a^{[1]} = g_h(z^{[1]})"),
    ("z3", r"z^{[2]} = a^{[1]} W^{[2]} + b^{[2]}"),
    ("a3", r"a^{[2]} = g_h(z^{[2]})"),
    ("z4", r"z^{[3]} = a^{[2]} W^{[3]} + b^{[3]}"),
    ("yHat", r"\hat{y} = a_1^{[3]} = g_o(z_1^{[3]})"),
    (
        "J",
        r"\mathcal{L}(\hat{y}, y) = -[(1 - y) \log(1 - \hat{y}) + y \log(\hat{y})]",
    ),
    ("dJdyHat", r"g^{[3a]} = \frac{a_1^{[3]} - y}{a_1^{[3]}(1 - a_1^{[3]})}"),
    ("fprime4", r"g'_o(z_1^{[3]}) = a_1^{[3]}(1 - a_1^{[3]})"),
    ("delta4", r"g^{[3z]} = g'_o(z_1^{[3]}) \cdot g^{[3a]}"),
    ("dJdW3", r"g^{[3W]} = (a^{[2]})^T_{2 \times 1} \cdot g^{[3z]}_{1 \times 1}"),
    ("dJdb3", r"g^{[3b]} = g^{[3z]}_{1 \times 1}"),
    ("dJda3", r"g^{[2a]} = g^{[3z]}_{1 \times 1} \cdot (W^{[3]})^T_{1 \times 2}"),
    ("fprime3", r"g'_h(z^{[2]}) = a^{[2]} (1 - a^{[2]})"),
    ("delta3", r"g^{[2z]} = g'_h(z^{[2]})_{1 \times 2} \circ g^{[2a]}_{1 \times 2}"),
    ("dJdW2", r"g^{[2w]} = (a^{[1]})^T_{3 \times 1} \cdot g^{[2z]}_{1 \times 2}"),
    ("dJdb2", r"g^{[2b]} = g^{[2z]}_{1 \times 2}"),
    (
        "dJda2[0,0]",
        D_L + r"{\partial a_1^{[1]}} = \frac{\partial z_1^{[2]}}{\partial a_1^{[1]}}"
        r" \cdot \frac{d\mathcal{L}(\hat{y}, y)}{dz_1^{[2]}}"
        r" + \frac{\partial z_2^{[2]}}{\partial a_1^{[1]}}"
        r" \cdot \frac{d\mathcal{L}(\hat{y}, y)}{dz_2^{[2]}}"
        r" = W_{1,1}^{[2]} \cdot \frac{d\mathcal{L}(\hat{y}, y)}{dz_1^{[2]}}"
        r" + W_{1,2}^{[2]} \cdot \frac{d\mathcal{L}(\hat{y}, y)}{dz_2^{[2]}}",
    ),
    ("dJda2", r"g^{[1a]} = g^{[2z]}_{1 \times 2} \cdot (W^{[2]})^T"),
    ("fprime2", r"g'_h(z^{[1]}) = a^{[1]} (1 - a^{[1]})"),
    ("delta2", r"g^{[1z]} = g'_h(z^{[1]})_{1 \times 3} \circ g^{[1a]}"),
    ("dJdW1", r"g^{[1w]} = (a^{[0]})^T_{4 \times 1} \cdot g^{[1z]}_{1 \times 3}"),
    ("dJdb1", r"g^{[1b]} = g^{[1z]}_{1 \times 3}"),
]
SHAPE = re.compile(r"_\{\d\\times\d\}")


def norm(tex: str) -> str:
    tex = tex.replace(r"\mathcal{L}(\hat{y}, y)", r"\mathcal{L}")
    tex = tex.replace(
        r"\frac{d\mathcal{L}}{dz", r"\frac{\partial\mathcal{L}}{\partial z"
    )
    tex = tex.replace("^T", r"^{\top}").replace(" ", "")
    tex = re.sub(r"g\^\{\[(\d)w\]\}", r"g^{[\1W]}", tex)
    tex = tex.replace("a_1^{[3]}", "a^{[3]}").replace("z_1^{[3]}", "z^{[3]}")
    return re.sub(r"_\{(\d)\}", r"_\1", tex)


@pytest.fixture(scope="module")
def seed001():
    return load_example("seed001").explain()


@pytest.mark.parametrize("symbol,seed", SEED001, ids=[s for s, _ in SEED001])
def test_symbol_by_symbol(seed001, symbol, seed):
    ours, theirs = norm(seed001[symbol].formula_latex), norm(seed)
    # the same symbols in the same order, shape subscripts aside
    assert SHAPE.sub("", ours).startswith(SHAPE.sub("", theirs))
    # every shape the seed writes is on the same operand in chainrule's formula
    for m in SHAPE.finditer(theirs):
        operand = theirs[: m.end()].rsplit("\\cdot", 1)[-1].rsplit("=", 1)[-1]
        assert operand in ours, (operand, ours)


def test_the_order_of_the_steps_is_the_seeds(seed001):
    backward = [s.symbol for s in seed001.phase("backward")]
    expected = [s for s, _ in SEED001 if s in backward]
    assert [s for s in backward if s in expected] == expected


def test_fused_step_is_the_product_then_simplified(seed001):
    s = seed001["delta4"]
    assert s.formula == "g[3z] = g′ₒ(z[3]) · g[3a] = a[3] − y"
    assert s.substitution == "⟦fprime4⟧ · ⟦dJdyHat⟧ = ⟦yHat⟧ − ⟦y⟧"
    product = seed001["fprime4"].value * seed001["dJdyHat"].value
    np.testing.assert_allclose(product, s.value, rtol=1e-14)


def test_hidden_and_output_derivatives_are_distinct(seed001):
    assert seed001["fprime4"].name == "g′ₒ(z[3])"
    assert seed001["fprime3"].name == "g′ₕ(z[2])"
    assert seed001["a3"].formula == "a[2] = gₕ(z[2])"
    assert seed001["yHat"].formula == "ŷ = a[3] = gₒ(z[3])"


def test_two_flows_into_each_unit(seed001):
    # the seed's misprint: unit 2 uses W₃,₁, W₃,₂; unit 2's weights are W₂,₁, W₂,₂
    unit2 = seed001["dJda2[0,1]"].formula_latex
    assert r"W_{2,1}^{[2]}" in unit2 and r"W_{2,2}^{[2]}" in unit2
    assert "W_{3,1}" not in unit2
    for i in range(3):
        flow = seed001[f"dJda2[0,{i}]"]
        assert flow.value == seed001["dJda2"].value[0, i]
        assert flow.note.startswith(f"2 flows back to a[1]{'₁₂₃'[i]}")
    # a[2] feeds one unit: one flow, no separate line
    assert "dJda3[0,0]" not in seed001


def test_one_example_has_no_sum_more_examples_do():
    p = load_example("seed001")
    one = p.explain()
    assert "Σ" not in one["dJdb1"].formula
    X = np.vstack([p.X, p.X * 0.5])
    two = cr.explain(p.network, X, np.vstack([p.y, p.y]), notation="bracket")
    assert two["dJdb1"].formula == "g[1b] = Σₙ g[1z]"
    assert two["dJdW1"].formula == "g[1W] = (a[0])ᵀ₄ₓ₂ · g[1z]₂ₓ₃"
    assert "dJda2[0,0]" not in two  # the seed's flows are for one example


def test_scalars_are_not_transposed():
    p = load_example("seed004")
    ex = p.explain()
    assert ex["dJdW2"].substitution == "⟦a2⟧ · ⟦delta3⟧"
    assert ex["dJda2"].substitution == "⟦delta3⟧ · ⟦W2⟧"
    assert "1.5 · (-0.8)" in ex.to_text()


def test_cost_gradient_substitution_has_no_elementwise_product_in_a_number():
    ex = load_example("seed001").explain(notation="welch")
    assert ex["dJdyHat"].substitution == "(⟦yHat⟧ − ⟦y⟧) / (1 · ⟦yHat⟧ · (1 − ⟦yHat⟧))"
    net = cr.Network([2, 2], "sigmoid", loss="bce", seed=0)
    many = cr.explain(net, [[1, 2], [3, 4]], [[0, 1], [1, 0]])
    assert many["dJdyHat"].substitution.startswith("(⟦yHat⟧ − ⟦y⟧) ⊘ (2 · ⟦yHat⟧ ∘")
    assert "⊘" in many["dJdyHat"].note
