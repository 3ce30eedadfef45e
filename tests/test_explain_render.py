"""The renderings of an explanation: golden files, JSON round trip, LaTeX.

The golden files in tests/golden/ are the renderings of the built-in
examples ``seed004`` (a scalar chain) and ``seed000-q15`` (matrices). After a
deliberate change to a renderer, regenerate them and review the diff::

    CHAINRULE_REGEN_GOLDEN=1 python -m pytest tests/test_explain_render.py
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from explain_samples import PROBLEMS, explanation, thirty_examples

import chainrule as cr
from chainrule.explainer.problems import load_example

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("CHAINRULE_REGEN_GOLDEN") == "1"
RENDERINGS = {
    "txt": "to_text",
    "md": "to_markdown",
    "tex": "to_latex",
    "json": "to_json",
    "html": "to_html",
}
EXAMPLES = ("seed004", "seed000-q15")


@pytest.mark.parametrize("ext", list(RENDERINGS))
@pytest.mark.parametrize("name", EXAMPLES)
def test_golden(name, ext):
    text = getattr(load_example(name).explain(), RENDERINGS[ext])()
    path = GOLDEN / f"explain-{name}.{ext}"
    if REGEN:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["seed004", "seed001", "tutorial-part4"])
def test_json_round_trip(name):
    ex = load_example(name).explain()
    text = ex.to_json()
    back = cr.Explanation.from_json(text)
    assert [s.symbol for s in back] == [s.symbol for s in ex]
    for a, b in zip(ex.steps, back.steps, strict=True):
        assert a.shape == b.shape and type(a.value) is type(b.value)
        np.testing.assert_array_equal(a.value, b.value)
        assert (a.formula, a.uses, a.phase) == (b.formula, b.uses, b.phase)
    assert back.to_json() == text
    assert back.to_text() == ex.to_text()
    doc = json.loads(text)
    assert doc["schema"] == "chainrule.explain/1"
    assert doc["network"]["sizes"] == ex.network["sizes"]


def test_json_round_trip_of_the_chain():
    ex = load_example("seed004").explain()
    back = cr.Explanation.from_json(ex.to_json())
    assert back.scalar_chain == ex.scalar_chain


@pytest.mark.parametrize("text", ["not json", "[]", '{"schema": "other"}'])
def test_from_json_rejects_other_documents(text):
    with pytest.raises(cr.DataFileError, match="JSON|schema"):
        cr.Explanation.from_json(text)


def test_markdown_is_github_math():
    md = load_example("seed000-q15").explain().to_markdown()
    assert "$$\n\\begin{aligned}\n& z^{(2)} = X W^{(1)} \\\\\n" in md
    assert "& \\quad = \\begin{bmatrix}3 & 5 \\\\ 5 & 1" in md
    assert "| $W^{(1)}$ | (2, 3) |" in md


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
@pytest.mark.parametrize("name", PROBLEMS)
def test_latex_compiles_with_no_overfull_box(name, tmp_path):
    tex = tmp_path / "derivation.tex"
    tex.write_text(explanation(name).to_latex(), encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "derivation.pdf").stat().st_size > 0
    log = (tmp_path / "derivation.log").read_text(encoding="latin-1")
    assert "Overfull" not in log
    assert "T1/" in log  # the T1 font encoding: "->" and "^" print as typed


@pytest.mark.parametrize("precision", [6, 17])
def test_no_line_of_text_is_longer_than_the_width(precision):
    from chainrule.explainer.render.text import WIDTH

    ex = thirty_examples("bracket")
    text = ex.to_text(precision)
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    # wide matrices are abbreviated, with their shape; JSON keeps every value
    assert "…" in text and "⋮" in text and "₃₀ₓ₁₂" in text
    doc = json.loads(ex.to_json())
    delta2 = next(s for s in doc["steps"] if s["symbol"] == "delta2")
    np.testing.assert_array_equal(delta2["value"], ex["delta2"].value)
    assert np.shape(delta2["value"]) == (30, 12)


def test_a_new_kind_of_record_shows_in_every_rendering():
    """A record no renderer knows yet is written as its plain lines."""
    from dataclasses import dataclass

    from chainrule.explainer.render import html, latex, markdown, text
    from chainrule.explainer.render.walk import render, walk

    @dataclass(frozen=True)
    class Worksheet:
        def plain(self, precision):
            return ["fill in: z2 = ?"]

    records = [*list(walk(load_example("seed004").explain()))[:3], Worksheet()]
    for module in (text, markdown, latex, html):
        out = render(records, module.FORMATTERS, module._fallback, 6)
        assert "fill in: z2 = ?" in str(out), module.__name__


def test_every_built_in_activation_and_cost_carries_its_formula():
    """The explainer prints the templates of the registry entries, and a
    user's entry without templates gets the generic name(z) form."""
    from chainrule.core.activations import ACTIVATIONS, unregister_activation
    from chainrule.core.losses import LOSSES
    from chainrule.explainer.notation import formulas

    for name, entry in ACTIVATIONS.items():
        if name in ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"):
            assert formulas.activation_formula(name) is entry.formula, name
    for name in ("sse", "mse", "bce", "cce"):
        assert formulas.cost_formula(name) is LOSSES[name].formula, name
    assert formulas.activation_formula("logistic") is ACTIVATIONS["sigmoid"].formula
    cr.register_activation("plain_square", np.square, lambda z: 2 * z)
    try:
        form = formulas.activation_formula("plain_square")
    finally:
        unregister_activation("plain_square")
    assert form.formula == "plain_square(z)"
    assert form.prime_latex == r"\operatorname{plain\_square}'(z)"
    with pytest.raises(cr.UnknownNameError, match="activation"):
        formulas.activation_formula("sigmod")


