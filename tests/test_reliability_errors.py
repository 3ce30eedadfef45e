"""One error family everywhere (item 4), labels and numbers as written (item 5),
and the silent surprises the issue lists. Each test is the issue's reproducer."""

import os
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chainrule as cr
from chainrule.cli.app import main
from chainrule.data import numbers
from chainrule.data.numbers import csv_safe, label_text, parse_number
from chainrule.data.scaling import Scaler
from chainrule.loading import load_with_metadata

SCORES = "sleep,study,score\n3,5,75\n5,1,82\n10,2,93\n6,1.5,70\n4,5.5,70\n9,2.5,85\n"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error(err, *words):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule: error: "), err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], (w, lines[0])


@pytest.fixture
def scores(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text(SCORES)
    return path


def train(capsys, data, target, out, *extra):
    argv = ["train", data, "--target", target, "--epochs", "3", "--out", out]
    return run(capsys, *argv, *extra)


# -- item 4: one family --------------------------------------------------------


def test_rich_markup_in_names_and_paths_is_printed_as_written(capsys, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x[/b],[red]secret[/red],y\n1,2,3\n2,3,4\n4,1,2\n")
    folder = tmp_path / "proj [draft]"
    folder.mkdir()
    out = folder / "m [v2].safetensors"
    code, stdout, err = train(capsys, data, "y", out)
    assert code == 0, err
    assert "[red]secret[/red]" in stdout and "x[/b]" in stdout
    assert str(out) in stdout
    code, stdout, err = run(capsys, "info", out)
    assert code == 0 and "[red]secret[/red]" in stdout and str(out) in stdout


@pytest.mark.parametrize(
    "extra",
    [
        {"inputs": 5, "targets": ["y"]},
        {"inputs": ["a", "b"], "targets": ["y"], "classes": None, "scale_inputs": "x"},
        {"inputs": ["a", "b"], "targets": ["y"], "classes": [1], "scale_inputs": {}},
        {"inputs": ["a", "b"], "targets": ["y"], "training": {"final_cost": "x"}},
    ],
)
def test_hostile_metadata_is_one_error_at_info_and_predict(capsys, tmp_path, extra):
    model = tmp_path / "m.safetensors"
    cr.Network([2, 3, 1], seed=0).save(model, metadata=extra)
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n")
    for argv in (["info", model], ["predict", model, data]):
        code, _, err = run(capsys, *argv)
        assert code == 2, err
        one_error(err, "metadata")


def test_deep_toml_dir_out_and_negative_seed_are_usage_errors(capsys, scores, tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    code, _, err = run(capsys, "explain", deep)
    assert code == 2
    one_error(err)
    code, _, err = run(capsys, "explain", "--example", "seed004", "--out", tmp_path)
    assert code == 2
    one_error(err, "--out", "folder")
    code, _, err = train(capsys, scores, "score", tmp_path / "m", "--seed", "-1")
    assert code == 2
    one_error(err, "seed", "-1")
    assert not (tmp_path / "m").exists()


def test_no_type_name_and_no_raw_numpy_warning_on_stderr(capsys, tmp_path):
    data = tmp_path / "huge.csv"
    data.write_text("x,y\n1e308,1\n-1e308,2\n1.7e308,3\n")
    code, _, err = train(capsys, data, "y", tmp_path / "m", "--scale-inputs", "none")
    for line in err.strip().splitlines():
        assert line.startswith("chainrule: ") or "━" in line or "%" in line, line
    assert "RuntimeWarning" not in err and "Traceback" not in err
    assert code in (0, 2)


def chainrule_shell(command: str, cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    script = f"set -o pipefail; {sys.executable} -m chainrule {command}"
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, capture_output=True, text=True, env=env
    )


def test_a_broken_pipe_exits_quietly_with_141(capsys, tmp_path):
    data = tmp_path / "d.csv"
    rows = "".join(f"{i % 7},{i % 5},{i % 3}\n" for i in range(200_000))
    data.write_text("a,b,y\n" + rows)
    model = tmp_path / "m.safetensors"
    assert train(capsys, data, "y", model, "--regress")[0] == 0
    done = chainrule_shell(f"predict {model} {data} | head -1", tmp_path)
    assert done.returncode == 141, done.stderr
    assert done.stdout == "y\n" and done.stderr == ""
    done = chainrule_shell(f"info {model} | head -1", tmp_path)
    assert done.returncode in (0, 141) and done.stderr == ""


def test_sklearn_errors_are_both_builtin_and_chainrule():
    pytest.importorskip("sklearn")
    from chainrule.sklearn import MLPClassifier, MLPRegressor

    X, y = np.ones((4, 2)), np.arange(4.0)
    for est, kind in (
        (MLPRegressor(alpha=-1.0), ValueError),
        (MLPRegressor(max_iter="many"), TypeError),
    ):
        with pytest.raises(kind) as info:
            est.fit(X, y)
        assert isinstance(info.value, cr.ChainruleError)
    with pytest.raises(cr.ChainruleError):
        MLPClassifier().fit(X, np.zeros(4))  # one class
    with pytest.raises(ValueError) as info:
        MLPRegressor().fit(np.ones((4, 3)), y).predict(np.ones((4, 2)))
    assert isinstance(info.value, cr.ChainruleError)


# -- item 5: labels and numbers ------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("1000001", "1000002"),
        ("0.1", "0.1000001"),
        ("9223372036854775807", "9223372036854775806"),
    ],
)
def test_classify_keeps_labels_apart(capsys, tmp_path, a, b):
    data = tmp_path / "d.csv"
    data.write_text("x,label\n" + "".join(f"{i},{(a, b)[i % 2]}\n" for i in range(6)))
    out = tmp_path / "m.safetensors"
    code, _, err = train(capsys, data, "label", out, "--classify")
    assert code == 0, err
    assert load_with_metadata(out)[1]["classes"] == sorted([a, b])
    code, stdout, _ = run(capsys, "predict", out, data)
    assert code == 0
    assert {line.split(",")[0] for line in stdout.splitlines()[1:]} <= {a, b}


def test_label_text_is_the_exact_decimal_value():
    assert label_text("1.0") == label_text("1e0") == label_text(1.0) == "1"
    assert label_text(0.1) == "0.1" and label_text(np.int64(2**62)) == str(2**62)
    for text in ("123.456", "-0.001", "1e-7", "12345678901234567890123"):
        assert Decimal(label_text(text)) == Decimal(text)
    assert label_text("1e40") == "1E+40" and label_text("NA") == "NA"


@pytest.mark.parametrize("cell", ["1_000", "١٢", "12 kg"])
def test_one_bad_cell_in_a_numeric_target_names_its_row(capsys, tmp_path, cell):
    data = tmp_path / "d.csv"
    cells = [str(v) for v in range(31)]
    cells[17] = cell
    data.write_text("x,y\n" + "".join(f"{i},{c}\n" for i, c in enumerate(cells)))
    code, _, err = train(capsys, data, "y", tmp_path / "m")
    assert code == 2
    one_error(err, "row 18 (line 19)", "column 'y'", "--classify")


@pytest.mark.parametrize(
    ("cell", "said"),
    [("NA", "1 rows without a target value skipped"), ('"1,000"', "number-like")],
)
def test_a_missing_or_number_like_target_cell_is_not_an_error(
    capsys, tmp_path, cell, said
):
    # NA is a missing target (skipped and counted); "1,000" is number-like text
    data = tmp_path / "d.csv"
    cells = [str(v) for v in range(31)]
    cells[17] = cell
    data.write_text("x,y\n" + "".join(f"{i},{c}\n" for i, c in enumerate(cells)))
    code, _, err = train(capsys, data, "y", tmp_path / "m")
    assert code == 0, err
    assert said in err


def test_the_number_rule():
    good = {"3": 3.0, "-0.5": -0.5, ".5": 0.5, "5.": 5.0, "+2.5E+10": 2.5e10}
    for text, value in good.items():
        assert parse_number(text) == value
    for text in ("1_000", "3_5", "1,000", "0x10", "١٢", "NA", "", "1e", "--1"):
        assert parse_number(text) is None, text
    assert np.isnan(parse_number("NaN")) and parse_number("-inf") == -np.inf


@given(st.text(alphabet="0123456789+-.eEinfatyINF_ ,x١٢\t", max_size=12))
def test_the_number_rule_is_its_regular_expression(text):
    # Oracle: the rule written as a regular expression plus the specials.
    t = text.strip()
    expected = bool(numbers.NUMBER.fullmatch(t)) or t.lower() in numbers.SPECIAL
    assert (parse_number(text) is not None) == expected, text


def test_a_parquet_decimal_column_is_numbers(capsys, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "x": [1.0, 2.0, 3.0, 4.0],
            "price": pa.array(
                [Decimal("1.50"), Decimal("2.25"), Decimal("3.00"), Decimal("4.75")]
            ),
        }
    )
    path = tmp_path / "d.parquet"
    pq.write_table(table, path)
    out = tmp_path / "m.safetensors"
    code, stdout, err = train(capsys, path, "price", out)
    assert code == 0, err
    assert "regression" in stdout
    assert load_with_metadata(out)[1]["classes"] is None


