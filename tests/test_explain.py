"""explain(): every step's value is the value of Network.trace (one backprop).

Seed 004's numbers are checked against the seed's solutions; the other
networks are checked against the trace itself, step by step.
"""

import re

import numpy as np
import pytest

import chainrule as cr
from chainrule.explainer.problems import load_example

SEED004 = {
    # symbol: value printed in seed 004 (problems 2 to 4 and section 5)
    "z2": 1.5,
    "a2": 1.5,
    "z3": 1.2,
    "yHat": 1.2,
    "J": 0.32,
    "dJdyHat": -0.8,
    "fprime3": 1.0,
    "delta3": -0.8,
    "dJdW2": -1.2,
    "dJda2": -0.64,
    "fprime2": 1.0,
    "delta2": -0.64,
    "dJdW1": -1.92,
    "W1'": 0.692,
    "W2'": 0.92,
    "z2'": 2.076,
    # after the update, by hand: z2' = 3 · 0.692, z3' = 2.076 · 0.92,
    # J' = ½ (2 − 1.90992)² (seed 004 prints them rounded: 1.910, 0.004)
    "z3'": 1.90992,
    "yHat'": 1.90992,
    "J'": 0.0040572032,
}


def seed004(notation="welch", learning_rate=0.1):
    net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
    net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
    return net, cr.explain(net, [[3.0]], [[2.0]], learning_rate, notation)


