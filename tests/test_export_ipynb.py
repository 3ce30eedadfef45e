"""``--format ipynb``: a quiz as a Jupyter notebook with nbgrader's cells, run
by a real kernel: right answers get full marks, the sheet as handed out zero."""

import re

import numpy as np
import pytest

from chainrule.cli.app import main
from chainrule.explainer.assess.quiz import blank, draw_problem
from chainrule.explainer.problems import load_example

nbformat = pytest.importorskip("nbformat", reason="needs the course extra: nbformat")

BLANKS = ("dJdW1", "delta2")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def trace():
    """The sheet's values, computed here (the notebook recomputes its own)."""
    return draw_problem(load_example("seed004"), 7).explain()


@pytest.fixture(scope="module")
def handed_out(tmp_path_factory):
    path = tmp_path_factory.mktemp("nb") / "quiz.ipynb"
    args = ["explain", "-e", "seed004", "--seed", "7", "--blank", ",".join(BLANKS)]
    assert main([*args, "--format", "ipynb", "--out", str(path)]) == 0
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="module")
def kernel():
    """One Python kernel for the module's runs (its state is overwritten by
    each run's answer cells, which run before their tests)."""
    pytest.importorskip("nbclient", reason="needs nbclient to run notebooks")
    pytest.importorskip("ipykernel", reason="needs ipykernel for a python3 kernel")
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    yield km
    km.shutdown_kernel(now=True)


