"""Content is data: the worksheets are TOML files read by generic code, and no
module of the explainer names a seed outside its docstrings.

The worksheets' answers are checked in test_worksheet_seed000.py and
test_worksheet_seeds.py; here, the reader: the registry from the files'
metadata, placeholders, one question per step, an explanation after another's
update, and the errors that point at the mistake.
"""

import ast
import re
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.explainer.problems import load_example
from chainrule.explainer.worksheets import WORKSHEETS
from chainrule.explainer.worksheets.build import from_text

EXPLAINER = Path(cr.__file__).parent / "explainer"
DATA = resources.files("chainrule.explainer.worksheets") / "data"
HEAD = """name = "mine"
title = "t"
source = "s"
description = "d"
[explanations]
ex = { example = "seed004" }
"""

PART = 'text = "q"\n[[questions.parts]]\n'


# ------------------------------------------------------- the registry
def test_the_registry_is_the_data_files_metadata():
    files = {f.name[:-5]: f for f in DATA.iterdir() if f.name.endswith(".toml")}
    assert set(WORKSHEETS) == set(files)
    docs = {n: tomllib.loads(f.read_text(encoding="utf-8")) for n, f in files.items()}
    for name, (file, summary) in WORKSHEETS.items():
        assert (file, summary) == (f"{name}.toml", docs[name]["summary"])
        assert docs[name]["name"] == name
    assert list(WORKSHEETS) == sorted(WORKSHEETS, key=lambda n: docs[n]["order"])


def test_no_worksheet_is_written_in_python():
    modules = {p.stem for p in (EXPLAINER / "worksheets").glob("*.py")}
    assert modules == {"__init__", "build", "model", "parts"}


# ------------------------------------------------------- the reader
def test_placeholders_one_question_per_step_and_an_explanation_after_another():
    text = HEAD.replace(
        'ex = { example = "seed004" }',
        'ex = { example = "seed004" }\n'
        'up = { example = "seed004", learning_rate = -0.1, uphill = true }\n'
        'down = { after = "up", learning_rate = 0.1 }',
    )
    text += """
[[questions]]
each_step = "ex"
phases = ["forward"]
[questions.ask]
J = "The cost, {ex.J:.3f}: {ex.n_functions} functions, {ex.n_weights} weights"
[[questions.parts]]
kind = "formula"
[[questions.parts]]
kind = "number"
[[questions.parts]]
kind = "concept"
only = ["yHat"]
text = "the output"
[[questions]]
number = "9b"
text = "{up.costs.note}; after it, W1 = {down.W1} and X = {ex.X}"
[[questions.parts]]
kind = "numbers"
of = "ex"
phase = "update"
[[questions.parts]]
kind = "value"
of = "down"
quantity = "n_parameters"
label = "n"
label_latex = "n"
"""
    ws = from_text(text, "mine")
    ex = load_example("seed004").explain()
    steps = ex.phase("forward")
    assert [q.number for q in ws.questions] == ["1", "2", "3", "4", "5", "9b"]
    for q, s in zip(ws.questions, steps, strict=False):
        assert q.part("expression").text == s.formula
        assert q.part("number").key == s.symbol
    assert ws["1"].text == steps[0].formula  # no question asked: the formula
    assert ws["5"].text == "The cost, 0.320: 5 functions, 2 weights"
    assert [p.kind for p in ws["4"].parts] == ["expression", "number", "concept"]
    assert "concept" not in [p.kind for p in ws["3"].parts]
    up = cr.explain(
        load_example("seed004").network, [[3.0]], [[2.0]], -0.1, uphill=True
    )
    w1 = up["W1'"].value.item()
    assert ws["9b"].text == f"{up['costs'].note}; after it, W1 = {w1:g} and X = 3"
    assert [p.key for p in ws["9b"].parts] == ["W1'", "W2'", ""]
    assert ws["9b"].parts[-1].value == 2.0


def test_a_matrix_in_a_sentence_is_written_by_rows():
    text = HEAD.replace("seed004", "tutorial-part4") + (
        '[[questions]]\ntext = "W1 = {ex.W1}"\nparts = []\n'
    )
    ws = from_text(text, "mine")
    W1 = load_example("tutorial-part4").network.params["W1"]
    rows = "; ".join(" ".join(f"{v:g}" for v in row) for row in W1)
    assert ws["1"].text == f"W1 = [{rows}]"