def test_labels_written_to_csv_cannot_be_formulas(capsys, tmp_path):
    data = tmp_path / "d.csv"
    labels = ["=HYPERLINK(1)", "@SUM(A1)", "+cmd", "-1+2", "plain"]
    data.write_text("x,label\n" + "".join(f"{i},{labels[i % 5]}\n" for i in range(10)))
    out = tmp_path / "m.safetensors"
    assert train(capsys, data, "label", out)[0] == 0
    preds = tmp_path / "p.csv"
    assert run(capsys, "predict", out, data, "--out", preds)[0] == 0
    text = preds.read_text()
    for line in text.splitlines():
        assert not line.startswith(("=", "@", "+", "-")), line
    assert "'=HYPERLINK(1)" in text or "p('=HYPERLINK(1))" in text
    assert csv_safe("\tx") == "'\tx" and csv_safe("1") == "1"
    assert csv_safe("-1") == "-1" and csv_safe("-1+2") == "'-1+2"


def test_standard_scaling_scales_denormal_and_huge_columns():
    for scale in (1e-310, 1e300):
        A = np.array([[1.0], [2.0], [3.0]]) * scale
        s = Scaler.fit("standard", A)
        # oracle: the same column at scale 1, whose z-scores are (-1.2247, 0, 1.2247)
        np.testing.assert_allclose(
            s.transform(A)[:, 0], [-np.sqrt(1.5), 0.0, np.sqrt(1.5)], rtol=1e-6
        )


