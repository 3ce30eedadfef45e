"""Quizzes: blanked explanations, answer keys, a student's own sheet, and
``chainrule check`` on the command line."""

import json
import tomllib

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.app import main
from chainrule.explainer.assess.quiz import blank, draw_problem, key_toml, read_answers
from chainrule.explainer.problems import load_example


@pytest.fixture(scope="module")
def seed004():
    return load_example("seed004").explain()


@pytest.mark.parametrize("method", ["to_text", "to_markdown", "to_latex", "to_html"])
def test_blank_hides_the_values_in_every_format(seed004, method):
    full = getattr(seed004, method)()
    quiz = getattr(blank(seed004, ["dJdW1", "delta2"]), method)()
    # -1.92 (dJdW1) and -0.64 (delta2 and dJda2) are in the full derivation;
    # the quiz keeps dJda2's -0.64 but not dJdW1's -1.92
    assert "1.92" in full and "1.92" not in quiz.replace("0.192", "")
    assert "?" in quiz or "&#x0003F;" in quiz  # MathML escapes "?"
    assert "0.32" in quiz  # J is still shown


def test_blank_json_is_standard_json_and_reads_back(seed004):
    text = blank(seed004, ["dJdW1", "J"]).to_json()

    def no_nan(name):  # json.loads accepts NaN unless told otherwise
        raise AssertionError(f"not standard JSON: {name}")

    doc = json.loads(text, parse_constant=no_nan)
    values = {s["symbol"]: s["value"] for s in doc["steps"]}
    assert values["J"] is None and values["dJdW1"] == [[None]]
    assert values["dJdW2"] == [[pytest.approx(-1.2)]]
    back = cr.Explanation.from_json(text)
    assert np.isnan(back["J"].value) and np.isnan(back["dJdW1"].value).all()
    assert back["dJdW2"].value[0, 0] == pytest.approx(-1.2)


def test_blank_keeps_the_original(seed004):
    blank(seed004, ["dJdW1"])
    assert seed004["dJdW1"].value[0, 0] == pytest.approx(-1.92)


def test_blank_unknown_name_suggests(seed004):
    with pytest.raises(cr.UnknownNameError, match="did you mean 'dJdW1'"):
        blank(seed004, ["djdw1"])


def test_key_round_trips_bit_for_bit(seed004, tmp_path):
    text = key_toml(seed004, ["dJdW1", "J'", "W1'"])
    (tmp_path / "key.toml").write_text(text, encoding="utf-8")
    table = read_answers(tmp_path / "key.toml")
    assert table["dJdW1"] == seed004["dJdW1"].value.tolist()
    assert table["J'"] == seed004["J'"].value
    assert cr.check(table, table).ok
    assert cr.check(seed004, table).ok


def test_key_of_every_step(seed004):
    table = tomllib.loads(key_toml(seed004))["answers"]
    assert "X" not in table and "dJdW1" in table and "z2'" in table


def test_draw_problem_is_seeded_and_different():
    p = load_example("seed000-q15")
    a, b, a2 = draw_problem(p, 1), draw_problem(p, 2), draw_problem(p, 1)
    assert np.array_equal(a.X, a2.X) and np.array_equal(
        a.network.params["W1"], a2.network.params["W1"]
    )
    assert not np.array_equal(a.X, b.X)
    assert a.X.shape == p.X.shape and a.y.shape == p.y.shape
    assert p.network.params["W1"].tolist() == [[1, 1, 1], [1, 1, 1]]  # untouched
    assert "sheet 1" in a.title
    with pytest.raises(cr.InvalidValueError, match="seed"):
        draw_problem(p, -1)


def test_draw_problem_targets_fit_the_cost():
    net = cr.Network([2, 3], activation="softmax", loss="cce", bias=False)
    from chainrule.explainer.problems import Problem

    p = Problem(net, np.zeros((3, 2)), np.eye(3))
    y = draw_problem(p, 5).y
    assert np.all(y.sum(axis=1) == 1) and set(np.unique(y)) <= {0.0, 1.0}


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_quiz_key_and_check(capsys, tmp_path):
    key = tmp_path / "key.toml"
    code, out, err = run(
        capsys,
        "explain",
        "-e",
        "seed004",
        "--seed",
        "7",
        "--blank",
        "dJdW1,delta2",
        "--answers",
        str(key),
    )
    assert code == 0 and "sheet 7" in out and "?" in out
    table = tomllib.loads(key.read_text(encoding="utf-8"))["answers"]
    assert list(table) == ["dJdW1", "delta2"]
    sheet = draw_problem(load_example("seed004"), 7).explain()
    assert table["dJdW1"] == sheet["dJdW1"].value.tolist()
    right = tmp_path / "right.toml"
    d1 = float(f"{table['dJdW1'][0][0]:.4g}")
    right.write_text(f"dJdW1 = [[{d1}]]\ndelta2 = {table['delta2'][0][0]}\n")
    code, out, _ = run(capsys, "check", str(key), str(right))
    assert code == 0 and "score: 2/2 = 100%" in out
    # the same sheet graded from the example and the seed
    code, out, _ = run(capsys, "check", "seed004", str(right), "--seed", "7")
    assert code == 0
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(f"dJdW1 = [[{-d1}]]\n")
    code, out, _ = run(capsys, "check", str(key), str(wrong), "-f", "json")
    assert code == 1
    assert json.loads(out)["items"][0]["verdict"] == "wrong sign"


