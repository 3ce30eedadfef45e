"""The column convention (CS230: Z = WA + b, examples in columns).

Oracle: the row convention's explanation of the same network; every matrix of
the column convention must be its transpose, every number the same, except
that a mean cost's dA and dZ are m times the row convention's ∂J/∂a and δ
(CS230 puts the 1/m into dW and db; the built-in examples of a mean cost have
one example, m = 1).
"""

import shutil
import subprocess
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import DataFileError, UnknownNameError
from chainrule.explainer.problems import (
    AmbiguousOrientationWarning,
    list_examples,
    load_example,
    parse_problem,
)


@pytest.mark.parametrize("name", list(list_examples()))
def test_every_example_transposes(name):
    p = load_example(name)
    # seed 001's flows into one unit are bracket notation's, not CS230's
    row = [s for s in p.explain(convention="row") if "[" not in s.symbol]
    ex = p.explain(convention="column")
    col = list(ex)
    assert [s.symbol for s in row] == [s.symbol for s in col]
    for r, c in zip(row, col, strict=True):
        if np.ndim(r.value) == 2:
            assert c.shape == r.shape[::-1], r.symbol
            np.testing.assert_array_equal(c.value, np.asarray(r.value).T)
        else:
            assert c.value == r.value, r.symbol
    assert ex.convention == "column"


def test_column_names_and_products():
    p = load_example("seed000-q15")
    ex = p.explain(convention="column")
    assert ex["X"].shape == (2, 3)  # inputs × examples
    assert ex["W1"].shape == (3, 2)  # outputs × inputs
    assert ex["z2"].formula == "Z[1] = W[1] X"
    assert ex["a2"].formula == "A[1] = g(Z[1])"
    assert ex["yHat"].formula == "Ŷ = A[2] = g(Z[2])"
    assert ex["dJdW1"].formula == "dW[1] = dZ[1] (X)ᵀ"
    assert ex["dJda2"].formula == "dA[1] = (W[2])ᵀ dZ[2]"
    assert ex["delta2"].formula == "dZ[1] = dA[1] ∘ g′(Z[1])"
    assert ex["dJdW1"].substitution == "⟦delta2⟧ · ⟦X⟧ᵀ"
    assert ex["dJdW2"].name_latex == r"\mathrm{d}W^{[2]}"


@pytest.mark.parametrize(
    ("loss", "out"), [("bce", "sigmoid"), ("cce", "softmax"), ("mse", "identity")]
)
def test_cs230_mean_costs_put_1_over_m_into_dW_and_db(loss, out):
    n_out = 2 if loss == "cce" else 1
    net = cr.Network([2, 3, n_out], output_activation=out, loss=loss, seed=1)
    X = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]]
    y = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]] if loss == "cce" else [[1], [0], [1]]
    m = 3
    row = cr.explain(net, X, y)
    col = cr.explain(net, X, y, convention="column")
    for k in ("dJdW1", "dJdb1", "dJdW2", "dJdb2"):  # the gradients unchanged
        np.testing.assert_allclose(col[k].value, row[k].value.T, rtol=1e-12)
    for k in ("dJdyHat", "delta3", "dJda2", "delta2"):  # no 1/m in dA, dZ
        np.testing.assert_allclose(col[k].value, m * row[k].value.T, rtol=1e-12)
    assert col["dJdW1"].formula == "dW[1] = (1/m) dZ[1] (X)ᵀ"
    assert col["dJdb2"].formula == "db[2] = (1/m) Σₙ dZ[2]"
    assert "/ N" not in col["dJdyHat"].formula
    if loss != "mse":  # dZ[L] = A[L] − Y
        a_minus_y = col["yHat"].value - col["y"].value
        np.testing.assert_allclose(col["delta3"].value, a_minus_y, rtol=1e-12)
        assert col["delta3"].formula.startswith("dZ[2] = Ŷ")
        assert "/ N" not in col["delta3"].formula


def test_a_sum_cost_keeps_dW_without_1_over_m():
    net = cr.Network([2, 3, 1], loss="sse", seed=1)
    col = cr.explain(net, [[1, 2], [3, 4]], [[1], [0]], convention="column")
    assert col["dJdW1"].formula == "dW[1] = dZ[1] (X)ᵀ"


def test_column_bias_is_a_column_summed_over_columns():
    p = load_example("tutorial-part4")
    net = cr.Network([2, 3, 1], seed=0)
    ex = cr.explain(net, p.X, p.y, convention="column")
    assert ex["b1"].shape == (3, 1)
    assert ex["dJdb1"].formula == "db[1] = Σₙ dZ[1]"
    assert "columns" in ex["dJdb1"].note


