"""``--format moodle``: a Moodle XML quiz, checked against the structure
Moodle's question import reads (no XSD ships with Moodle) and every answer
against the trace of its sheet's seed."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from chainrule.cli.app import main
from chainrule.explainer.assess.check_report import ATOL, RTOL
from chainrule.explainer.assess.quiz import draw_problem
from chainrule.explainer.problems import load_example

NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
#: One numerical sub-question of Moodle's cloze grammar (qtype_multianswer):
#: {weight:NUMERICAL:answer~answer...}, an answer [=|%n%]value[:tolerance][#fb].
CLOZE = re.compile(
    rf"\{{(\d*):(?:NUMERICAL|NM):((?:(?:=|%-?\d+%)?{NUMBER}(?::{NUMBER})?"
    rf"(?:#[^~}}]*)?~?)+)\}}"
)
ANY_CLOZE = re.compile(r"\{\d*:[A-Z_]+:")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def quiz(capsys, *args):
    code, out, err = run(capsys, "explain", "--format", "moodle", *args)
    assert code == 0, err
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(out)
    assert root.tag == "quiz"
    return out, root


def check_structure(question):
    """What Moodle's importer reads of every question."""
    kind = question.get("type")
    assert kind in ("numerical", "cloze")
    assert question.findtext("name/text").strip()
    text = question.find("questiontext")
    assert text.get("format") == "html" and text.findtext("text").strip()
    if kind == "numerical":
        (answer,) = question.findall("answer")
        assert answer.get("fraction") == "100"
        float(answer.findtext("text")), float(answer.findtext("tolerance"))


def cloze_answers(html):
    """(value, tolerance) of each sub-question, in order; every ``{n:TYPE:``
    in the text is a well-formed numerical sub-question."""
    assert len(ANY_CLOZE.findall(html)) == len(CLOZE.findall(html))
    out = []
    for m in CLOZE.finditer(html):
        value, tol = m.group(2).removeprefix("=").split(":")
        out.append((float(value), float(tol)))
    return out


def expected(example, seed, names):
    ex = draw_problem(load_example(example), seed).explain()
    return [float(v) for n in names for v in np.ravel(ex[n].value)]


def check_tolerances(pairs):
    for value, tol in pairs:
        rule = RTOL * abs(value)  # check's rule, ATOL the floor for a 0
        assert tol >= ATOL and rule * (1 - 1e-9) <= tol <= rule * 1.001 + ATOL


def test_variants_in_a_category_each_sheet_its_own_values(capsys):
    raw, root = quiz(
        capsys, "-e", "seed004", "--seed", "7", "--variants", "3",
        "--blank", "dJdW1,delta2",
    )  # fmt: skip
    category, *questions = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == "$course$/top/seed004"
    assert len(questions) == 3 and raw.count("<![CDATA[") == 4
    for seed, q in zip((7, 8, 9), questions, strict=True):
        check_structure(q)
        assert q.get("type") == "cloze" and f"(sheet {seed})" in q.findtext("name/text")
        pairs = cloze_answers(q.findtext("questiontext/text"))
        # the sheet's order: delta2 is asked before dJdW1
        want = expected("seed004", seed, ["delta2", "dJdW1"])
        assert [v for v, _ in pairs] == pytest.approx(want, rel=1e-11, abs=1e-15)
        check_tolerances(pairs)
    sheets = [cloze_answers(q.findtext("questiontext/text")) for q in questions]
    assert sheets[0] != sheets[1]  # the variants differ


def test_matrix_blanks_one_sub_answer_per_entry(capsys):
    _, root = quiz(capsys, "-e", "seed000-q15", "--seed", "2", "--blank", "dJdW1,z3")
    (q,) = root.findall("question[@type='cloze']")
    check_structure(q)
    html = q.findtext("questiontext/text")
    pairs = cloze_answers(html)
    ex = draw_problem(load_example("seed000-q15"), 2).explain()
    assert ex["dJdW1"].value.size > 1 and ex["z3"].value.size > 1
    want = expected("seed000-q15", 2, ["z3", "dJdW1"])
    assert [v for v, _ in pairs] == pytest.approx(want, rel=1e-11, abs=1e-15)
    check_tolerances(pairs)
    rows, cols = ex["dJdW1"].value.shape  # laid out as the matrix
    table = html.split("</table>")[-2]
    assert table.count("<tr>") == rows and table.count("{1:NUMERICAL") == rows * cols
    # the blanks' values are not shown in the question text
    text = CLOZE.sub("", html)
    for v in np.ravel(ex["dJdW1"].value):
        assert f"{v:.6g}" not in text


def test_one_number_is_a_numerical_question(capsys):
    _, root = quiz(capsys, "-e", "seed004", "--seed", "3", "--blank", "J")
    (q,) = root.findall("question[@type='numerical']")
    check_structure(q)
    value = float(q.findtext("answer/text"))
    tol = float(q.findtext("answer/tolerance"))
    (want,) = expected("seed004", 3, ["J"])
    assert value == pytest.approx(want, rel=1e-11)
    check_tolerances([(value, tol)])
    assert not ANY_CLOZE.search(q.findtext("questiontext/text"))


def test_without_seed_the_problems_own_numbers(capsys):
    _, root = quiz(capsys, "-e", "seed004", "--blank", "dJdW1")
    (q,) = root.findall("question[@type='numerical']")
    assert float(q.findtext("answer/text")) == pytest.approx(-1.92)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "moodle"], "--format moodle: give the quantities to ask with --blank"),
        (["-f", "moodle", "--blank", "J", "--variants", "2"], "give --seed"),
        (["-f", "ipynb", "--seed", "1", "--variants", "2"], "writes Moodle quizzes"),
        (
            ["-f", "moodle", "--blank", "J", "--seed", "1", "--variants", "0"],
            "--variants: expected an integer from 1 to 1000, got 0",
        ),
        (["-f", "moodle", "--blank", "nope"], "unknown quantity 'nope'"),
    ],
)
def test_refusals(capsys, args, message):
    code, _, err = run(capsys, "explain", "-e", "seed004", *args)
    assert code == 2 and message in err
