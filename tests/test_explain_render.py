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
    assert "$$\nz^{(2)} = X W^{(1)} = \\begin{bmatrix}3 & 5" in md
    assert "| $W^{(1)}$ | (2, 3) |" in md


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
@pytest.mark.parametrize("name", ["seed004", "seed001"])
def test_latex_compiles(name, tmp_path):
    tex = tmp_path / "derivation.tex"
    tex.write_text(load_example(name).explain().to_latex(), encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "derivation.pdf").stat().st_size > 0
