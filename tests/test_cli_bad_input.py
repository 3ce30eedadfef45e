"""Bad input at the command line: one line on stderr, the right exit code, no
file written; and training state that survives an interruption."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.app import ExitCode, main
from chainrule.loading import load_with_metadata

SCORES = "sleep,study,score\n3,5,75\n5,1,82\n10,2,93\n6,1.5,70\n4,5.5,70\n9,2.5,85\n"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err, *parts):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("chainrule: error: "), err
    assert "Traceback" not in err
    for part in parts:
        assert part in lines[0], (part, lines[0])


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def scores(tmp_path):
    return write(tmp_path, "scores.csv", SCORES)


@pytest.fixture
def model(capsys, scores, tmp_path):
    path = tmp_path / "model.safetensors"
    code, _, _ = run(
        capsys,
        "train",
        scores,
        "--target",
        "score",
        "--layers",
        "3",
        "--epochs",
        "5",
        "--out",
        path,
    )
    assert code == ExitCode.OK
    return path


DATA_CASES = [
    ("empty.csv", "", ["empty.csv"]),
    ("header.csv", "sleep,study,score\n", ["header.csv", "no rows"]),
    ("ragged.csv", "sleep,study,score\n3,5,75\n5,1\n", ["ragged.csv", "row 2"]),
    # rows without a target are skipped (test_cli_missing_targets): none left
    ("blank.csv", "sleep,study,score\n3,5,\n5,1,NA\n", ["no row has a target"]),
    ("nan.csv", "sleep,study,score\n3,5,nan\n5,1,\n", ["nan.csv", "'score'"]),
    ("inf.csv", "sleep,study,score\n3,5,inf\n5,1,82\n", ["inf.csv", "'score'"]),
    (
        "word.csv",
        "sleep,study,score\n3,5,75\n5,lots,82\n",
        ["row 2", "column 'study'", "'lots'"],
    ),
]


@pytest.mark.parametrize(("name", "text", "parts"), DATA_CASES)
def test_bad_training_data(capsys, tmp_path, name, text, parts):
    data = write(tmp_path, name, text)
    out = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "train", data, "--target", "score", "--out", out)
    assert code == ExitCode.USAGE
    one_line(err, *parts)
    assert not out.exists()


def test_missing_data_file(capsys, tmp_path):
    code, _, err = run(capsys, "train", tmp_path / "none.csv", "--target", "a")
    assert code == ExitCode.USAGE
    one_line(err, "none.csv")


@pytest.mark.parametrize(
    ("extra", "parts"),
    [
        (["--loss", "hinge"], ["loss", "'hinge'", "mse"]),
        (["--loss", "bce"], ["bce", "sigmoid"]),  # identity output by default
        (
            [
                "--output-activation",
                "sigmoid",
                "--loss",
                "bce",
                "--scale-targets",
                "none",
            ],
            ["bce", "[0, 1]"],
        ),
        (["--learning-rate", "0"], ["learning_rate", "0"]),
        (["--learning-rate", "-0.1"], ["learning_rate", "-0.1"]),
        (["--epochs", "-1"], ["epochs", "-1"]),
        (["--epochs", "2.5"], ["--epochs"]),
        (["--batch-size", "0"], ["batch_size", "0"]),
        (["--l2", "-1"], ["l2", "-1"]),
        (["--resume"], ["--resume", "--checkpoint"]),
        (["--optimizer", "lbfgs", "--checkpoint", "c.st"], ["--checkpoint", "lbfgs"]),
        (["--checkpoint", "/nonexistent/c.st"], ["--checkpoint", "does not exist"]),
    ],
)
def test_bad_training_options(capsys, scores, tmp_path, extra, parts):
    out = tmp_path / "m.safetensors"
    argv = ["train", scores, "--target", "score", "--epochs", "3", "--out", out]
    code, _, err = run(capsys, *argv, *extra)
    assert code == ExitCode.USAGE
    one_line(err, *parts)
    assert not out.exists()


def test_classifier_needs_two_classes(capsys, tmp_path):
    data = write(tmp_path, "one.csv", "a,b,kind\n1,2,x\n3,4,x\n5,6,x\n")
    code, _, err = run(
        capsys, "train", data, "--target", "kind", "--out", tmp_path / "m.st"
    )
    assert code == ExitCode.USAGE
    one_line(err, "kind")
    assert not (tmp_path / "m.st").exists()


def test_predict_with_columns_that_do_not_match(capsys, model, tmp_path):
    new = write(tmp_path, "new.csv", "sleep,hours\n8,3\n")
    code, out, err = run(capsys, "predict", model, new)
    assert code == ExitCode.USAGE and out == ""
    one_line(err, "study")


@pytest.mark.parametrize("damage", ["truncate", "flip", "version"])
def test_damaged_models_are_refused_by_every_command(capsys, model, scores, damage):
    data = model.read_bytes()
    if damage == "truncate":
        model.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        model.write_bytes(data[:9] + b"!" + data[10:])
    else:
        model.write_bytes(data.replace(b'\\"version\\": 1', b'\\"version\\": 9'))
    for argv in (
        ["info", model],
        ["predict", model, scores],
        ["gradcheck", model, scores, "--target", "score"],
    ):
        code, out, err = run(capsys, *argv)
        assert code == ExitCode.USAGE, (argv, err)
        one_line(err, str(model))


def test_predict_out_into_a_missing_folder(capsys, model, scores):
    code, _, err = run(capsys, "predict", model, scores, "--out", "/nonexistent/p.csv")
    assert code == ExitCode.USAGE
    one_line(err, "--out", "does not exist")


def test_train_overwrites_a_model_atomically(capsys, model, scores, tmp_path):
    before = cr.load(model).get_flat()
    code, _, _ = run(
        capsys,
        "train",
        scores,
        "--target",
        "score",
        "--layers",
        "3",
        "--epochs",
        "20",
        "--seed",
        "1",
        "--out",
        model,
    )
    assert code == ExitCode.OK
    after = cr.load(model).get_flat()
    assert after.shape == before.shape and not np.array_equal(after, before)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_checkpoint_and_resume_end_where_one_run_ends(capsys, scores, tmp_path):
    common = [
        "--target",
        "score",
        "--layers",
        "4",
        "--optimizer",
        "adam",
        "--batch-size",
        "2",
        "--seed",
        "3",
    ]
    whole = tmp_path / "whole.safetensors"
    code, _, _ = run(capsys, "train", scores, *common, "--epochs", "12", "--out", whole)
    assert code == ExitCode.OK
    ckpt = tmp_path / "ckpt.safetensors"
    part = tmp_path / "part.safetensors"
    code, _, _ = run(
        capsys,
        "train",
        scores,
        *common,
        "--epochs",
        "5",
        "--checkpoint",
        ckpt,
        "--out",
        part,
    )
    assert code == ExitCode.OK and ckpt.exists()
    code, _, err = run(
        capsys,
        "train",
        scores,
        *common,
        "--epochs",
        "12",
        "--checkpoint",
        ckpt,
        "--resume",
        "--out",
        part,
    )
    assert code == ExitCode.OK, err
    np.testing.assert_array_equal(cr.load(part).get_flat(), cr.load(whole).get_flat())
    _, extra = load_with_metadata(part)
    assert extra["training"]["iterations"] == 12


def test_resume_from_a_hostile_checkpoint(capsys, scores, tmp_path):
    ckpt = write(tmp_path, "ckpt.safetensors", "not a checkpoint at all")
    out = tmp_path / "m.safetensors"
    code, _, err = run(
        capsys,
        "train",
        scores,
        "--target",
        "score",
        "--epochs",
        "3",
        "--checkpoint",
        ckpt,
        "--resume",
        "--out",
        out,
    )
    assert code == ExitCode.USAGE
    one_line(err, "ckpt.safetensors")
    assert not out.exists()


@pytest.mark.parametrize("command", ["info", "predict", "gradcheck", "explain"])
def test_unknown_option_on_every_command(capsys, command):
    code, _, err = run(capsys, command, "--bogus")
    assert code == ExitCode.USAGE
    assert "No such option" in err and "Traceback" not in err