def test_notebook_displays_of_an_explanation():
    ex = load_example("seed000-q15").explain()
    assert ex._repr_markdown_() == ex.to_markdown()
    frag = ex._repr_html_()
    # the page's content, MathML and diagram included, without <html>
    assert frag in ex.to_html() and "<html" not in frag
    assert frag.count("<math") > 30 and "<svg" in frag and 'href="#backward"' in frag


def test_notebook_displays_of_a_trace():
    """Plain HTML and Markdown tables, built in core (no explainer import)."""
    import ast
    import inspect

    from chainrule.core import trace as trace_module

    rng = np.random.default_rng(1)
    net = cr.Network([2, 10, 1], seed=0)
    t = net.trace(rng.normal(size=(12, 2)), rng.uniform(size=(12, 1)))
    md = t._repr_markdown_().splitlines()
    assert len(md) == 2 + len(t)
    assert md[2].startswith("| `X` | `a[0]` | (12, 2) | `[")
    assert f"| `J` | `L` | scalar | `{t.J:.6g}` |" in md
    # a 12 × 10 matrix shows 8 rows and 8 columns, "…" where it is cut
    z2 = next(line for line in md if line.startswith("| `z2`"))
    assert z2.count(";") == 7 and z2.count("…") == 7 + 1
    html = t._repr_html_()
    assert html.count("<tr><td>") >= len(t) and "δ" not in html
    assert f"<td>{t['W1'][0, 0]:.6g}</td>" in html
    imports = [
        n.module
        for n in ast.walk(ast.parse(inspect.getsource(trace_module)))
        if isinstance(n, ast.ImportFrom)
    ]
    assert not any("explainer" in (m or "") for m in imports)


def test_the_diagram_puts_unit_1_on_top_and_draws_the_biases():
    import re

    from chainrule.explainer.render.diagram import to_svg
    from chainrule.explainer.render.walk import diagram

    ex = load_example("seed001").explain()
    svg = to_svg(diagram(ex), 6)
    circles = re.findall(
        r'<circle cx="(\d+)" cy="([\d.]+)" r="\d+" class="([^"]+)"', svg
    )
    layer2 = [(float(cy), cls) for cx, cy, cls in circles if cx == str(60 + 190)]
    # the bias unit first (highest), then units 1, 2, 3 going down
    assert [cls for _, cls in layer2] == ["unit bias", "unit", "unit", "unit"]
    assert [cy for cy, _ in layer2] == sorted(cy for cy, _ in layer2)
    values = re.findall(r'class="v" text-anchor="middle">([^<]+)</text>', svg)
    a2 = [f"{v:.3g}" for v in ex["a2"].value[0]]
    # the input's bias "1" and 4 units, layer 2's bias "1", then its 3 units
    assert values[:6] == ["1", "1", "0.5", "-1", "2", "1"] and values[6:9] == a2
    assert svg.count('class="edge bias"') == 3 + 2 + 1
    assert "δ -0.444" in svg  # the output unit's δ = ŷ − y