def test_unknown_convention_says_no():
    net = cr.Network([1, 1], seed=0)
    with pytest.raises(UnknownNameError, match="convention"):
        cr.explain(net, [[1.0]], [[1.0]], convention="columns")


ROW = """
convention = "row"
[network]
sizes = [2, 2, 2]
activation = "sigmoid"
loss = "sse"
[weights]
W1 = [[0.15, 0.25], [0.20, 0.30]]
b1 = [[0.35, 0.35]]
W2 = [[0.40, 0.50], [0.45, 0.55]]
b2 = [[0.60, 0.60]]
[data]
X = [[0.05, 0.10]]
y = [[0.01, 0.99]]
"""

# the same network as a column-convention course writes it (CS230)
COLUMN = """
convention = "column"
[network]
sizes = [2, 2, 2]
activation = "sigmoid"
loss = "sse"
[weights]
W1 = [[0.15, 0.20], [0.25, 0.30]]
b1 = [0.35, 0.35]
W2 = [[0.40, 0.45], [0.50, 0.55]]
b2 = [[0.60], [0.60]]
[data]
X = [[0.05], [0.10]]
y = [[0.01], [0.99]]
"""


def test_a_column_file_is_the_same_network():
    row, col = parse_problem(ROW), parse_problem(COLUMN)
    assert col.convention == "column"
    for k, v in row.network.params.items():
        np.testing.assert_array_equal(col.network.params[k], v)
    np.testing.assert_array_equal(col.X, row.X)
    assert col.explain()["J"].value == row.explain()["J"].value
    assert round(col.explain()["J"].value, 9) == 0.298371109
    assert col.explain()["W1"].value.tolist() == [[0.15, 0.20], [0.25, 0.30]]


def test_square_weights_without_a_convention_warn():
    text = ROW.replace('convention = "row"', "")
    with pytest.warns(AmbiguousOrientationWarning, match="weights.W1 is square"):
        p = parse_problem(text)
    # the course's column-oriented W typed into such a file is another network
    swapped = text.replace(
        "[[0.15, 0.25], [0.20, 0.30]]", "[[0.15, 0.20], [0.25, 0.30]]"
    )
    swapped = swapped.replace(
        "[[0.40, 0.50], [0.45, 0.55]]", "[[0.40, 0.45], [0.50, 0.55]]"
    )
    with pytest.warns(AmbiguousOrientationWarning):
        other = parse_problem(swapped)
    assert round(p.explain()["J"].value, 6) == 0.298371
    assert round(other.explain()["J"].value, 6) == 0.303658
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_problem(ROW)
        parse_problem(COLUMN)
        load_example("seed004")  # 1 × 1 matrices are not ambiguous


def test_column_file_errors_name_the_orientation():
    bad = COLUMN.replace("W1 = [[0.15, 0.20], [0.25, 0.30]]", "W1 = [[0.15, 0.20]]")
    with pytest.raises(DataFileError, match=r"weights.W1: expected a \(2, 2\) matrix"):
        parse_problem(bad)
    with pytest.raises(DataFileError, match="convention: expected one of"):
        parse_problem(COLUMN.replace('"column"', '"col"'))
    with pytest.raises(DataFileError, match="update_biases: expected true or false"):
        parse_problem("update_biases = 1\n" + ROW)


def test_column_file_shape_messages_are_units_by_inputs():
    text = COLUMN.replace("sizes = [2, 2, 2]", "sizes = [3, 2, 1]")
    with pytest.raises(DataFileError, match=r"\(2, 3\) matrix \(2 units × 3 inputs\)"):
        parse_problem(text)
    one = ROW.replace("sizes = [2, 2, 2]", "sizes = [3, 1, 2]")
    with pytest.raises(DataFileError, match=r"\(3 inputs × 1 unit\)"):
        parse_problem(one)


@pytest.mark.parametrize("name", list(list_examples()))
def test_every_example_renders_in_every_form(name):
    p = load_example(name)
    for notation in ("welch", "bracket"):
        for convention in ("row", "column"):
            frozen_too = p.learning_rate is not None and any(p.network.bias)
            for update_biases in (True, False) if frozen_too else (True,):
                ex = p.explain(
                    notation, convention=convention, update_biases=update_biases
                )
                text = ex.to_text()
                assert ex.title in text and ex.to_markdown() and ex.to_latex()
                back = cr.Explanation.from_json(ex.to_json())
                assert back.convention == convention
                assert back.update_biases == update_biases
                frozen = not update_biases
                assert ("(frozen: not updated)" in " ".join(text.split())) == frozen


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
@pytest.mark.parametrize("name", ["classic-2-2-2", "seed002"])
def test_column_latex_compiles(name, tmp_path):
    ex = load_example(name).explain("bracket", convention="column")
    (tmp_path / "d.tex").write_text(ex.to_latex(), encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-2000:]
