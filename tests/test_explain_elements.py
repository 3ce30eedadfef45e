"""``explain(level="element")``, shapes and transposes, ``steps=N`` and ``uphill``.

Oracles: the element lines must add up to the matrix values of the same
explanation (computed by ``Network.trace``'s matrix products) and their terms
must be the operands' elements; the cost table must equal ``N`` calls of
``Network.step``; the uphill step must equal the tutorial's ``W + 3 dJ/dW``.
"""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chainrule as cr
from chainrule.cli.app import main
from chainrule.explainer.problems import load_example

q15 = load_example("seed000-q15")


def _explain(p, **kw):
    return cr.explain(p.network, p.X, p.y, **kw)


def _check_sums(ex):
    n = 0
    for s in ex.steps:
        for d in s.details:
            if d.kind in ("element", "examples"):
                assert d.value == np.atleast_2d(s.value)[d.index]
                total = sum(float(np.prod(f)) for f in d.factors)
                assert total == pytest.approx(d.value, rel=1e-12, abs=1e-15)
                n += 1
    return n


@given(
    sizes=st.lists(st.integers(1, 3), min_size=2, max_size=4),
    n=st.integers(1, 3),
    bias=st.booleans(),
    l2=st.sampled_from([0.0, 0.1]),
    seed=st.integers(0, 2**16),
)
def test_element_sums_equal_the_matrix_values(sizes, n, bias, l2, seed):
    net = cr.Network(sizes, activation="tanh", loss="mse", bias=bias, l2=l2, seed=seed)
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, sizes[0])), rng.normal(size=(n, sizes[-1]))
    ex = cr.explain(net, X, y, level="element", learning_rate=0.1)
    assert _check_sums(ex) > 0


def test_element_terms_are_the_operands_elements():
    ex = _explain(q15, level="element")
    a2, W2, d3 = ex["a2"].value, ex["W2"].value, ex["delta3"].value
    z = [d for d in ex["z3"].details if d.kind == "element"]
    assert [d.index for d in z] == [(0, 0), (1, 0), (2, 0)]
    for d in z:
        n = d.index[0]
        assert d.factors == tuple((a2[n, i], W2[i, 0]) for i in range(3))
        assert d.text.startswith(f"z⁽³⁾{'₁₂₃'[n]}₁ = a⁽²⁾{'₁₂₃'[n]}₁W⁽²⁾₁₁ + ")
    g = [d for d in ex["dJdW2"].details if d.kind == "examples"]
    for d in g:
        i = d.index[0]
        assert d.factors == tuple((a2[n, i], d3[n, 0]) for n in range(3))


def test_shapes_and_transpose_reasons_on_every_product_at_matrix_level():
    ex = _explain(q15)
    assert [d.text for d in ex["dJdW2"].details][
        0
    ] == "(a⁽²⁾)ᵀ δ⁽³⁾: (3×3)ᵀ(3×1) → (3×1)"
    for key in ("z2", "z3", "dJdW1", "dJdW2", "dJda2", "delta2"):
        kinds = [d.kind for d in ex[key].details]
        assert kinds[0] == "shapes"
        assert ("transpose" in kinds) == key.startswith(("dJdW", "dJda"))
        assert "element" not in kinds and "examples" not in kinds
    reason = ex["dJdW2"].details[1].text
    assert "a⁽²⁾ is examples × units" in reason and "sums over the examples" in reason
    assert ex["a2"].details == () and ex["J"].details == ()


def test_element_level_is_in_every_rendering_and_round_trips_through_json():
    ex = _explain(q15, level="element")
    line = "∂J/∂W⁽²⁾₁₁ = a⁽²⁾₁₁δ⁽³⁾₁₁ + a⁽²⁾₂₁δ⁽³⁾₂₁ + a⁽²⁾₃₁δ⁽³⁾₃₁"
    assert line in ex.to_text()
    assert "0.00915483 + 0.00599943 + 0.00101982 = 0.0161741" in ex.to_text()
    tex = r"\frac{\partial J}{\partial {W^{(2)}}_{11}}"
    assert tex in ex.to_markdown() and tex in ex.to_latex()
    assert ex.to_html().count('class="detail math"') > 20
    back = cr.Explanation.from_json(ex.to_json())
    assert [s.details for s in back.steps] == [s.details for s in ex.steps]
    assert back.to_json() == ex.to_json()
    doc = json.loads(ex.to_json())
    old = {
        **doc,
        "steps": [{k: v for k, v in s.items() if k != "details"} for s in doc["steps"]],
    }
    assert cr.Explanation.from_json(json.dumps(old))["z3"].details == ()


def test_bracket_notation_names_elements_with_commas():
    p = load_example("seed001")
    ex = cr.explain(p.network, p.X, p.y, notation="bracket", level="element")
    d = [d for d in ex["dJdW2"].details if d.kind == "examples"][0]
    assert d.text == "∂L/∂W[2]₁,₁ = a[1]₁,₁g[2z]₁,₁"


def test_bad_level_and_too_large_for_element_level():
    with pytest.raises(cr.UnknownNameError, match="level: unknown name 'elements'"):
        _explain(q15, level="elements")
    net = cr.Network([10, 20, 5], seed=0)
    X, y = np.zeros((10, 10)), np.zeros((10, 5))
    with pytest.raises(cr.InvalidValueError, match="level: 'element' .* at most 400"):
        cr.explain(net, X, y, level="element")
    cr.explain(net, X, y)  # matrix level is fine


