"""The command line, called in-process: output, files written, exit codes."""

import csv
import json

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.app import ExitCode, main
from chainrule.loading import load_with_metadata

SCORES = "sleep,study,score\n3,5,75\n5,1,82\n10,2,93\n6,1.5,70\n4,5.5,70\n9,2.5,85\n"


@pytest.fixture
def scores(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text(SCORES)
    return path


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")  # Rich tables: no wrapped cells


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def tutorial_train(scores, tmp_path, *extra):
    model = tmp_path / "m.safetensors"
    argv = ["train", scores, "--target", "score", "--layers", "3"]
    argv += ["--activation", "sigmoid", "--output-activation", "sigmoid"]
    argv += ["--loss", "sse", "--optimizer", "bfgs", "--epochs", "300"]
    argv += ["--scale-inputs", "max", "--scale-targets", "max", "--out", model]
    return [*argv, *extra], model


def test_demo_tells_the_story_and_writes_pngs(capsys, tmp_path):
    code, out, _ = run(capsys, "demo", "--out", tmp_path / "d")
    assert code == ExitCode.OK
    for text in (
        "hours of sleep",
        "(2, 3)",
        "Gradient check",
        ": ok",
        "BFGS",
        "Predicted vs actual",
        "δ⁽²⁾ = ∂J/∂a⁽²⁾ ∘ f′(z⁽²⁾)",
        "∂J/∂W⁽¹⁾ = Xᵀ δ⁽²⁾",
        "Forward again",
    ):
        assert text in out
    for name in ("cost.png", "sigmoid.png", "network.png", "surface.png"):
        path = tmp_path / "d" / name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert str(path) in out


@pytest.mark.parametrize("command", ["demo", "train", "predict", "info", "gradcheck"])
def test_every_command_help_shows_an_example(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert f"Example: chainrule {command}" in out


def test_train_predict_info_on_the_tutorial_data(capsys, scores, tmp_path):
    argv, model = tutorial_train(scores, tmp_path, "--plot", tmp_path / "cost.png")
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "Final metrics" in out and "R²" in out
    assert (tmp_path / "cost.png").read_bytes()[:4] == b"\x89PNG"
    net, meta = load_with_metadata(model)
    assert net.sizes == [2, 3, 1] and meta["targets"] == ["score"]
    assert meta["scale_targets"] == {"method": "max", "offset": [0.0], "scale": [93.0]}
    train_r2 = meta["training"]["metrics"]["train"]["r2"]
    assert train_r2 > 0.9
    # predict undoes the scaling: scores in points, near the targets
    preds = tmp_path / "p.csv"
    code, out, err = run(capsys, "predict", model, scores, "--out", preds)
    assert code == 0, err
    rows = read_csv(preds)
    assert list(rows[0]) == ["score"] and len(rows) == 6
    got = np.array([float(r["score"]) for r in rows])
    want = np.array([75, 82, 93, 70, 70, 85.0])
    r2 = 1 - np.sum((want - got) ** 2) / np.sum((want - want.mean()) ** 2)
    assert r2 == pytest.approx(train_r2, abs=1e-9)
    code, out, _ = run(capsys, "info", model)
    assert code == 0
    assert "13 parameters" in out and "bfgs" in out and "sleep" in out
    code, out, _ = run(capsys, "gradcheck", model, scores, "--target", "score")
    assert code == 0 and "relative error" in out
    assert ": ok" in out or ": inconclusive" in out  # ‖g‖ ≈ 0 once trained
    code, out, _ = run(capsys, "gradcheck", model, scores, "--at-init")
    assert code == 0 and "fresh initialisation" in out and ": ok" in out


def test_predict_to_stdout_without_the_target_column(capsys, scores, tmp_path):
    argv, model = tutorial_train(scores, tmp_path)
    assert run(capsys, *argv)[0] == 0
    new = tmp_path / "new.csv"
    new.write_text("study,sleep\n5,3\n")  # other order, no score column
    code, out, _ = run(capsys, "predict", model, new)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "score" and len(lines) == 2
    net, meta = load_with_metadata(model)
    expected = 93.0 * net.forward([[3 / 10, 5 / 5.5]])[0, 0]
    assert float(lines[1]) == pytest.approx(expected, rel=1e-12)


def test_category_target_makes_a_classifier(capsys, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    kind = np.where(X[:, 0] > 0, "hi", "lo")
    data = tmp_path / "c.csv"
    data.write_text(
        "a,b,kind\n"
        + "".join(f"{a},{b},{k}\n" for (a, b), k in zip(X, kind, strict=True))
    )
    model = tmp_path / "c.safetensors"
    code, out, err = run(
        capsys, "train", data, "--target", "kind", "--optimizer", "lbfgs",
        "--epochs", "100", "--layers", "4", "--validation-split", "0.25",
        "--out", model,
    )  # fmt: skip
    assert code == 0, err
    assert "classification of 2 labels" in out and "accuracy" in out
    assert "validation" in out
    net, meta = load_with_metadata(model)
    assert net.activations[-1] == "softmax" and net.loss == "cce"
    assert meta["classes"] == ["hi", "lo"]
    assert meta["training"]["metrics"]["train"]["accuracy"] > 0.9
    preds = tmp_path / "p.csv"
    assert run(capsys, "predict", model, data, "--out", preds)[0] == 0
    rows = read_csv(preds)
    assert list(rows[0]) == ["kind", "p(hi)", "p(lo)"]
    assert np.mean([r["kind"] == k for r, k in zip(rows, kind, strict=True)]) > 0.9
    assert "classes ['hi', 'lo']" in run(capsys, "info", model)[1]


def test_npz_and_npy_data(capsys, tmp_path):
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(30, 3))
    y = X @ [[1.0], [-2.0], [0.5]]
    np.savez(tmp_path / "d.npz", X=X, y=y)
    model = tmp_path / "z.safetensors"
    code, out, err = run(
        capsys, "train", tmp_path / "d.npz", "--target", "y", "--optimizer",
        "lbfgs", "--epochs", "50", "--layers", "none", "--out", model,
    )  # fmt: skip
    assert code == 0, err
    assert load_with_metadata(model)[1]["inputs"] == ["X[0]", "X[1]", "X[2]"]
    np.save(tmp_path / "d.npy", np.hstack([X, y]))
    code, _, err = run(
        capsys, "train", tmp_path / "d.npy", "--target", "3", "--optimizer",
        "lbfgs", "--epochs", "50", "--layers", "none", "--out", model,
    )  # fmt: skip
    assert code == 0, err
    np.save(tmp_path / "x.npy", X)  # inputs only: taken by position
    code, out, _ = run(capsys, "predict", model, tmp_path / "x.npy")
    assert code == 0
    got = np.array([float(v) for v in out.splitlines()[1:]])
    assert got.shape == (30,)
    np.testing.assert_allclose(got, y[:, 0], atol=1e-3)  # a linear model fits


def test_parquet_data(capsys, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(
        pa.table({"sleep": [3.0, 5, 10], "study": [5.0, 1, 2], "score": [75, 82, 93]}),
        tmp_path / "s.parquet",
    )
    model = tmp_path / "p.safetensors"
    code, out, err = run(
        capsys, "train", tmp_path / "s.parquet", "--target", "score",
        "--epochs", "5", "--out", model,
    )  # fmt: skip
    assert code == 0, err
    assert "Final metrics" in out


# ------------------------------------------------------------------ errors
def one_line_error(err, *parts):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("chainrule: error: ")
    assert "Traceback" not in err
    for part in parts:
        assert part in lines[0]


def test_non_numeric_input_cell_names_row_column_and_text(capsys, tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("sleep,study,score\n3,5,75\n5,lots,82\n")
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "train", data, "--target", "score", "--out", model)
    assert code == ExitCode.USAGE
    one_line_error(err, "row 2 (line 3)", "column 'study'", "'lots'")
    assert not model.exists() and out == ""


def test_debug_shows_the_traceback(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("a,b\n1,2024-01-31\n")
    with pytest.raises(cr.DataFileError, match="column 'b'"):
        main(["train", str(data), "--target", "a", "--debug"])


@pytest.mark.parametrize(
    ("extra", "parts"),
    [
        (["--activation", "swish"], ["activation", "'swish'", "sigmoid"]),
        (["--optimizer", "rmsprop"], ["rmsprop", "adam"]),
        (["--layers", "16,x"], ["--layers", "'16,x'"]),
        (["--scale-inputs", "minmax"], ["--scale-inputs", "'minmax'"]),
        (["--optimizer", "bfgs", "--batch-size", "4"], ["--batch-size", "bfgs"]),
        (["--early-stopping"], ["--validation-split"]),
        (["--epochs", "0"], ["epochs", "0"]),
        (["--target", "grade"], ["no column 'grade'", "sleep"]),
        (["--target", "score,score"], ["--target", "'score' is named twice"]),
        (["--plot", "."], ["--plot", "is a folder"]),
        (["--validation-split", "0.01"], ["--validation-split", "leaves 0"]),
        (["--out", "/nonexistent/dir/m.safetensors"], ["--out", "does not exist"]),
        (["--epochs", "ten"], ["Invalid value for '--epochs'"]),
        (["--no-such-option"], ["No such option", "chainrule train --help"]),
    ],
)
def test_bad_options_are_one_line_exit_2(capsys, scores, tmp_path, extra, parts):
    argv = ["train", scores, "--target", "score", "--out", tmp_path / "m.st", *extra]
    if extra[0] == "--target":
        argv = ["train", scores, *extra]
    code, out, err = run(capsys, *argv)
    assert code == ExitCode.USAGE
    one_line_error(err, *parts)
    assert not (tmp_path / "m.st").exists()


def test_bad_files_are_one_line_errors(capsys, scores, tmp_path):
    code, _, err = run(capsys, "train", tmp_path / "none.csv", "--target", "a")
    assert code == ExitCode.USAGE
    one_line_error(err, "no such data file")
    fake = tmp_path / "fake.safetensors"
    fake.write_bytes(b"\x00" * 20)
    for argv in (["info", fake], ["predict", fake, scores]):
        code, _, err = run(capsys, *argv)
        assert code == ExitCode.USAGE
        one_line_error(err, "safetensors header")


def test_model_without_column_names_uses_columns_in_order(capsys, scores, tmp_path):
    net = cr.Network([2, 2, 1], seed=0)
    net.save(str(tmp_path / "plain.safetensors"))
    code, out, _ = run(capsys, "info", tmp_path / "plain.safetensors")
    assert code == 0 and "training: not recorded" in out
    code, out, err = run(
        capsys, "gradcheck", tmp_path / "plain.safetensors", scores, "--target", "score"
    )
    assert code == 0, err
    assert ": ok" in out


def test_gradcheck_target_must_match_the_model(capsys, scores, tmp_path):
    argv, model = tutorial_train(scores, tmp_path, "--epochs", "3")
    assert run(capsys, *argv)[0] == 0
    code, _, err = run(capsys, "gradcheck", model, scores, "--target", "sleep")
    assert code == ExitCode.USAGE
    one_line_error(err, "trained on ['score']")


def test_no_arguments_prints_help(capsys):
    code, out, _ = run(capsys)
    assert code == ExitCode.USAGE and "train" in out and "predict" in out


def test_model_metadata_is_json(scores, tmp_path, capsys):
    argv, model = tutorial_train(scores, tmp_path, "--epochs", "3")
    assert run(capsys, *argv)[0] == 0
    _, meta = load_with_metadata(model)
    # The file's own bytes: an 8-byte little-endian length, then the
    # safetensors JSON header whose __metadata__ holds chainrule's document.
    raw = model.read_bytes()
    header = json.loads(raw[8 : 8 + int.from_bytes(raw[:8], "little")])
    doc = json.loads(header["__metadata__"]["chainrule"])
    assert doc["format"] == "chainrule.model" and doc["extra"] == meta

    def plain(v):
        if isinstance(v, dict):
            return all(isinstance(k, str) and plain(x) for k, x in v.items())
        if isinstance(v, list):
            return all(plain(x) for x in v)
        return v is None or type(v) in (str, int, float, bool)

    assert plain(meta)
    assert meta["training"]["optimizer"] == "bfgs"
    assert meta["training"]["epochs"] == 3 and meta["training"]["data"] == str(scores)


def test_early_stopping_with_validation(capsys, tmp_path):
    rng = np.random.default_rng(2)
    X = rng.uniform(-1, 1, size=(80, 2))
    y = np.sin(3 * X[:, 0]) + rng.normal(scale=0.3, size=80)
    data = tmp_path / "noisy.csv"
    data.write_text(
        "a,b,t\n" + "".join(f"{a},{b},{t}\n" for (a, b), t in zip(X, y, strict=True))
    )
    model = tmp_path / "e.safetensors"
    code, out, err = run(
        capsys, "train", data, "--target", "t", "--layers", "32,32",
        "--optimizer", "adam", "--learning-rate", "0.05", "--epochs", "2000",
        "--validation-split", "0.3", "--early-stopping", "--patience", "5",
        "--out", model, "--plot", tmp_path / "c.png",
    )  # fmt: skip
    assert code == 0, err
    assert "early stopping at epoch" in out
    record = load_with_metadata(model)[1]["training"]
    assert record["validation_rows"] == 24 and record["iterations"] < 2000
    assert record["final_val_cost"] is not None
    assert set(record["metrics"]) == {"train", "validation"}


def test_python_dash_m_runs_the_same_program():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "chainrule", "info", "--help"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "Example: chainrule info" in out.stdout


def test_metadata_that_does_not_fit_the_network_is_refused(capsys, scores, tmp_path):
    net = cr.Network([2, 2, 1], seed=0)
    path = tmp_path / "lying.safetensors"
    none = {"method": "none", "offset": [0.0], "scale": [1.0]}
    meta = {"inputs": ["sleep"], "targets": ["score"], "classes": None}
    net.save(str(path), metadata={**meta, "scale_inputs": none, "scale_targets": none})
    code, _, err = run(capsys, "predict", path, scores)
    assert code == ExitCode.USAGE
    one_line_error(err, "expected 2 input column names", "['sleep']")
    meta["inputs"] = ["sleep", "study"]
    net.save(str(path), metadata={**meta, "scale_inputs": none, "scale_targets": none})
    code, _, err = run(capsys, "predict", path, scores)
    assert code == ExitCode.USAGE
    one_line_error(err, "scaling metadata is invalid", "expected 2 columns")


def test_predict_names_a_bad_input_cell(capsys, scores, tmp_path):
    argv, model = tutorial_train(scores, tmp_path, "--epochs", "3")
    assert run(capsys, *argv)[0] == 0
    new = tmp_path / "new.csv"
    new.write_text("sleep,study\n8,3\nseven,2\n")
    code, out, err = run(capsys, "predict", model, new, "--out", tmp_path / "p.csv")
    assert code == ExitCode.USAGE and out == ""
    one_line_error(err, "row 2 (line 3)", "column 'sleep'", "'seven'")
    assert not (tmp_path / "p.csv").exists()


def test_explain_step_prints_seed_004s_numbers():
    import io

    from rich.console import Console

    from chainrule.cli.demo import explain_step

    net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
    net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
    console = Console(file=io.StringIO(), width=120)
    J_after = explain_step(net, [[3.0]], [[2.0]], console, learning_rate=0.1)
    text = console.file.getvalue()
    # seed 004: dJ/dw2 = -0.8 * 1.5 = -1.2, dJ/dw1 = -0.8 * 0.8 * 3 = -1.92
    for line in (
        "∂J/∂W⁽²⁾ = (a⁽²⁾)ᵀ δ⁽³⁾",
        "= -1.2",
        "∂J/∂W⁽¹⁾ = Xᵀ δ⁽²⁾",
        "= -1.92",
        "= 0.692",
        "= 0.92",
        "= 0.32",
    ):
        assert line in text, line
    assert net.params["W1"][0, 0] == 0.5  # the step is taken on a copy
    # after the step w1 = 0.692, w2 = 0.92: yHat = 3 * 0.692 * 0.92
    assert J_after == pytest.approx((2 - 3 * 0.692 * 0.92) ** 2 / 2, abs=1e-12)
