"""``level="element"`` in the column convention: CS230's elements, the trace's numbers.

Each element line of a column-convention explanation is checked against two
independent things: the row convention's matrix at the matrix level
(transposed, and times ``m`` for CS230's ``dZ`` and ``dA`` of a mean cost),
and the sum of the products of its own factors. Its name is checked against
CS230's indices: ``W[l]`` outputs × inputs, ``A[l]`` units × examples.
"""

import math
import re

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.app import main
from chainrule.explainer.problems import list_examples, load_example

_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def problems():
    """(label, network, X, y): every built-in example and batches of a mean cost."""
    for name in list_examples():
        p = load_example(name)
        yield name, p.network, p.X, p.y, p.learning_rate
    rng = np.random.default_rng(4)
    bce = cr.Network([3, 2, 1], loss="bce", bias=True, seed=1)
    yield "bce-m3", bce, rng.normal(size=(3, 3)), [[1.0], [0.0], [1.0]], 0.5
    cce = cr.Network([2, 3, 3], output_activation="softmax", loss="cce", seed=2)
    Y = np.eye(3)[[0, 2]]
    yield "cce-m2", cce, rng.normal(size=(2, 2)), Y, None
    l2 = cr.Network([2, 2, 1], activation="tanh", loss="mse", l2=0.1, seed=5)
    yield "mse-l2-m2", l2, rng.normal(size=(2, 2)), [[0.5], [-0.5]], 0.1


CASES = list(problems())


def scale(key: str, m: int | None) -> float:
    """CS230's dA, dZ are m times the row convention's ∂J/∂a, δ."""
    scaled = key == "dJdyHat" or re.fullmatch(r"(delta|dJda)\d+'?", key)
    return float(m) if (m and scaled) else 1.0


@pytest.mark.parametrize(
    ("label", "net", "X", "y", "lr"), CASES, ids=[c[0] for c in CASES]
)
def test_every_element_is_the_transposed_matrix_entry(label, net, X, y, lr):
    col = cr.explain(net, X, y, lr, convention="column", level="element")
    row = cr.explain(net, X, y, lr)  # the matrix level, row convention
    n = np.shape(X)[0]
    loss_mean = net.loss in ("bce", "cce", "mse")
    m = n if loss_mean else None
    checked = 0
    for s in col.steps:
        lines = [d for d in s.details if d.kind in ("element", "examples")]
        if not lines:
            continue
        expected = np.atleast_2d(row[s.symbol].value).T * scale(s.symbol, m)
        for d in lines:
            r, c = d.index
            assert d.value == pytest.approx(expected[r, c], rel=1e-12, abs=1e-15)
            total = sum(math.prod(f) for f in d.factors)
            assert total == pytest.approx(d.value, rel=1e-9, abs=1e-12), d.text
            # the name carries CS230's 1-based (row, column) of the column matrix
            lhs = d.text.split(" = ")[0]
            idx = re.search(r"([₀₁₂₃₄₅₆₇₈₉]+),([₀₁₂₃₄₅₆₇₈₉]+)$", lhs)
            assert idx, lhs
            assert (int(idx[1].translate(_SUB)), int(idx[2].translate(_SUB))) == (
                r + 1,
                c + 1,
            )
            checked += 1
    assert checked >= 6


def test_cs230_element_forms():
    net = cr.Network([2, 2, 1], loss="bce", bias=True, seed=0)
    X, y = [[1.0, 2.0], [0.5, -1.0]], [[1.0], [0.0]]
    ex = cr.explain(net, X, y, convention="column", level="element")
    rhs = dict(d.text.split(" = ")[:2] for s in ex.steps for d in s.details if d.index)
    assert rhs["Z[1]₂,₁"] == "W[1]₂,₁X₁,₁ + W[1]₂,₂X₂,₁ + b[1]₂,₁"
    assert rhs["dW[2]₁,₂"] == "(1/m)(dZ[2]₁,₁A[1]₂,₁ + dZ[2]₁,₂A[1]₂,₂)"
    assert rhs["db[1]₂,₁"] == "(1/m)(dZ[1]₂,₁ + dZ[1]₂,₂)"
    assert rhs["dA[1]₂,₂"] == "W[2]₁,₂dZ[2]₁,₂"
    assert rhs["dZ[1]₁,₂"] == "dA[1]₁,₂ g′(Z[1]₁,₂)"


def test_matrix_level_in_column_writes_no_elements():
    p = load_example("seed001")
    ex = p.explain(convention="column")
    assert not [d for s in ex.steps for d in s.details if d.kind == "element"]


def test_cli_element_level_in_column(capsys):
    code = main(["explain", "-e", "seed001", "--convention", "column", "--level",
                 "element"])  # fmt: skip
    out = capsys.readouterr().out.replace("\\[", "[").replace("\\]", "]")
    assert code == 0
    assert "dZ[2]₁,₁ = dA[2]₁,₁ g′(Z[2]₁,₁)" in out
