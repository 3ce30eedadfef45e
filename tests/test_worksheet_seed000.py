"""Seed 000's worksheet: each question's answer checked for its content.

Numbers are checked against the tutorial's own code (``chainrule.reference``,
an independent transcription of the notebook's class) fed with the values of
the seed and of the built-in examples (the y they choose); expressions are
checked with SymPy, by equivalence, never by string.
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.reference import Neural_Network

sympy = pytest.importorskip(
    "sympy", reason="SymPy is not installed (pip install sympy)"
)

W1 = np.ones((2, 3))
W2 = np.ones((3, 1))
X1, Y1 = np.array([[3.0, 5.0]]), np.array([[0.75]])  # question 11a; y chosen
X3 = np.array([[3.0, 5.0], [5.0, 1.0], [5.0, 10.0]])  # question 15 as printed
Y3 = np.array([[0.75], [0.82], [0.93]])  # chosen: the tutorial's scores / 100


@pytest.fixture(scope="module")
def ws():
    return cr.worksheet("seed000")


def _ref(X, y):
    NN = Neural_Network(W1=W1, W2=W2)
    dJdW1, dJdW2 = NN.costFunctionPrime(X, y)
    return NN, dJdW1, dJdW2


def _numbers(q):
    return {p.key: p.value for p in q.parts if p.kind == "number"}


def _sym(name, rows, cols):
    return sympy.Matrix(rows, cols, lambda i, j: sympy.Symbol(f"{name}_{i + 1}{j + 1}"))


def test_every_question_of_the_seed_is_answered_in_its_order(ws):
    numbers = [q.number for q in ws.questions]
    assert numbers == [str(n) for n in range(1, 11)] + ["11a", "11b"] + [
        str(n) for n in range(12, 17)
    ]
    assert all(q.parts and q.text for q in ws.questions)


def test_q1_q2_dimensions_are_the_weights_shapes(ws):
    assert ws["1"].part("dimension").value == (2, 3)
    assert ws["2"].part("dimension").value == (3, 1)


def test_q3_sum_rule_each_example_alone_adds_up_to_the_total(ws):
    per = [p.value for p in ws["3"].parts if p.kind == "number"]
    assert len(per) == 4
    for n in range(3):  # oracle: the tutorial's code on one example at a time
        _, _, g = _ref(X3[n : n + 1], Y3[n : n + 1])
        np.testing.assert_allclose(per[n], g, rtol=1e-12)
    _, _, total = _ref(X3, Y3)
    np.testing.assert_allclose(per[3], total, rtol=1e-12)


def test_q4_q5_chain_rule_expressions_equal_sympys_derivative(ws):
    y, W = sympy.symbols("y W2")
    yHat, f, z3 = sympy.Function("yHat"), sympy.Function("f"), sympy.Function("z3")
    locals_ = {"yHat": yHat, "f": f, "z3": z3, "y": y, "W2": W}
    parse = sympy.parsing.sympy_parser.parse_expr
    q4 = parse(ws["4"].part("expression").expr, local_dict=locals_)
    J4 = sympy.Rational(1, 2) * (y - yHat(W)) ** 2
    assert sympy.simplify(sympy.diff(J4, W) - q4) == 0
    q5 = parse(ws["5"].part("expression").expr, local_dict=locals_)
    J5 = sympy.Rational(1, 2) * (y - f(z3(W))) ** 2
    assert sympy.simplify((sympy.diff(J5, W) - q5).doit()) == 0


def test_q6_sigmoid_derivative_and_its_value(ws):
    z = sympy.Symbol("z")
    expr = ws["6"].part("expression").sympy()
    assert sympy.simplify(sympy.diff(1 / (1 + sympy.exp(-z)), z) - expr) == 0
    NN, _, _ = _ref(X1, Y1)
    np.testing.assert_allclose(
        ws["6"].part("number").value, NN.sigmoidPrime(NN.z3), rtol=1e-12
    )


def test_q7_q12_delta3_has_one_row_per_example(ws):
    assert ws["7"].part("dimension").value == (1, 1)
    assert ws["12"].part("dimension").value == (3, 1)


def test_q8_z3_written_out_is_the_matrix_product(ws):
    expr = ws["8"].part("expression").sympy()
    assert sympy.expand(expr - (_sym("a2", 1, 3) * _sym("W2", 3, 1))[0, 0]) == 0
    (line,) = [d for d in ws["8"].part("elements").details if d.kind == "element"]
    NN, _, _ = _ref(X1, Y1)
    assert [f[0] for f in line.factors] == pytest.approx(NN.a2.ravel(), rel=1e-12)
    assert sum(a * w for a, w in line.factors) == pytest.approx(NN.z3.item())


def test_q9_q10_dz3_dW2_is_a2_transposed(ws):
    z3 = ws["8"].part("expression").sympy()
    W2 = _sym("W2", 3, 1)
    derivative = sympy.Matrix([[sympy.diff(z3, W2[i, 0])] for i in range(3)])
    assert derivative == ws["9"].part("expression").sympy()
    assert derivative == ws["10"].part("expression").sympy().as_explicit().subs(
        {
            sympy.MatrixSymbol("a2", 1, 3)[0, j]: sympy.Symbol(f"a2_1{j + 1}")
            for j in range(3)
        }
    )
    NN, _, _ = _ref(X1, Y1)
    np.testing.assert_allclose(ws["9"].part("number").value, NN.a2.T, rtol=1e-12)


def test_q11a_dJdW2_for_one_example(ws):
    _, _, dJdW2 = _ref(X1, Y1)
    np.testing.assert_allclose(_numbers(ws["11a"])["dJdW2"], dJdW2, rtol=1e-12)


def test_q11b_rows_are_examples_columns_are_units(ws):
    q = ws["11b"]
    text = q.part("concept").text
    assert "row" in text and "example" in text and "column" in text and "unit" in text
    expr = q.part("expression").sympy().as_explicit()
    assert expr.shape == (3, 1)
    lines = [d for d in q.part("elements").details if d.kind == "element"]
    NN, _, _ = _ref(X3, Y3)
    assert [d.value for d in lines] == pytest.approx(NN.z3.ravel(), rel=1e-12)


def test_q13_sum_over_examples_element_by_element(ws):
    expr = ws["13"].part("expression").sympy()
    assert sympy.expand(
        expr - _sym("a2", 3, 3).T * _sym("delta3", 3, 1)
    ) == sympy.zeros(3, 1)
    lines = ws["13"].part("elements").details
    NN, _, dJdW2 = _ref(X3, Y3)
    for d in lines:
        i, _ = d.index
        contributions = [a * delta for a, delta in d.factors]
        oracle = NN.a2[:, i] * NN.delta3[:, 0]
        assert contributions == pytest.approx(oracle, rel=1e-12)
        assert sum(contributions) == pytest.approx(dJdW2[i, 0], rel=1e-12)
    # the seed's issue quotes 0.009155 + 0.005999 + 0.001020 = 0.016174
    first = [round(a * b, 6) for a, b in lines[0].factors]
    assert first == [0.009155, 0.005999, 0.00102]
    assert round(lines[0].value, 6) == 0.016174


def test_q14_matrix_form_equals_the_element_sums(ws):
    matrix = ws["14"].part("expression").sympy().as_explicit()
    elements = ws["13"].part("expression").sympy()
    a2, d3 = sympy.MatrixSymbol("a2", 3, 3), sympy.MatrixSymbol("delta3", 3, 1)
    subs = {
        a2[i, j]: sympy.Symbol(f"a2_{i + 1}{j + 1}") for i in range(3) for j in range(3)
    }
    subs |= {d3[i, 0]: sympy.Symbol(f"delta3_{i + 1}1") for i in range(3)}
    assert sympy.expand(matrix.subs(subs) - elements) == sympy.zeros(3, 1)
    shapes = [d.text for d in ws["14"].part("elements").details if d.kind == "shapes"]
    assert shapes == ["(a⁽²⁾)ᵀ δ⁽³⁾: (3×3)ᵀ(3×1) → (3×1)"]


def test_q15_dJdW2_for_three_examples(ws):
    NN, _, dJdW2 = _ref(X3, Y3)
    got = _numbers(ws["15"])
    np.testing.assert_allclose(got["dJdW2"], dJdW2, rtol=1e-12)
    np.testing.assert_allclose(got["delta3"], NN.delta3, rtol=1e-12)


def test_q16_dJdW1_expression_is_sympys_derivative_and_value(ws):
    # symbolic network with one example: J's derivative by each W1 entry equals
    # the answer's X^T (delta3 W2^T ∘ f'(z2)), compared at random numbers
    Xs, W1s, W2s = _sym("X", 1, 2), _sym("W1", 2, 3), _sym("W2", 3, 1)
    y = sympy.Symbol("y")
    f = lambda m: m.applyfunc(lambda v: 1 / (1 + sympy.exp(-v)))  # noqa: E731
    fp = lambda m: m.applyfunc(lambda v: sympy.exp(-v) / (1 + sympy.exp(-v)) ** 2)  # noqa: E731
    z2 = Xs * W1s
    z3 = f(z2) * W2s
    J = sympy.Rational(1, 2) * (y - f(z3)[0, 0]) ** 2
    grad = sympy.Matrix(2, 3, lambda i, j: sympy.diff(J, W1s[i, j]))
    delta3 = -(y - f(z3)[0, 0]) * fp(z3)
    answer = Xs.T * (delta3 * W2s.T).multiply_elementwise(fp(z2))
    rng = np.random.default_rng(0)
    values = {
        s: float(v)
        for s, v in zip(
            list(Xs) + list(W1s) + list(W2s) + [y], rng.normal(size=12), strict=True
        )
    }
    np.testing.assert_allclose(
        np.array(grad.subs(values).evalf(), dtype=float),
        np.array(answer.subs(values).evalf(), dtype=float),
        rtol=1e-10,
    )
    # the worksheet's own expression has the same shapes: (2×3)
    assert ws["16"].part("expression").sympy().shape == (2, 3)
    _, dJdW1, _ = _ref(X3, Y3)
    np.testing.assert_allclose(_numbers(ws["16"])["dJdW1"], dJdW1, rtol=1e-12)


def test_choices_say_what_y_was_chosen(ws):
    text = " ".join(ws.choices)
    assert "0.75" in text and "[0.75; 0.82; 0.93]" in text


def test_errata_of_seed000(ws):
    where = [e.where for e in ws.errata]
    assert "question 9" in where and "question 15, X" in where
    assert any("11" in w for w in where)
    x = next(e for e in ws.errata if e.where == "question 15, X")
    assert "5 10" in x.printed and "10 2" in x.correct


@pytest.mark.skipif(
    not hasattr(cr, "derive"),
    reason="chainrule.derive (symbolic derivations) is absent",
)
def test_q14_q16_expressions_agree_with_chainrule_derive(ws):
    # cr.derive (DESIGN.md): .symbols["X"], ["y"], ["W1"], ["W2"] and .expr[name]
    # in those base symbols; evaluated at random numbers, the worksheet's matrix
    # expressions must give derive's dJdW2 and dJdW1.
    d = cr.derive([2, 3, 1], activation="sigmoid", loss="sse", bias=False, examples=3)
    rng = np.random.default_rng(1)
    subs = {}
    for key in ("X", "y", "W1", "W2"):
        for s in d.symbols[key]:
            subs[s] = float(rng.normal())

    def num(expr):
        return np.array(sympy.Matrix(expr).subs(subs).evalf(), dtype=float)

    z2 = num(d.expr["z2"])
    values = {
        "a2": num(d.expr["a2"]),
        "delta3": num(d.expr["delta3"]),
        "X": num(d.symbols["X"]),
        "W1": num(d.symbols["W1"]),
        "W2": num(d.symbols["W2"]),
        "fprime2": np.exp(-z2) / (1 + np.exp(-z2)) ** 2,
    }
    for number, key in (("14", "dJdW2"), ("16", "dJdW1")):
        part = ws[number].part("expression")
        mats = {
            sympy.MatrixSymbol(n, r, c): sympy.Matrix(values[n])
            for n, r, c in part.sympy_shapes
        }
        got = np.array(part.sympy().subs(mats).doit().evalf(), dtype=float)
        np.testing.assert_allclose(got, num(d.expr[key]), rtol=1e-9)