def test_cli_check_errors(capsys, tmp_path):
    ans = tmp_path / "a.toml"
    ans.write_text("dJdw1 = [[1]]\n")
    code, out, _ = run(capsys, "check", "seed004", str(ans))
    assert code == 1 and "did you mean 'dJdW1'" in out  # listed, not fatal
    code, _, err = run(capsys, "check", "nope", str(ans))
    assert code == 2 and "neither a file nor a built-in example" in err
    ans.write_text("not toml [")
    code, _, err = run(capsys, "check", "seed004", str(ans))
    assert code == 2 and "not valid TOML" in err
    deep = "a = " + "[" * 100_000 + "]" * 100_000  # deeper than tomllib can recurse
    ans.write_text(deep)
    code, _, err = run(capsys, "check", "seed004", str(ans))
    assert code == 2 and "nested too deeply" in err
    key = tmp_path / "key.toml"
    key.write_text(deep)
    ans.write_text("dJdW1 = [[1]]\n")
    code, _, err = run(capsys, "check", str(key), str(ans))
    assert code == 2 and "cannot read the key" in err and "nested too deeply" in err
    code, _, err = run(capsys, "explain", "-e", "seed004", "--blank", "dJdWx")
    assert code == 2 and "did you mean" in err


def test_cli_grades_a_class_into_a_csv_sheet(capsys, tmp_path):
    key = tmp_path / "key.toml"
    args = ["explain", "-e", "seed000-q15", "--blank", "delta3,dJdW2"]
    assert run(capsys, *args, "--answers", str(key))[0] == 0
    assert 'convention = "row"' in key.read_text(encoding="utf-8")
    files = {
        "right.toml": "delta3 = [[0.00916], [0.00601], [0.00102]]\n"
        "dJdW2 = [[0.0162], [0.0162], [0.0162]]\n",
        "rounded.toml": "delta3 = [[0.009], [0.006], [0.001]]\n"
        "dJdW2 = [[0.0486], [0.0486], [0.0485]]\n",
        "transposed.toml": "delta3 = [[0.00916, 0.00601, 0.00102]]\ndJdw2 = 1\n",
        "broken.toml": "not toml [",
    }
    paths = []
    for name, text in files.items():
        paths.append(tmp_path / name)
        paths[-1].write_text(text, encoding="utf-8")
    sheet = tmp_path / "grades.csv"
    code, out, err = run(
        capsys, "check", str(key), *map(str, paths), "--csv", str(sheet)
    )
    assert code == 1
    assert "broken.toml: not graded" in err and f"wrote {sheet}" in err
    assert "── " in out and "off by a factor of N = 3" in out
    rows = sheet.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "file,score,right,graded,delta3,dJdW2,unknown"
    cells = [r.split(",") for r in rows[1:]]
    assert [c[0].rsplit("/", 1)[-1] for c in cells] == list(files)
    assert cells[0][1:] == ["1.000", "2", "2", "right", "right", ""]
    assert cells[1][1:] == ["0.000", "0", "2", "rounded", "off by a factor", ""]
    assert cells[2][1:] == ["0.000", "0", "2", "transposed", "missing", "dJdw2"]
    assert cells[3][4:6] == ["unreadable", "unreadable"]
    # the sheet never replaces an answer file
    code, _, err = run(capsys, "check", str(key), str(paths[0]), "--csv", str(paths[0]))
    assert code == 2 and "--csv" in err


def test_cli_check_counts_a_missing_answer(capsys, tmp_path):
    key = tmp_path / "key.toml"
    run(
        capsys,
        "explain",
        "-e",
        "seed004",
        "--blank",
        "dJdW1,delta2",
        "--answers",
        str(key),
    )
    only = tmp_path / "only.toml"
    only.write_text("dJdW1 = [[-1.92]]\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(key), str(only))
    assert code == 1 and "score: 1/2 = 50%" in out and "missing" in out
