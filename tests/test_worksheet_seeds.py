"""Seeds 001, 002, 004 and the tutorial's part 4: each answer's content.

Oracles: seed 004's own printed values (ŷ = 1.2, J = 0.32, the table of
problem 3, −1.92 and −1.2, 0.692 and 0.92, 2.076 and 0.004) and hand
arithmetic; central differences of the cost for seed 001's gradients and a
direct NumPy forward pass for its activities; the tutorial's code
(``chainrule.reference``) for seed 002 and part 4; SymPy for expressions.
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.explainer.problems import load_example
from chainrule.explainer.render.prose import plain
from chainrule.reference import Neural_Network


def _numbers(q):
    return [p.value for p in q.parts if p.kind == "number"]


# ------------------------------------------------------------------ seed 004
@pytest.fixture(scope="module")
def s4():
    return cr.worksheet("seed004")


def test_seed004_every_problem_in_order(s4):
    assert [q.number for q in s4.questions] == ["1", "2", "3", "4", "5.1", "5.2"]


def test_seed004_problem1_what_is_back_propagated(s4):
    q = s4["1"]
    assert "derivative of the cost" in q.part("concept").text
    # dJ/dŷ = −(y − ŷ) = −0.8, then × 1 (ReLU′), × w2 = 0.8, × 1
    assert _numbers(q) == pytest.approx([-0.8, -0.8, -0.64, -0.64], abs=1e-12)


def test_seed004_problem2_counts_and_forward_values(s4):
    q = s4["2"]
    assert "5 functions" in q.part("concept").text
    assert "2 weights" in q.part("concept").text
    # counts, z1 = 1.5, a1 = 1.5, z2 = 1.2, ŷ = 1.2, J = (2 − 1.2)²/2 = 0.32
    assert [float(np.asarray(v).item()) for v in _numbers(q)] == pytest.approx(
        [5, 2, 1.5, 1.5, 1.2, 1.2, 0.32], abs=1e-12
    )


def test_seed004_problem3_table_is_the_seeds(s4):
    assert _numbers(s4["3"]) == pytest.approx([-0.8, 1, 1.5, 0.8, 1, 3], abs=1e-12)


def test_seed004_problem4_chain_products(s4):
    values = _numbers(s4["4"])
    assert values[2] == pytest.approx(-1.2, abs=1e-12)  # dJ/dw2
    assert values[-1] == pytest.approx(-1.92, abs=1e-12)  # dJ/dw1


def test_seed004_update_and_forward_again(s4):
    w = [float(np.asarray(v).item()) for v in _numbers(s4["5.1"])]
    assert w == pytest.approx([0.5 + 0.1 * 1.92, 0.8 + 0.1 * 1.2], abs=1e-12)
    z1, a1, z2, yhat, J = (float(np.asarray(v).item()) for v in _numbers(s4["5.2"]))
    assert z1 == pytest.approx(0.692 * 3) and a1 == pytest.approx(2.076)
    assert z2 == pytest.approx(0.92 * 2.076) and yhat == pytest.approx(1.90992)
    assert J == pytest.approx((2 - 1.90992) ** 2 / 2) and J < 0.32
    assert "Yes" in s4["5.2"].part("concept").text


def test_seed004_erratum_0_6922(s4):
    (e,) = [e for e in s4.errata if e.lines == (109,)]
    assert "0.6922" in e.printed and "2.076" in e.correct


# ------------------------------------------------------------------ seed 001
@pytest.fixture(scope="module")
def s1():
    return cr.worksheet("seed001")


def _cost(net, X, y, key, i, j, h):
    p = {k: v.copy() for k, v in net.params.items()}
    p[key][i, j] += h
    n = net.copy()
    n.set_params(p)
    return n.cost(X, y)


def test_seed001_every_gradient_matches_central_differences(s1):
    p = load_example("seed001")
    net, X, y = p.network, p.X, p.y
    checked = 0
    for q in s1.questions:
        number = next(x for x in q.parts if x.kind == "number")
        key = number.key
        if not (key.startswith("dJdW") or key.startswith("dJdb")):
            continue
        param = key[3:]
        h = 1e-6
        fd = np.array(
            [
                [
                    (
                        _cost(net, X, y, param, i, j, h)
                        - _cost(net, X, y, param, i, j, -h)
                    )
                    / (2 * h)
                    for j in range(net.params[param].shape[1])
                ]
                for i in range(net.params[param].shape[0])
            ]
        )
        np.testing.assert_allclose(number.value, fd, rtol=1e-6, atol=1e-9)
        checked += 1
    assert checked == 6  # W1, b1, W2, b2, W3, b3


def test_seed001_forward_values_match_a_direct_numpy_pass(s1):
    p = load_example("seed001")
    W, b = p.network.params, p.network.params
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731 - the logistic sigmoid
    a0 = p.X
    z1 = a0 @ W["W1"] + b["b1"]
    z2 = sig(z1) @ W["W2"] + b["b2"]
    z3 = sig(z2) @ W["W3"] + b["b3"]
    values = {q.part("number").key: q.part("number").value for q in s1.questions[:6]}
    for key, want in {
        "z2": z1,
        "a2": sig(z1),
        "z3": z2,
        "a3": sig(z2),
        "z4": z3,
    }.items():
        np.testing.assert_allclose(values[key], want, rtol=1e-12)


def test_seed001_element_lines_sum_to_the_step_values(s1):
    for q in s1.questions:
        for part in q.parts:
            for d in part.details:
                if d.factors:
                    assert sum(np.prod(f) for f in d.factors) == pytest.approx(d.value)


def test_seed001_sigmoid_derivative_is_a_times_1_minus_a(s1):
    sympy = pytest.importorskip("sympy", reason="SymPy is not installed")
    z = sympy.Symbol("z")
    g = 1 / (1 + sympy.exp(-z))
    assert sympy.simplify(sympy.diff(g, z) - g * (1 - g)) == 0
    assert any("a(1 − a)" in plain(p.text) for q in s1.questions for p in q.parts)


def test_seed001_errata(s1):
    printed = " ".join(plain(e.printed) for e in s1.errata)
    assert "1/(1 − e^(−zᵢ))" in printed and "b[1] has the shape 1 × 2" in printed
    assert "W₃,₁[2]; W₃,₂[2]" in printed


# ------------------------------------------------------------ seed 002, part 4
def _tutorial():
    p = load_example("tutorial-part4")
    NN = Neural_Network(W1=p.network.params["W1"], W2=p.network.params["W2"])
    return p, NN


def test_seed002_shapes_and_gradients():
    ws = cr.worksheet("seed002")
    shapes = {
        q.part("dimension").key: q.part("dimension").value for q in ws.questions[:9]
    }
    assert shapes == {
        "X": (3, 2),
        "W1": (2, 3),
        "z2": (3, 3),
        "a2": (3, 3),
        "W2": (3, 1),
        "z3": (3, 1),
        "yHat": (3, 1),
        "dJdW1": (2, 3),
        "dJdW2": (3, 1),
    }
    p, NN = _tutorial()
    dJdW1, dJdW2 = NN.costFunctionPrime(p.X, p.y)
    np.testing.assert_allclose(ws["10"].part("number").value, dJdW2, rtol=1e-12)
    np.testing.assert_allclose(ws["11"].part("number").value, dJdW1, rtol=1e-12)
    sympy = pytest.importorskip("sympy", reason="SymPy is not installed")
    assert ws["10"].part("expression").sympy().shape == (3, 1)
    assert ws["11"].part("expression").sympy().shape == (2, 3)
    assert {e.where for e in ws.errata} == {
        "∂J/∂W⁽²⁾",
        "∂J/∂W⁽¹⁾",
        "∂J/∂W⁽²⁾, the first line",
    }
    assert sympy is not None


def test_part4_gradients_and_the_uphill_and_downhill_steps():
    ws = cr.worksheet("part4")
    p, NN = _tutorial()
    cost1 = NN.costFunction(p.X, p.y)
    dJdW1, dJdW2 = NN.costFunctionPrime(p.X, p.y)
    np.testing.assert_allclose(ws["5"].part("number").value, dJdW2, rtol=1e-12)
    np.testing.assert_allclose(ws["7"].part("number").value, dJdW1, rtol=1e-12)
    assert ws["8"].part("number").value == 9
    # the notebook's cells 13-16: W + 3 dJ/dW, then W − 3 dJ/dW
    NN.W1, NN.W2 = NN.W1 + 3 * dJdW1, NN.W2 + 3 * dJdW2
    cost2 = NN.costFunction(p.X, p.y)
    dJdW1, dJdW2 = NN.costFunctionPrime(p.X, p.y)
    NN.W1, NN.W2 = NN.W1 - 3 * dJdW1, NN.W2 - 3 * dJdW2
    cost3 = NN.costFunction(p.X, p.y)
    got = [float(v) for v in _numbers(ws["9"]) + _numbers(ws["10"])]
    assert got == pytest.approx([cost1, cost2, cost2, cost3], rel=1e-12)
    assert cost2 > cost1 and cost3 < cost2
    assert "went up" in ws["9"].part("concept").text
    assert any("−(y − ŷ)" in e.correct for e in ws.errata)


def test_unknown_worksheet_is_refused():
    with pytest.raises(cr.UnknownNameError, match="worksheet: unknown name 'seed003'"):
        cr.worksheet("seed003")


@pytest.mark.parametrize(
    ("example", "seed"),
    [
        ("seed000-q11", "seed000"),
        ("seed000-q15", "seed000"),
        ("seed001", "seed001"),
        ("seed004", "seed004"),
        ("tutorial-part4", "part4"),
    ],
)
def test_every_builtin_example_lists_its_seeds_misprints(example, seed):
    from chainrule.explainer.problems.errata import errata

    text = load_example(example).explain().to_text()
    listed = errata(seed)
    assert listed
    for e in listed:
        assert plain(e.printed).split()[0] in text.replace("\n", " ")


def test_errata_key_of_a_problem_file_is_checked():
    from chainrule.explainer.problems import parse_problem

    src = "[network]\nsizes = [1, 1]\n[data]\nX = [[1]]\ny = [[1]]\n"
    with pytest.raises(cr.DataFileError, match="<string>: errata: expected one of"):
        parse_problem('errata = "seed009"\n' + src)
    p = parse_problem('errata = "seed002"\n' + src)
    assert "δ⁽³⁾A⁽²⁾" in p.description


@pytest.mark.parametrize(
    ("name", "number", "want"),
    [
        ("seed000", "14", "dJdW2"),
        ("seed000", "16", "dJdW1"),
        ("seed002", "10", "dJdW2"),
        ("seed002", "11", "dJdW1"),
        ("part4", "5", "dJdW2"),
        ("part4", "6", "delta2"),
        ("part4", "7", "dJdW1"),
    ],
)
def test_matrix_expressions_evaluate_to_the_tutorials_values(name, number, want):
    sympy = pytest.importorskip("sympy", reason="SymPy is not installed")
    rng = np.random.default_rng(3)
    X, y = rng.random((3, 2)), rng.random((3, 1))
    NN = Neural_Network(seed=2)
    dJdW1, dJdW2 = NN.costFunctionPrime(X, y)
    oracle = {"dJdW1": dJdW1, "dJdW2": dJdW2, "delta2": NN.delta2}[want]
    values = {"a2": NN.a2, "A2": NN.a2, "delta3": NN.delta3, "delta2": NN.delta2}
    values |= {"X": X, "W1": NN.W1, "W2": NN.W2, "fprime2": NN.sigmoidPrime(NN.z2)}
    part = cr.worksheet(name)[number].part("expression")
    mats = {
        sympy.MatrixSymbol(n, r, c): sympy.Matrix(values[n])
        for n, r, c in part.sympy_shapes
    }
    got = np.array(part.sympy().subs(mats).doit().evalf(), dtype=float)
    np.testing.assert_allclose(got, oracle, rtol=1e-12, atol=1e-15)
