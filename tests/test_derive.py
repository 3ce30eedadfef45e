"""cr.derive: backpropagation in symbols, checked by SymPy and against the trace.

Oracles: SymPy's own derivative of ``expr["J"]`` (independent of the
backprop formulas that build ``expr["dJdW{l}"]``), and the numeric
``Network.trace`` evaluated at the same numbers.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.app import main

sympy = pytest.importorskip("sympy")


@pytest.fixture(scope="module")
def d231():
    return cr.derive([2, 3, 1], activation="sigmoid", loss="sse", examples=1)


def test_importing_chainrule_does_not_import_sympy():
    code = "import sys, chainrule; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_symbols_and_expressions(d231):
    assert d231.symbols["X"].shape == (1, 2) and d231.symbols["W1"].shape == (2, 3)
    assert set(d231.symbols) == {"X", "y", "W1", "W2"}
    for key in ("z2", "a2", "z3", "yHat", "dJdyHat", "delta3", "dJdW2", "delta2"):
        assert key in d231.expr
    assert d231.expr["dJdW1"].shape == (2, 3)
    base = {s for m in d231.symbols.values() for s in m}
    assert d231.expr["dJdW1"].free_symbols <= base
    assert d231.ok and all(c.ok for s in d231.steps for c in s.checks)


def test_dJdW2_is_sympys_derivative_exactly(d231):
    # exact: the difference simplifies to 0 (small enough here)
    W2, J = d231.symbols["W2"], d231.expr["J"]
    for i in range(3):
        diff = sympy.diff(J, W2[i, 0]) - d231.expr["dJdW2"][i, 0]
        assert sympy.simplify(diff) == 0


def test_element_level_is_the_tutorial_sum():
    # seed 000 question 13: ∂J/∂W⁽²⁾ᵢ₁ = Σₙ a⁽²⁾ₙᵢ δ⁽³⁾ₙ₁ over the 3 examples
    d = cr.derive([2, 3, 1], examples=3)
    q = d.built.q
    expected = sum(q["a2"][n, 1] * q["delta3"][n, 0] for n in range(3))
    assert sympy.expand(d["dJdW2"].local[1, 0] - expected) == 0
    assert d.pretty(d["dJdW2"].local[0, 0]) == (
        "a⁽²⁾₁₁·δ⁽³⁾₁₁ + a⁽²⁾₂₁·δ⁽³⁾₂₁ + a⁽²⁾₃₁·δ⁽³⁾₃₁"
    )
    assert d.pretty(d["z3"].local[0, 0]) == (
        "a⁽²⁾₁₁·W⁽²⁾₁₁ + a⁽²⁾₁₂·W⁽²⁾₂₁ + a⁽²⁾₁₃·W⁽²⁾₃₁"
    )


def test_checks_are_recorded_and_would_fail(d231):
    from chainrule.explainer.symbolic import checks as chk

    step = d231["dJdW1"]
    kinds = [c.kind for c in step.checks]
    assert kinds == ["matrix", "chain", "end to end"]
    built = d231.built
    right = built.local["dJdW1"]
    try:  # spoil the formula: the checks must notice
        built.local["dJdW1"] = right.T.T * 2
        built.base["dJdW1"] = built.base["dJdW1"] * 2
        wrt = built.symbols["W1"]
        assert not chk.chain_linear(built, "dJdW1", wrt, "z2", "delta2").ok
        assert not chk.end_to_end(built, "dJdW1", wrt).ok
    finally:
        built.local["dJdW1"] = right
        built.base["dJdW1"] = built.base["dJdW1"] / 2


def test_relu_is_piecewise_with_zero_slope_at_zero():
    d = cr.derive([1, 1, 1], activation="relu", loss="mse")
    f = d.expr["a2"][0, 0]
    assert f.has(sympy.Heaviside)
    x, w = d.symbols["X"][0, 0], d.symbols["W1"][0, 0]
    assert f.subs({x: 2, w: -1}) == 0 and f.subs({x: 2, w: 3}) == 6
    fp = d["fprime2"].local[0, 0]
    z = d.built.q["z2"][0, 0]
    assert fp.subs(z, 0) == 0 and fp.subs(z, 1) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sizes": [5, 1]}, cr.ConfigError, "at most 4 units.*expressions grow"),
        ({"sizes": [1, 1, 1, 1, 1]}, cr.ConfigError, "at most 3 weight layers"),
        (
            {"sizes": [1, 1], "examples": 4},
            cr.ConfigError,
            "examples: expected at most 3",
        ),
        ({"sizes": [1, 1], "examples": 0}, cr.InvalidValueError, "examples"),
        ({"sizes": [1, 1], "examples": 1.5}, cr.InvalidTypeError, "examples"),
        ({"sizes": [1, 1], "activation": "leaky_relu"}, cr.ConfigError, "no symbolic"),
        ({"sizes": [1, 1], "activation": "nope"}, cr.UnknownNameError, "activation"),
        ({"sizes": [1, 2], "loss": "cce"}, cr.ConfigError, "softmax"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        cr.derive(**kwargs)


def test_evaluate_refuses_another_network(d231):
    with pytest.raises(cr.ConfigError, match="loss"):
        d231.evaluate(cr.Network([2, 3, 1], bias=False, loss="mse"), [[1, 2]], [[0.5]])
    with pytest.raises(cr.ShapeError, match="1 rows"):
        d231.evaluate(cr.Network([2, 3, 1], bias=False), [[1, 2], [3, 4]], [[1], [0]])


def test_evaluate_is_the_trace_for_seed000_q15():
    from chainrule.explainer.problems import load_example

    p = load_example("seed000-q15")
    d = cr.derive([2, 3, 1], examples=3)
    values = d.evaluate(p.network, p.X, p.y)
    t = p.network.trace(p.X, p.y)
    for key in ("z2", "a2", "yHat", "J", "delta3", "dJdW2", "delta2", "dJdW1"):
        np.testing.assert_allclose(values[key], t[key], rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("method", ["to_text", "to_markdown", "to_latex", "to_html"])
def test_renderings_show_elements_and_checks(d231, method):
    out = getattr(d231, method)()
    assert out.count("✓") >= 10 or out.count("checkmark") >= 10
    assert "✗" not in out
    if method == "to_text":
        assert "(∂J/∂W⁽²⁾)₁₁ = a⁽²⁾₁₁·δ⁽³⁾₁₁" in out
        assert "∂J/∂W⁽¹⁾ = Xᵀ δ⁽²⁾" in out


def test_json(d231):
    doc = json.loads(d231.to_json())
    assert doc["schema"] == "chainrule.derive/1" and doc["ok"] is True
    step = next(s for s in doc["steps"] if s["symbol"] == "dJdW2")
    assert step["shape"] == [3, 1]
    element = sympy.sympify(step["element"][0][0]["sympy"])
    assert {s.name for s in element.free_symbols} == {"a2_11", "delta3_11"}
    assert [c["kind"] for c in step["checks"]] == ["matrix", "chain", "end to end"]


def test_latex_compiles_without_overfull_boxes(tmp_path):
    import shutil

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    # 3 examples × 2 outputs: J is a sum of 6 squares, broken over two lines
    d = cr.derive([2, 4, 2], activation="tanh", bias=True, examples=3)
    (tmp_path / "d.tex").write_text(d.to_latex(), encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    log = (tmp_path / "d.log").read_text(encoding="utf-8", errors="replace")
    assert "Overfull" not in log


def test_cli(capsys, tmp_path, d231):
    code = main(["derive", "--sizes", "2,3,1", "--examples", "1"])
    out, _ = capsys.readouterr()
    assert code == 0 and out == d231.to_text()
    target = tmp_path / "d.md"
    code = main(
        [
            "derive",
            "--sizes",
            "1,1,1",
            "--activation",
            "relu",
            "--loss",
            "mse",
            "--bias",
            "-f",
            "markdown",
            "-o",
            str(target),
        ]
    )
    assert code == 0 and "$$" in target.read_text(encoding="utf-8")
    assert main(["derive", "--sizes", "5,1"]) == 2
    assert "at most 4 units" in capsys.readouterr().err
    assert main(["derive", "--sizes", "2", "-f", "text"]) == 2


@pytest.mark.parametrize("command", ["derive", "check"])
def test_help_shows_an_example(capsys, command):
    assert main([command, "--help"]) == 0
    assert "Example: chainrule" in capsys.readouterr().out
