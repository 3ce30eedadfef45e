"""``chainrule explain``, run in-process through ``chainrule.cli.app.main``."""

import json

import pytest

from chainrule.cli.app import main
from chainrule.explainer.problems import list_examples, load_example


@pytest.fixture(autouse=True)
def columns(monkeypatch):
    """Text output folds to COLUMNS (80 where it is not set off a terminal)."""
    monkeypatch.setenv("COLUMNS", "80")


def run(capsys, *args):
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_example_as_plain_text(capsys):
    code, out, err = run(capsys, "--example", "seed004")
    assert (code, err) == (0, "")
    assert out == load_example("seed004").explain().to_text(width=80)


def test_list_examples(capsys):
    code, out, _ = run(capsys, "--list-examples")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(list_examples())


@pytest.mark.parametrize(
    ("fmt", "method"),
    [("markdown", "to_markdown"), ("latex", "to_latex"), ("html", "to_html")],
)
def test_formats(capsys, fmt, method):
    code, out, _ = run(capsys, "--example", "seed000-q15", "--format", fmt)
    assert code == 0
    assert out == getattr(load_example("seed000-q15").explain(), method)()


def test_json_notation_and_precision(capsys):
    code, out, _ = run(capsys, "-e", "seed004", "-f", "json", "--notation", "bracket")
    assert code == 0
    doc = json.loads(out)
    assert doc["notation"] == "bracket"
    assert [s["name"] for s in doc["steps"]][:2] == ["a[0]", "y"]
    code, out, _ = run(capsys, "-e", "seed004", "--precision", "3")
    assert code == 0 and "1.91" in out and "1.90992" not in out


def test_problem_file_to_out(capsys, tmp_path):
    problem = tmp_path / "p.toml"
    problem.write_text(
        "[network]\nsizes = [1, 1]\nactivation = 'identity'\nloss = 'sse'\n"
        "bias = false\n[weights]\nW1 = [[2]]\n[data]\nX = [[3]]\ny = [[5]]\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.md"
    code, out, err = run(capsys, str(problem), "-f", "markdown", "--out", str(target))
    assert (code, out) == (0, "")
    assert str(target) in err
    text = target.read_text(encoding="utf-8")
    assert "J = \\frac{1}{2}\\sum (y - \\hat{y})^2" in text and "= 0.5" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--example", "nope"], "example: unknown name 'nope'"),
        (["--example", "seed004", "--format", "pdf"], "--format: unknown name"),
        ([], "give a PROBLEM file"),
        (["p.toml", "--example", "seed004"], "not both"),
        (["/no/such/file.toml"], "cannot read the problem file"),
        (["-e", "seed004", "--notation", "greek"], "notation: unknown name"),
        (["-e", "seed004", "--precision", "0"], "precision: expected"),
        (["-e", "seed004", "--out", "/no/such/dir/x.txt"], "--out: the folder"),
    ],
)
def test_errors_are_one_line_exit_2(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("chainrule: error: ") and message in err
    assert err.count("\n") == 1