# -- silent surprises ----------------------------------------------------------


def test_silent_surprises_are_refused():
    with pytest.raises(cr.ConfigError, match="softmax"):
        cr.Network([2, 3, 1], output_activation="softmax", loss="mse")
    net = cr.Network([2, 3, 1], seed=0)
    X, y = np.ones((4, 2)), np.ones((4, 1))
    for schedule, kind in (
        (lambda e: -1.0, cr.InvalidValueError),
        (lambda e: "1", TypeError),
    ):
        with pytest.raises(kind, match="schedule"):
            net.fit(X, y, optimizer="sgd", epochs=2, schedule=schedule)
    with pytest.raises(cr.InvalidValueError, match="momentum"):
        net.fit(X, y, optimizer="sgd", epochs=2, momentum=5)


def test_absurd_epochs_and_npz_name_collisions(capsys, scores, tmp_path):
    code, _, err = train(capsys, scores, "score", tmp_path / "m", "--epochs", "9" * 20)
    assert code == 2
    one_error(err, "--epochs", "at most")
    path = tmp_path / "c.npz"
    np.savez(path, X=np.ones((3, 2)), **{"X[0]": np.zeros(3)})
    with pytest.raises(cr.DataFileError, match="X\\[0\\]"):
        cr.data.tables.load_table(path)