def execute(nb, km):
    """Run every cell (errors kept as outputs); the executed notebook."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, km=km, allow_errors=True, timeout=60)
    client.execute()
    client.kc.stop_channels()
    return client.nb


def graded(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


def solution(cell):
    return cell.metadata.get("nbgrader", {}).get("solution")


def errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def test_notebook_is_valid_with_nbgrader_cells(handed_out):
    nbformat.validate(handed_out)
    answers = [c for c in handed_out.cells if solution(c)]
    tests = graded(handed_out)
    assert [c.source.splitlines()[-1] for c in answers] == [
        "delta2 = ...  # YOUR ANSWER",
        "dJdW1 = ...  # YOUR ANSWER",
    ]
    for c in answers:
        assert c.metadata.nbgrader == {
            "grade": False,
            "solution": True,
            "locked": False,
            "cell_id": c.id,
            "schema_version": 3,
        }
    assert len(tests) == len(BLANKS)
    for c in tests:
        meta = c.metadata.nbgrader
        assert meta["points"] == 1 and meta["locked"] and not meta["solution"]
        assert meta["cell_id"] == c.id and "cr.check(" in c.source
    ids = [c.id for c in handed_out.cells]
    assert len(set(ids)) == len(ids)
    markdown = "\n".join(c.source for c in handed_out.cells if c.cell_type != "code")
    assert "$$" in markdown and r"\frac{\partial J}{\partial W^{(1)}}" in markdown


def test_notebook_does_not_hold_the_key(handed_out, trace):
    """No cell shows a blank's value beyond the sheet as printed (where a
    value may equal another step's, dJda2 = delta2 when f' = 1)."""
    sheet = blank(trace, list(BLANKS)).to_markdown()
    code = "\n".join(c.source for c in handed_out.cells if c.cell_type == "code")
    markdown = "\n".join(
        c.source for c in handed_out.cells if c.cell_type == "markdown"
    )
    for name in BLANKS:
        for v in np.ravel(trace[name].value):
            for digits in (3, 4, 6, 17):
                shown = f"{v:.{digits}g}"
                assert shown not in code, (name, shown)
                assert markdown.count(shown) <= sheet.count(shown), (name, shown)
    assert not re.search(r"\d\.\d", code)  # no number at all in the code


def test_worked_notebook_has_the_values_and_code(capsys, trace):
    code, out, _ = run(capsys, "explain", "-e", "seed004", "--seed", "7", "-f", "ipynb")
    assert code == 0
    nb = nbformat.reads(out, as_version=4)
    nbformat.validate(nb)
    assert not graded(nb)
    assert f"{trace['dJdW1'].value[0, 0]:.6g}" in out
    assert nb.cells[-1].cell_type == "code" and ".explain()" in nb.cells[-1].source


def test_worksheet_notebook(capsys):
    code, out, _ = run(capsys, "worksheet", "seed004", "-f", "ipynb")
    assert code == 0
    nb = nbformat.reads(out, as_version=4)
    nbformat.validate(nb)
    heads = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"]
    assert "## Question 1" in heads and heads[0].startswith("# ")
    assert "cr.worksheet('seed004')" in nb.cells[-1].source


def test_right_answers_full_marks_handed_out_zero(handed_out, trace, kernel):
    right = nbformat.reads(nbformat.writes(handed_out), as_version=4)
    for c in right.cells:
        if solution(c):
            name = re.search(r"^(\w+) = \.\.\.", c.source, re.M).group(1)
            value = trace[name].value.tolist()
            c.source = c.source.replace(f"{name} = ...", f"{name} = {value!r}")

    done = execute(right, kernel)
    assert all(not errors(c) for c in done.cells), [errors(c) for c in done.cells]
    assert all(c.execution_count for c in graded(done))  # the tests did run

    zero = execute(nbformat.reads(nbformat.writes(handed_out), as_version=4), kernel)
    tests = graded(zero)
    assert len(tests) == len(BLANKS)
    for c in tests:
        (err,) = errors(c)
        assert err.ename == "AssertionError"
        assert "not numbers" in err.evalue  # the verdict of chainrule.check
    assert all(not errors(c) for c in zero.cells if c not in tests)


def test_worked_notebook_runs(capsys, trace, kernel):
    code, out, _ = run(capsys, "explain", "-e", "seed004", "--seed", "7", "-f", "ipynb")
    done = execute(nbformat.reads(out, as_version=4), kernel)
    (printed,) = [o.text for o in done.cells[-1].outputs if o.output_type == "stream"]
    assert f"dJdW1 = {trace['dJdW1'].value}" in printed


def cells_run_here(nb, values):
    """Each blank's answer cell (filled from ``values``, or as handed out
    when ``values`` is None) and test cell, run in this process: the
    verdicts, None for a pass."""
    ns, verdicts = {}, []
    for c in nb.cells:
        if solution(c):
            name = re.search(r"^(\w+) = \.\.\.", c.source, re.M).group(1)
            fill = "..." if values is None else repr(values[name])
            exec(c.source.replace(f"{name} = ...", f"{name} = {fill}"), ns)
        elif c in graded(nb):
            try:
                exec(c.source, ns)
                verdicts.append(None)
            except AssertionError as exc:
                verdicts.append(str(exc))
    return verdicts


def test_problem_file_column_convention_and_course_names(capsys, tmp_path):
    """A problem file's TOML is written into the test cells; answers by
    CS230's names (dZ2, dW1) in the column convention."""
    from importlib.resources import files

    toml = files("chainrule.explainer.problems").joinpath("examples/seed000-q15.toml")
    problem = tmp_path / "q15.toml"
    problem.write_text(toml.read_text(encoding="utf-8"), encoding="utf-8")
    args = ["explain", str(problem), "--convention", "column", "--seed", "4"]
    code, out, _ = run(capsys, *args, "--blank", "dZ2,dW1", "-f", "ipynb")
    assert code == 0
    nb = nbformat.reads(out, as_version=4)
    tests = graded(nb)
    assert all("parse_problem(PROBLEM, 'q15.toml')" in c.source for c in tests)
    assert all("convention='column'" in c.source for c in tests)
    ex = draw_problem(load_example("seed000-q15"), 4).explain(convention="column")
    right = {"dZ2": ex["delta3"].value.tolist(), "dW1": ex["dJdW1"].value.tolist()}
    assert cells_run_here(nb, right) == [None, None]
    wrong = {k: (-np.asarray(v)).tolist() for k, v in right.items()}
    assert [v.split(":")[0] for v in cells_run_here(nb, wrong)] == ["wrong sign"] * 2
    assert all(v.startswith("not numbers") for v in cells_run_here(nb, None))


def test_bracket_names_become_variables(capsys):
    args = ["explain", "-e", "seed001", "--notation", "bracket", "--seed", "3"]
    code, out, _ = run(capsys, *args, "--blank", "g[1W],W1'", "-f", "ipynb")
    assert code == 0
    nb = nbformat.reads(out, as_version=4)
    ex = draw_problem(load_example("seed001"), 3).explain("bracket")
    right = {"g_1W": ex["dJdW1"].value.tolist(), "W1_new": ex["W1'"].value.tolist()}
    assert cells_run_here(nb, right) == [None, None]
    wrong = {"g_1W": right["W1_new"], "W1_new": right["g_1W"]}
    assert all(v.startswith("wrong value") for v in cells_run_here(nb, wrong))