def networks():
    """(net, X, y) of every kind the derivation must cover."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 3))
    y01 = rng.integers(0, 2, size=(4, 2)).astype(float)
    onehot = np.eye(3)[[0, 2, 1, 2]]
    yield cr.Network([3, 4, 2], "tanh", "sigmoid", "bce", seed=1), X, y01
    yield cr.Network([3, 2, 3], "relu", "softmax", "cce", seed=2), X, onehot
    yield cr.Network([3, 2, 3], "leaky_relu", "softmax", "sse", seed=3), X, onehot
    yield (
        cr.Network(
            [3, 4, 3, 2],
            ["sigmoid", "tanh", "identity"],
            loss="mse",
            bias=[True, False, True],
            l2=0.1,
            seed=4,
        ),
        X,
        y01,
    )
    for name in ("seed000-q15", "seed001", "tutorial-part4"):
        p = load_example(name)
        yield p.network, p.X, p.y


@pytest.mark.parametrize("case", list(networks()), ids=lambda c: repr(c[0]))
@pytest.mark.parametrize("notation", ["welch", "bracket"])
def test_every_value_is_the_traces(case, notation):
    net, X, y = case
    t = net.trace(X, y)
    ex = cr.explain(net, X, y, learning_rate=0.05, notation=notation)
    after = net.copy()
    after.step(X, y, learning_rate=0.05)
    t2 = after.trace(X, y)
    checked = 0
    for s in ex.steps:
        key = s.symbol.rstrip("'")
        if s.phase == "update":
            np.testing.assert_array_equal(s.value, after.params[key])
        elif key.startswith("fprime"):
            continue
        elif "[" in key:  # one element (seed 001's flows into a hidden unit)
            name, idx = key[:-1].split("[")
            element = t[name][tuple(int(i) for i in idx.split(","))]
            assert s.value == pytest.approx(element, rel=1e-15)
        else:
            src = t2 if s.phase == "forward_again" else t
            np.testing.assert_array_equal(s.value, src[key])
            assert s.shape == np.shape(src[key])
        checked += 1
    assert checked == len(ex.steps) - sum(s.symbol.startswith("fprime") for s in ex)
    # f'(z) steps: the hidden deltas are exactly dJ/da ∘ f'(z)
    for l in range(2, net.n_layers + 1):
        d = ex[f"dJda{l}"].value * ex[f"fprime{l}"].value
        np.testing.assert_array_equal(d, t[f"delta{l}"])


def test_seed004_numbers():
    _, ex = seed004()
    for symbol, value in SEED004.items():
        assert ex[symbol].value == pytest.approx(value, abs=1e-12), symbol
    assert [s.phase for s in ex][-1] == "forward_again"
    assert ex["dJdW1"].formula == "∂J/∂W⁽¹⁾ = Xᵀ δ⁽²⁾"
    assert ex["delta3"].uses == ("dJdyHat", "fprime3")
    assert ex["W1'"].formula == "W⁽¹⁾ := W⁽¹⁾ − α ∂J/∂W⁽¹⁾"


def test_seed004_table_and_products():
    _, ex = seed004()
    rows = ex.scalar_chain.rows
    assert [r.derivative.split(" = ")[0] for r in rows] == [
        "dJ/dŷ",
        "dŷ/dz2",
        "dz2/dw2",
        "dz2/da1",
        "da1/dz1",
        "dz1/dw1",
    ]
    assert [r.value for r in rows] == pytest.approx([-0.8, 1, 1.5, 0.8, 1, 3])
    (w2, links2), (w1, links1) = ex.scalar_chain.products
    assert (w2, w1) == ("w2", "w1")
    assert [k.value for k in links2] == pytest.approx([-0.8, -0.8, -1.2])
    assert [k.value for k in links1] == pytest.approx([-0.8, -0.8, -0.64, -0.64, -1.92])
    assert links1[2].product == "dJ/dz2 · dz2/da1"
    mapping = ex.scalar_chain.mapping
    assert "z1 = z⁽²⁾" in mapping and "w2 = W⁽²⁾" in mapping


def _numbers(text):
    return set(re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text))


@pytest.mark.parametrize("render", ["to_text", "to_markdown"])
def test_every_seed004_number_appears(render):
    _, ex = seed004()
    found = _numbers(getattr(ex, render)())
    seed = [
        "3",
        "2",
        "0.5",
        "0.8",
        "1.5",
        "1.2",
        "0.32",
        "-0.8",
        "1",
        "-1.2",
        "-0.64",
        "-1.92",
        "0.1",
        "0.692",
        "0.92",
        "2.076",
        "1.90992",
        "0.0040572",
    ]
    assert [n for n in seed if n not in found] == []
    # the seed prints the second forward pass rounded: 1.91 and 0.004
    found3 = _numbers(getattr(ex, render)(precision=3))
    assert {"1.91", "0.00406"} <= found3


def test_bracket_notation_names_of_seed001():
    p = load_example("seed001")
    ex = p.explain()
    t = p.network.trace(p.X, p.y).bracket()
    names = {s.name: s for s in ex.steps if s.phase in ("forward", "backward")}
    for name in ["a[1]", "z[1]", "g[1z]", "g[1W]", "g[1b]", "g[1a]", "g[3z]"]:
        np.testing.assert_array_equal(names[name].value, t[name])
    assert ex["X"].name == "a[0]"
    assert ex["dJdW1"].formula == "g[1W] = (a[0])ᵀ₄ₓ₁ · g[1z]₁ₓ₃"
    assert ex["delta2"].formula == "g[1z] = g′ₕ(z[1])₁ₓ₃ ∘ g[1a]₁ₓ₃"


def test_no_scalar_chain_for_matrices_or_l2():
    p = load_example("seed000-q15")
    assert p.explain().scalar_chain is None
    net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False, l2=0.1)
    assert cr.explain(net, [[3.0]], [[2.0]]).scalar_chain is None


def _headings(ex):
    c = ex.scalar_chain
    return c.table_title, c.rule_title, c.mapping.split(":")[0]


def test_scalar_chain_headings_are_generic_unless_the_problem_words_them():
    _, ex = seed004()  # a 1-1-1 network of one's own: nothing names a seed
    assert _headings(ex) == (
        "Elementary functions and their derivatives",
        "The chain rule, link by link",
        "The table numbers the layers from the first hidden unit",
    )
    assert not re.search(r"seed \d", ex.to_text(), re.IGNORECASE)
    own = load_example("seed004").explain()  # the example words them as the seed
    assert _headings(own) == (
        "Elementary functions and their derivatives (seed 004, problem 3)",
        "The chain rule, link by link (seed 004, problem 4)",
        "Seed 004 numbers the layers from the first hidden unit",
    )
    text = own.to_text()
    assert "(seed 004, problem 3)" in text and "(seed 004, problem 4)" in text
    back = cr.Explanation.from_json(own.to_json())
    assert _headings(back) == _headings(own)
    words = {"rule_title": "Problem 4"}
    net, _ = seed004()
    mine = cr.explain(net, [[3.0]], [[2.0]], chain_wording=words)
    assert _headings(mine)[1:] == ("Problem 4", _headings(ex)[2])


@pytest.mark.parametrize(
    ("wording", "error", "match"),
    [
        ({"title": "x"}, cr.UnknownNameError, r"chain_wording: unknown key 'title'"),
        ({"rule_title": 3}, cr.InvalidTypeError, r"chain_wording\.rule_title: .* 3"),
        ("Problem 3", cr.InvalidTypeError, r"chain_wording: expected a dict"),
    ],
)
def test_chain_wording_is_checked(wording, error, match):
    net, _ = seed004()
    with pytest.raises(error, match=match):
        cr.explain(net, [[3.0]], [[2.0]], chain_wording=wording)


def test_without_learning_rate_there_is_no_update():
    net, ex = seed004(learning_rate=None)
    assert ex.phases == ["given", "forward", "backward"]
    assert ex["J"].value == net.cost([[3.0]], [[2.0]])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"notation": "greek"}, cr.UnknownNameError, "notation"),
        ({"learning_rate": -1.0}, cr.InvalidValueError, "learning_rate"),
        ({"X": [[1.0, 2.0]]}, cr.ShapeError, "X"),
        ({"y": [[1.0], [2.0]]}, cr.ShapeError, "y"),
        ({"net": "net"}, cr.InvalidValueError, "net"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    net, _ = seed004()
    args = {"net": net, "X": [[3.0]], "y": [[2.0]], **kwargs}
    with pytest.raises(error, match=match):
        cr.explain(**args)


@pytest.mark.parametrize("precision", [0, 18, 2.5, True])
def test_bad_precision(precision):
    _, ex = seed004()
    with pytest.raises(cr.InvalidValueError, match="precision"):
        ex.to_text(precision=precision)
