"""Rows without a target, through the command line: ``train`` skips and counts
them (``--missing-target skip``, the default) or refuses them (``error``),
for a classification and a regression, and never takes a missing cell as a
class; ``predict`` and ``evaluate`` leave them out of the metrics, counted."""

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


def table(tmp_path, target_cells):
    """x, a noise column z, and a target with the given cells, 12 rows."""
    rng = np.random.default_rng(0)
    lines = ["x,z,y"] + [
        f"{i % 5},{rng.normal():.3f},{t}" for i, t in enumerate(target_cells)
    ]
    path = tmp_path / "d.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


LABELS = ["a", "", "b", "a", "NA", "b", "a", "b", "a", "b", "a", "b", "a"]
NUMBERS = ["1.5", "", "2", "3", "NA", "4", "5", "6.5", "7", "8", "9", "10", "11"]


@pytest.mark.parametrize("flags", [[], ["--classify"]])
def test_a_missing_label_is_skipped_and_counted_never_a_class(capsys, tmp_path, flags):
    model = tmp_path / "m.safetensors"
    data = table(tmp_path, LABELS)
    code, out, err = run(
        capsys, "train", data, "--target", "y", "--epochs", "3", "--out", model, *flags
    )
    assert code == ExitCode.OK, err
    assert "warning: 2 rows without a target value skipped" in err
    assert f"{data}: 11 rows (" in out
    meta = load_with_metadata(model)[1]
    assert meta["classes"] == ["a", "b"]
    assert meta["training"]["rows"] == 11
    assert meta["training"]["missing_target"] == "skip"


def test_a_missing_number_is_skipped_in_a_regression(capsys, tmp_path):
    model = tmp_path / "m.safetensors"
    data = table(tmp_path, NUMBERS)
    code, out, err = run(
        capsys, "train", data, "--target", "y", "--epochs", "3", "--out", model
    )
    assert code == ExitCode.OK, err
    assert "regression" in out
    assert "warning: 2 rows without a target value skipped" in err
    assert load_with_metadata(model)[1]["training"]["rows"] == 11


@pytest.mark.parametrize("cells", [LABELS, NUMBERS])
def test_missing_target_error_names_the_row_and_the_option(capsys, tmp_path, cells):
    data = table(tmp_path, cells)
    code, _, err = run(
        capsys, "train", data, "--target", "y", "--missing-target", "error",
        "--out", tmp_path / "m.safetensors",
    )  # fmt: skip
    assert code == ExitCode.USAGE
    assert "row 2 (line 3), column 'y': the target is missing" in err
    assert "--missing-target skip" in err
    assert not (tmp_path / "m.safetensors").exists()


def test_a_wrong_missing_target_value_names_the_flag(capsys, tmp_path):
    data = table(tmp_path, LABELS)
    code, _, err = run(capsys, "train", data, "--target", "y", "--missing-target", "x")
    assert code != ExitCode.OK
    assert "--missing-target: expected skip or error, got 'x'" in err


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_predict_and_evaluate_count_rows_without_a_target(capsys, tmp_path, command):
    model = tmp_path / "m.safetensors"
    data = table(tmp_path, LABELS)
    code, _, err = run(
        capsys, "train", data, "--target", "y", "--epochs", "3", "--out", model
    )
    assert code == ExitCode.OK, err
    code, out, err = run(capsys, command, model, data)
    assert code == ExitCode.OK, err
    assert "warning: 2 rows without a target value left out of the metrics" in err
    assert "11 rows with a target" in out + err


def test_evaluate_on_labels_the_model_never_saw_says_so(capsys, tmp_path):
    model = tmp_path / "m.safetensors"
    code, _, err = run(
        capsys, "train", table(tmp_path, LABELS), "--target", "y", "--epochs", "3",
        "--out", model,
    )  # fmt: skip
    assert code == ExitCode.OK, err
    other = tmp_path / "other"
    other.mkdir()
    code, _, err = run(capsys, "evaluate", model, table(other, ["c"] * 13))
    assert code == ExitCode.USAGE
    assert "the 13 rows' labels are not among the model's classes (a, b)" in err