@pytest.mark.parametrize(
    ("questions", "match"),
    [
        (
            'text = "q"\n[[questions.parts]]\nkind = "numbr"',
            r"question 1: unknown part kind 'numbr'",
        ),
        (
            'text = "{ex2.J}"\nparts = []',
            r"question 1: of: expected one of \['ex'\], got 'ex2'",
        ),
        (
            'text = "{ex.Jay}"\nparts = []',
            r"'Jay': neither a step nor one of \['learning_rate'",
        ),
        ('text = "{ex.Jay.note}"\nparts = []', r"explanation 'ex' has no step 'Jay'"),
        (
            PART + 'kind = "number"\nof = "ex"\nkey = "dJdW9"',
            r"question 1: number part: no 'dJdW9'",
        ),
        (
            PART + 'kind = "dimension"\nof = "ex"\nkey = "W1"',
            r"dimension part: no 'words'",
        ),
        (
            'each_step = "ex"\nphases = ["forward"]\nparts = []\n'
            '[questions.ask]\nW1 = "?"',
            r"each_step: no step 'W1' in \['forward'\]",
        ),
    ],
)
def test_mistakes_name_the_worksheet_and_the_question(questions, match):
    with pytest.raises(cr.DataFileError, match=match) as info:
        from_text(HEAD + "[[questions]]\n" + questions + "\n", "mine")
    assert str(info.value).startswith("worksheet mine")


def test_mistakes_in_the_explanations_and_the_name():
    bad = HEAD.replace('ex = { example = "seed004" }', 'ex = { after = "up" }')
    with pytest.raises(cr.DataFileError, match=r"explanations\.ex: 'up'"):
        from_text(bad, "mine")
    bad = HEAD.replace('"seed004" }', '"seed004", levl = "element" }')
    with pytest.raises(cr.DataFileError, match=r"explanations\.ex: .*levl"):
        from_text(bad, "mine")
    with pytest.raises(cr.DataFileError, match="worksheet other: name: expected"):
        from_text(HEAD, "other")
    with pytest.raises(cr.DataFileError, match="worksheet mine: not valid TOML"):
        from_text(HEAD + "[[questions]\n", "mine")


# ------------------------------------------ no generic module names a seed
SEED = re.compile(r"seed_? ?\d{3}", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None) if isinstance(node, kinds) else None
        first = body[0] if body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            out.add(id(first.value))
    return out


def seed_names(source: str) -> list[tuple[int, str]]:
    """Every string constant (outside docstrings) and identifier that names a
    seed (``seed 004``, ``seed001``, ``SEED001_COST``), with its line."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = "" if id(node) in docs else node.value
        else:
            text = " ".join(
                str(getattr(node, a, "") or "") for a in ("id", "attr", "name", "arg")
            )
        if SEED.search(text):
            found.append((getattr(node, "lineno", 0), SEED.search(text).group()))
    return found


def test_the_checker_finds_seed_names_outside_docstrings():
    source = '''"""Seed 004's table (a docstring may say so)."""
SEED001_COST = "bce"
def f(x):
    """As seed 001 writes it."""
    # seed 002: a comment may say so too
    return f"{x} (seed 004, problem 3)" + "seed000"
'''
    assert sorted(seed_names(source)) == [
        (2, "SEED001"),
        (6, "seed 004"),
        (6, "seed000"),
    ]


def test_no_module_of_the_explainer_names_a_seed():
    found = {
        str(p.relative_to(EXPLAINER)): names
        for p in sorted(EXPLAINER.rglob("*.py"))
        if (names := seed_names(p.read_text(encoding="utf-8")))
    }
    assert found == {}, "seed-specific wording belongs in the data files"


def test_the_data_carry_the_seeds_wording():
    # seed 004's headings are its example's data; a network of one's own gets
    # the generic ones (test_explain.py checks both renderings)
    assert (
        load_example("seed004")
        .chain_wording["table_title"]
        .endswith("(seed 004, problem 3)")
    )
    net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
    ex = cr.explain(net, np.ones((1, 1)), np.ones((1, 1)))
    assert not SEED.search(ex.to_markdown())
