"""``derive`` in every notation and convention, and for a problem file.

Oracles: the numeric trace (through ``explain``, which writes the column
convention from the same trace) at the problem's numbers, within 1e-12; the
explanations' own matrix formulas, which ``derive`` must write the same way
in each notation; and the position of each symbol in its matrix, which names
it in the column convention (``W[l]`` outputs × inputs).
"""

import json
import re

import numpy as np
import pytest

pytest.importorskip("sympy")

import chainrule as cr  # noqa: E402
from chainrule.cli.app import main  # noqa: E402
from chainrule.explainer.problems import load_example, load_problem  # noqa: E402
from chainrule.explainer.symbolic import derive_problem  # noqa: E402

_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")

# A mean cost and two examples: CS230's 1/m in dW and db, dZ = A − Y.
PROBLEM = """
title = "Two examples, a mean cost"
convention = "column"

[network]
sizes = [2, 2, 1]
activation = "sigmoid"
loss = "bce"
bias = true

[weights]
W1 = [[0.3, -0.2], [0.1, 0.4]]
b1 = [[0.05], [-0.1]]
W2 = [[0.6, -0.5]]
b2 = [[0.2]]

[data]
X = [[1.0, -0.5], [2.0, 0.25]]
y = [[1.0, 0.0]]
"""


@pytest.fixture(scope="module")
def problem_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("problem") / "two.toml"
    path.write_text(PROBLEM)
    return path


@pytest.fixture(scope="module")
def column(problem_file):
    p = load_problem(problem_file)
    return p, derive_problem(p)


def test_the_file_is_read_in_its_convention(column):
    p, d = column
    assert (d.notation, d.convention) == ("welch", "column")
    assert d["dJdW2"].formula == "dW[2] = (1/m) dZ[2] (A[1])ᵀ"
    assert d["dJdb1"].formula == "db[1] = (1/m) Σₙ dZ[1]"
    assert d["dJda2"].formula == "dA[1] = (W[2])ᵀ dZ[2]"
    assert d["z3"].formula == "Z[2] = W[2] A[1] + b[2]"
    assert d.ok


def test_column_derivation_has_the_trace_values(column):
    """Evaluated at the file's numbers, every expression is the explanation's
    value (column orientation, CS230's m dZ) within 1e-12."""
    p, d = column
    ex = p.explain()  # the file's column convention, from the numeric trace
    values = d.evaluate(p.network, p.X, p.y)
    compared = 0
    for key, v in values.items():
        if key in ("X", "y") or key not in ex or key[0] in "Wb":
            continue
        expected = ex[key].value
        np.testing.assert_allclose(v, expected, rtol=1e-12, atol=1e-12, err_msg=key)
        compared += 1
    assert compared >= 12
    # dZ[2] = A[2] − Y exactly, which only the CS230 scaling gives
    np.testing.assert_allclose(
        values["delta3"], values["yHat"] - np.asarray(p.y).T, rtol=1e-12
    )


def test_column_symbols_sit_where_cs230_indexes_them(column):
    _, d = column
    for key, stem in (("W1", "W[1]"), ("X", "X"), ("y", "Y"), ("b2", "b[2]")):
        m = d.symbols[key]
        for r in range(m.rows):
            for c in range(m.cols):
                name = d.pretty(m[r, c])
                assert name.startswith(stem), name
                idx = name[len(stem) :].translate(_SUB)
                assert idx == f"{r + 1},{c + 1}", (key, name)
    assert d.symbols["W1"].shape == (2, 2) and d.symbols["X"].shape == (2, 2)
    assert d.expr["dJdW2"].shape == (1, 2)  # outputs × inputs


@pytest.mark.parametrize("name", ["seed004", "classic-2-2-2"])
@pytest.mark.parametrize(
    ("notation", "convention"),
    [("welch", "row"), ("bracket", "row"), ("welch", "column")],
)
def test_formulas_as_explain_writes_them(name, notation, convention):
    """The matrix formulas of the products are spelled as in the explanation."""
    p = load_example(name)
    d = derive_problem(p, notation=notation, convention=convention)
    ex = p.explain(notation, convention=convention)
    keys = [s.symbol for s in d if re.fullmatch(r"(z|dJdW|dJda)\d+", s.symbol)]
    assert keys
    for key in keys:
        assert d[key].formula == ex[key].formula, key
    values = d.evaluate(p.network, p.X, p.y)
    for key in keys + ["J", "yHat"]:
        np.testing.assert_allclose(values[key], ex[key].value, rtol=1e-12, atol=1e-15)


def test_bracket_layer_numbers():
    """Seed 001's numbering: the input is a[0]; W[1] maps layer 0 to layer 1."""
    d = cr.derive([2, 2, 1], notation="bracket", loss="bce")
    assert d["z2"].formula == "z[1] = a[0] W[1]"
    assert d["dJdW1"].formula.startswith("g[1W] = (a[0])ᵀ")
    assert d.pretty(d.symbols["X"][0, 1]) == "a[0]₁,₂"
    assert d.pretty(d.symbols["W2"][1, 0]) == "W[2]₂,₁"
    assert "L = " in d.to_text()
    assert d.ok


def test_welch_is_unchanged_by_default():
    d = cr.derive([2, 2, 1])
    assert (d.notation, d.convention) == ("welch", "row")
    assert d["dJdW1"].formula == "∂J/∂W⁽¹⁾ = Xᵀ δ⁽²⁾"
    assert d.pretty(d.symbols["W1"][0, 1]) == "W⁽¹⁾₁₂"


def test_bad_notation_and_convention():
    with pytest.raises(cr.UnknownNameError, match="notation"):
        cr.derive([1, 1, 1], notation="cs230")
    with pytest.raises(cr.UnknownNameError, match="convention"):
        cr.derive([1, 1, 1], convention="columns")


# ------------------------------------------------------------------------ CLI
def run(capsys, *args):
    code = main(["derive", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_problem_file_in_column_convention(capsys, problem_file):
    code, out, err = run(capsys, str(problem_file), "-f", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    formulas = [s["formula"] for s in doc["steps"]]
    assert "dW[1] = (1/m) dZ[1] (X)ᵀ" in formulas


def test_cli_notation_and_convention(capsys):
    code, out, _ = run(capsys, "--sizes", "2,2,1", "--notation", "bracket")
    assert code == 0 and "g[1W] = (a[0])ᵀ" in out
    code, out, _ = run(capsys, "-e", "seed004", "--convention", "column")
    assert code == 0 and "dW[1] = (1/m) dZ[1] (X)ᵀ" in out  # mse: a mean


def test_cli_problem_and_sizes_refused(capsys, problem_file):
    code, _, err = run(capsys, str(problem_file), "--sizes", "2,2,1")
    assert code == 2 and "--sizes" in err
    code, _, err = run(capsys)
    assert code == 2 and "--sizes" in err


def test_grading_in_column_symbols(column):
    """A symbol's name is its place in CS230's matrix: a2_12 is A[1]₁,₂."""
    _, d = column
    right = [
        "(delta3_11*a2_11 + delta3_12*a2_12)/2",
        "(delta3_11*a2_21 + delta3_12*a2_22)/2",
    ]
    swapped = [
        "(delta3_11*a2_11 + delta3_12*a2_21)/2",
        "(delta3_11*a2_12 + delta3_12*a2_22)/2",
    ]
    assert d.grade_answers({"dW2": [right]}).score == 1.0
    assert d.grade_answers({"dW2": [swapped]}).score == 0.0
    assert d.pretty(d.symbols["X"][0, 1]) == "X₁,₂"
    assert str(d.symbols["X"][0, 1]) == "x_12"
