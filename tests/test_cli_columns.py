"""``chainrule train`` judges the columns: identifiers left out (``--keep``),
free text refused (``--categorical``), numeric codes as categories, and the
suggested commands quoted for the shell; through the command line."""

import shlex

import numpy as np
import pytest

from chainrule.cli.app import ExitCode, main
from chainrule.loading import load_with_metadata


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


def write(path, header, rows):
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def inputs_of(model):
    return load_with_metadata(model)[1]["inputs"]


def test_a_respondent_number_is_left_out_and_said(capsys, tmp_path):
    rng = np.random.default_rng(0)
    ids = np.cumsum(rng.integers(1, 9, size=60)) + 1000  # increasing, not consecutive
    x = rng.normal(size=60)
    rows = [(i, f"{v:.3f}", int(v > 0)) for i, v in zip(ids, x, strict=True)]
    data = write(tmp_path / "d.csv", "respondent,x,y", rows)
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "train", data, "--target", "y", "--epochs", "3",
                         "--out", model)  # fmt: skip
    assert code == ExitCode.OK, err
    assert inputs_of(model) == ["x"]
    assert "column 'respondent' looks like an index or identifier" in err
    assert "left out of the inputs" in err and "--keep respondent" in err

    code, out, err = run(capsys, "train", data, "--target", "y", "--epochs", "3",
                         "--out", model, "--keep", "respondent")  # fmt: skip
    assert code == ExitCode.OK, err
    assert inputs_of(model) == ["respondent", "x"] and "identifier" not in err


def test_unique_integers_in_no_order_are_inputs(capsys, tmp_path):
    rng = np.random.default_rng(1)
    income = rng.permutation(np.arange(60) * 37 + 500)  # distinct, shuffled
    data = write(tmp_path / "d.csv", "income,y",
                 [(v, int(v > 1500)) for v in income])  # fmt: skip
    model = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "train", data, "--target", "y", "--epochs", "2",
                       "--out", model)  # fmt: skip
    assert code == ExitCode.OK, err
    assert inputs_of(model) == ["income"]


def test_free_text_is_refused_with_both_fixes_quoted(capsys, tmp_path):
    rows = [(f"Person {i}", i % 7, i % 2) for i in range(80)]
    rows = [(n if i % 5 else "Person 1", a, y) for i, (n, a, y) in enumerate(rows)]
    data = write(tmp_path / "d.csv", "Full name,a,y", rows)
    model = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "train", data, "--target", "y", "--out", model)
    assert code == ExitCode.USAGE
    assert "column 'Full name' looks like free text" in err
    # the suggested commands work when pasted into a shell
    assert "--drop 'Full name'" in err and "--categorical 'Full name'" in err
    assert shlex.split("--drop 'Full name'") == ["--drop", "Full name"]

    code, _, err = run(capsys, "train", data, "--target", "y", "--epochs", "2",
                       "--out", model, "--categorical", "Full name")  # fmt: skip
    assert code == ExitCode.OK, err
    assert sum(n.startswith("Full name=") for n in inputs_of(model)) > 50


def test_numeric_codes_as_categories(capsys, tmp_path):
    rows = [(i % 3 + 1, (i * 7) % 11, int(i % 3 == 1)) for i in range(30)]
    data = write(tmp_path / "d.csv", "region,b,y", rows)
    model = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "train", data, "--target", "y", "--epochs", "2",
                       "--out", model, "--categorical", "region")  # fmt: skip
    assert code == ExitCode.OK, err
    assert inputs_of(model) == ["region=1", "region=2", "region=3", "b"]
    code, out, err = run(capsys, "predict", model, data)
    assert code == ExitCode.OK, err

    code, _, err = run(capsys, "train", data, "--target", "y", "--out", model,
                       "--categorical", "nope")  # fmt: skip
    assert code == ExitCode.USAGE and "--categorical: no column 'nope'" in err
