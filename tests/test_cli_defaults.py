"""``chainrule train``'s defaults: restore-best early stopping whenever rows are
held out, the explicit flags that win over it, and the learning rate per batch
regime, all through the command line."""

import re

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.app import ExitCode, main
from chainrule.loading import load_with_metadata


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # Rich tables: no wrapped cells


def run(capsys, *argv):
    """Exit code, stdout and stderr, with runs of white space as one space
    (the summary line may wrap)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


@pytest.fixture(scope="module")
def diabetes(tmp_path_factory):
    """scikit-learn's diabetes table (bundled, no download) as a CSV: a small
    table on which the last epoch of a full fit overfits."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True, scaled=False)
    path = tmp_path_factory.mktemp("diabetes") / "diabetes.csv"
    names = [f"x{i}" for i in range(X.shape[1])]
    lines = [",".join([*names, "target"])]
    lines += [
        ",".join(f"{v:g}" for v in (*row, t)) for row, t in zip(X, y, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def val_r2(model):
    return load_with_metadata(model)[1]["training"]["metrics"]["validation"]["r2"]


def test_restore_best_is_the_default_and_keeps_the_best_epoch(
    capsys, tmp_path, diabetes
):
    best, last = tmp_path / "best.safetensors", tmp_path / "last.safetensors"
    code, out, err = run(capsys, "train", diabetes, "--target", "target", "--out", best)
    assert code == ExitCode.OK, err
    # full batches on a small table: one update an epoch, patience 100
    assert "early stopping (patience 100; the best epoch is kept)" in out
    kept = int(re.search(r"kept epoch (\d+)", out).group(1))
    record = load_with_metadata(best)[1]["training"]
    assert record["early_stopping"] is True and record["patience"] == 100
    assert record["best_epoch"] == kept < record["iterations"] <= 200

    code, out, err = run(
        capsys, "train", diabetes, "--target", "target", "--out", last,
        "--no-early-stopping",
    )  # fmt: skip
    assert code == ExitCode.OK, err
    assert "no early stopping (the last epoch is kept)" in out
    assert "completed 200 epochs" in out
    # the 200th epoch overfits: the kept epoch scores better on held-out rows
    assert val_r2(best) > val_r2(last)  # measured: 0.526 against 0.477

    # the kept weights are those of epoch `kept`: training exactly that long
    # without early stopping gives the same network
    same = tmp_path / "same.safetensors"
    code, _, err = run(
        capsys, "train", diabetes, "--target", "target", "--out", same,
        "--no-early-stopping", "--epochs", kept,
    )  # fmt: skip
    assert code == ExitCode.OK, err
    np.testing.assert_allclose(
        cr.load(same).get_flat(), cr.load(best).get_flat(), rtol=1e-12, atol=1e-12
    )


def test_the_best_epoch_is_kept_when_the_last_epoch_comes_first(
    capsys, tmp_path, diabetes
):
    model = tmp_path / "m.safetensors"
    code, out, err = run(
        capsys, "train", diabetes, "--target", "target", "--out", model,
        "--patience", "500", "--epochs", "120",
    )  # fmt: skip
    assert code == ExitCode.OK, err
    assert "early stopping (patience 500; the best epoch is kept)" in out
    match = re.search(r"completed 120 epochs; kept epoch (\d+)", out)
    assert match, out
    assert load_with_metadata(model)[1]["training"]["best_epoch"] == int(match.group(1))


def test_explicit_patience_or_tol_turns_early_stopping_on(capsys, tmp_path, diabetes):
    model = tmp_path / "m.safetensors"
    code, out, err = run(
        capsys, "train", diabetes, "--target", "target", "--out", model,
        "--tol", "0.5",
    )  # fmt: skip
    assert code == ExitCode.OK, err
    assert "early stopping (patience 100, tol 0.5" in out
    record = load_with_metadata(model)[1]["training"]
    assert record["tol"] == 0.5 and record["iterations"] <= 101


@pytest.mark.parametrize(
    "extra, words",
    [
        (["--no-early-stopping", "--patience", "5"], ["--patience", "turns off"]),
        (["--no-early-stopping", "--tol", "0.1"], ["--tol", "turns off"]),
        (["--optimizer", "bfgs", "--patience", "5"], ["--patience", "bfgs"]),
        (["--validation-split", "0", "--patience", "5"], ["--patience", "above 0"]),
    ],
)
def test_early_stopping_flags_are_never_silently_ignored(
    capsys, tmp_path, diabetes, extra, words
):
    code, _, err = run(
        capsys, "train", diabetes, "--target", "target",
        "--out", tmp_path / "m.safetensors", *extra,
    )  # fmt: skip
    assert code == ExitCode.USAGE
    assert all(w in err for w in words), err


def test_no_validation_rows_no_early_stopping(capsys, tmp_path, diabetes):
    model = tmp_path / "m.safetensors"
    code, out, err = run(
        capsys, "train", diabetes, "--target", "target", "--out", model,
        "--validation-split", "0", "--epochs", "30",
    )  # fmt: skip
    assert code == ExitCode.OK, err
    assert "early stopping" not in out and "completed 30 epochs" in out


def big_table(path, n=12_600):  # 10,080 training rows
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    y = X[:, 0] - 2 * X[:, 1]
    body = "".join(f"{a:.4f},{b:.4f},{t:.4f}\n" for (a, b), t in zip(X, y, strict=True))
    path.write_text("a,b,t\n" + body)
    return path


def test_the_learning_rate_follows_the_batches(capsys, tmp_path):
    data = big_table(tmp_path / "big.csv")
    model = tmp_path / "m.safetensors"
    code, out, err = run(
        capsys, "train", data, "--target", "t", "--epochs", "1", "--out", model
    )
    assert code == ExitCode.OK, err
    assert "adam, learning rate 0.001 (minibatches), minibatches of 200" in out
    record = load_with_metadata(model)[1]["training"]
    assert record["learning_rate"] == 0.001 and record["batch_size"] == 200

    code, out, err = run(
        capsys, "train", data, "--target", "t", "--epochs", "1", "--out", model,
        "--learning-rate", "0.02",
    )  # fmt: skip
    assert code == ExitCode.OK, err
    assert "adam, learning rate 0.02 (minibatches)" in out


def test_help_names_the_switch_and_the_defaults(capsys):
    code, out, _ = run(capsys, "train", "--help")
    assert code == ExitCode.OK
    assert "--no-early-stopping" in out
    assert "on whenever rows are held out" in out