def test_steps_table_equals_n_calls_of_net_step():
    p = load_example("tutorial-part4")
    ex = cr.explain(p.network, p.X, p.y, learning_rate=0.5, steps=5)
    net = p.network.copy()
    costs = [net.step(p.X, p.y, learning_rate=0.5) for _ in range(5)]
    costs.append(net.cost(p.X, p.y))
    np.testing.assert_allclose(ex["costs"].value, [costs], rtol=1e-12)
    assert [d.value for d in ex["costs"].details] == pytest.approx(costs, rel=1e-12)
    assert ex["costs"].note.startswith("J went down at every step")
    assert ex["costs"].phase == "descent" and "descent" in ex.phases
    assert "Several steps of gradient descent" in ex.to_text()
    # the first update is still written out, and steps=1 adds no table
    assert "W1'" in ex and "costs" not in cr.explain(
        p.network, p.X, p.y, learning_rate=0.5
    )


def test_uphill_reproduces_the_notebooks_plus_three_step():
    p = load_example("tutorial-part4")
    ex = cr.explain(p.network, p.X, p.y, learning_rate=-3, uphill=True)
    g = p.network.trace(p.X, p.y).gradients
    for k in ("W1", "W2"):  # W + 3 dJ/dW, as in the notebook's cell 13
        np.testing.assert_allclose(
            ex[f"{k}'"].value, p.network.params[k] + 3 * g[k], rtol=1e-12
        )
    assert ex["J'"].value > ex["J"].value
    assert ex["costs"].note.startswith("J went up")
    assert "− (-3) ·" in ex["W1'"].substitution


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"learning_rate": -3}, "learning_rate: expected a number > 0"),
        ({"learning_rate": 0.1, "uphill": True}, "needs a negative learning_rate"),
        ({"steps": 3}, "learning_rate: steps=3 .* got None"),
        ({"uphill": True}, "learning_rate: uphill=True .* got None"),
        ({"learning_rate": 0.1, "steps": 0}, "steps: expected an integer > 0"),
        ({"learning_rate": 0.1, "steps": True}, "steps: expected an integer > 0"),
        ({"learning_rate": 0.1, "steps": 10**6}, "steps: expected at most 1000"),
        ({"learning_rate": 0.1, "uphill": "yes"}, "uphill"),
        ({"learning_rate": float("nan"), "uphill": True}, "learning_rate"),
    ],
)
def test_bad_descent_arguments_are_refused(kw, match):
    with pytest.raises(cr.ChainruleError, match=match):
        _explain(q15, **kw)


def test_cli_level_steps_uphill(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    assert main(["explain", "--example", "seed000-q15", "--level", "element"]) == 0
    assert "0.00915483 + 0.00599943 + 0.00101982" in capsys.readouterr().out
    args = ["explain", "-e", "tutorial-part4", "--learning-rate", "-3", "--uphill"]
    assert main(args) == 0
    assert "J went up" in capsys.readouterr().out
    assert main(["explain", "-e", "seed004", "--steps", "3"]) == 0
    assert "after step 3: J = 1.11829e-05" in capsys.readouterr().out
    assert main(["explain", "-e", "seed004", "--learning-rate", "-1"]) == 2
    assert "expected a number > 0" in capsys.readouterr().err
    assert main(["explain", "-e", "seed004", "--level", "atoms"]) == 2
    assert "level: unknown name 'atoms'" in capsys.readouterr().err


# ------------------------------------------------ with main's explain options
def test_cost_table_keeps_frozen_biases_frozen():
    p = load_example("seed001")
    for update in (True, False):
        ex = p.explain(update_biases=update, steps=2)
        assert ex["costs"].value[0][1] == pytest.approx(ex["J'"].value, rel=1e-12)


def test_element_level_in_the_column_convention():
    """CS230's element lines (tests/test_column_elements.py checks every value)."""
    ex = q15.explain(convention="column", level="element")
    z = [d.text for d in ex["z2"].details if d.kind == "element"]
    assert z[0].startswith("Z[1]₁,₁ = W[1]₁,₁X₁,₁ + W[1]₁,₂X₂,₁")


def test_details_are_walk_records_in_every_rendering():
    from chainrule.explainer.render.walk import Details, Equation, walk

    ex = q15.explain(level="element")
    records = list(walk(ex))
    at = next(i for i, r in enumerate(records) if getattr(r, "anchor", "") == "z3")
    assert isinstance(records[at], Equation)
    assert isinstance(records[at + 1], Details)
    assert records[at + 1].lines == ex["z3"].details
    line = "z⁽³⁾₁₁ = a⁽²⁾₁₁W⁽²⁾₁₁ + a⁽²⁾₁₂W⁽²⁾₂₁ + a⁽²⁾₁₃W⁽²⁾₃₁"
    assert line in ex.to_text()
    assert r"{z^{(3)}}_{11} = {a^{(2)}}_{11}" in ex.to_markdown()
    assert max(len(x) for x in ex.to_text().splitlines()) <= 100
