"""Row weights at the command line: ``--class-weight balanced`` (scikit-learn's
rule, passed to the fit as sample weights), ``--weight COL`` (checked, not an
input), the weighted metrics, the record and ``info``."""

import numpy as np
import pytest

from chainrule.cli.app import ExitCode, main
from chainrule.data.frame import Table
from chainrule.data.weights import class_weights, row_weights
from chainrule.errors import ConfigError
from chainrule.loading import load_with_metadata


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


def write(path, header, rows):
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def imbalanced(n=40, seed=0):
    """x, an integer weight w (0 to 3), a label: one 'rare' in five."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(size=n), 3)
    w = rng.integers(0, 4, n)
    w[:2] = 1
    label = np.where(np.arange(n) % 5 == 0, "rare", "common")
    return x, w, label


@pytest.mark.parametrize("seed", range(4))
def test_balanced_class_weights_are_scikit_learns(seed):
    cw = pytest.importorskip("sklearn.utils.class_weight", reason="the oracle")
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, int(rng.integers(4, 200)))
    labels[:4] = [0, 1, 2, 3]
    expected = cw.compute_class_weight("balanced", classes=np.arange(4), y=labels)
    np.testing.assert_allclose(class_weights(labels, 4), expected, rtol=1e-15)


def test_row_weights_multiply_and_refuse_a_regression():
    t = Table(["w"], {"w": np.array([1.0, 2.0, 0.5, 1.0])})
    labels = np.array([0, 0, 0, 1])
    w, per_class = row_weights(t, labels, np.arange(4), column="w",
                               class_weight="balanced", n_classes=2)  # fmt: skip
    np.testing.assert_allclose(per_class, [4 / 6, 2.0])
    np.testing.assert_allclose(w, [4 / 6, 8 / 6, 2 / 6, 2.0])
    with pytest.raises(ConfigError, match="--class-weight: a regression"):
        row_weights(t, None, np.arange(4), class_weight="balanced")


def test_class_weights_reach_the_record_and_info(capsys, tmp_path):
    cw = pytest.importorskip("sklearn.utils.class_weight", reason="the oracle")
    x, _, label = imbalanced()
    data = write(tmp_path / "d.csv", "x,label", zip(x, label, strict=True))
    model = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "train", data, "--target", "label", "--epochs", "5",
                         "--class-weight", "balanced", "--validation-split", "0.25",
                         "--out", model)  # fmt: skip
    assert code == ExitCode.OK, err
    meta = load_with_metadata(model)[1]
    t = meta["training"]
    # the training rows: every row but the validation ones, stratified
    from chainrule.data.split import split_rows

    classes = np.array(meta["classes"])
    y = np.searchsorted(classes, label)
    train, _ = split_rows(len(y), 0.25, 0, y)
    expected = cw.compute_class_weight("balanced", classes=classes, y=label[train])
    assert list(t["class_weights"]) == ["common", "rare"]
    np.testing.assert_allclose(list(t["class_weights"].values()), expected)
    assert t["class_weight"] == "balanced"
    assert "weighted accuracy" in out and "ROC AUC" in out
    code, out, _ = run(capsys, "info", model)
    assert "sample weights: class weights balanced ('common': 0.625" in out


def test_integer_weights_train_as_repeated_rows(capsys, tmp_path):
    """Full batch, nothing scaled or held out: a row of weight k is k copies
    of it, so the weighted model is the model of the repeated table."""
    x, w, label = imbalanced()
    weighted = write(tmp_path / "w.csv", "x,w,label", zip(x, w, label, strict=True))
    idx = np.repeat(np.arange(len(w)), w)
    repeated = write(
        tmp_path / "r.csv", "x,label", zip(x[idx], label[idx], strict=True)
    )
    same = ["--target", "label", "--epochs", "15", "--validation-split", "0",
            "--scale-inputs", "none", "--layers", "3"]  # fmt: skip
    a, b = tmp_path / "a.safetensors", tmp_path / "b.safetensors"
    code, _, err = run(capsys, "train", weighted, *same, "--weight", "w", "--out", a)
    assert code == ExitCode.OK, err
    assert run(capsys, "train", repeated, *same, "--out", b)[0] == ExitCode.OK
    net_a, meta_a = load_with_metadata(a)
    net_b, _ = load_with_metadata(b)
    assert meta_a["inputs"] == ["x"]  # the weight column is not an input
    for key, value in net_b.params.items():
        np.testing.assert_allclose(net_a.params[key], value, rtol=1e-9, atol=1e-12)
    unweighted = tmp_path / "u.safetensors"
    assert (
        run(capsys, "train", weighted, *same, "--drop", "w", "--out", unweighted)[0]
        == 0
    )
    u = load_with_metadata(unweighted)[0]
    assert not np.allclose(u.params["W1"], net_a.params["W1"])


@pytest.mark.parametrize(
    "cell,said",
    [("heavy", "a weight must be a number (--weight), got 'heavy'"),
     ("-1", "a weight must be a finite number >= 0 (--weight), got -1.0"),
     ("", "a weight must be a finite number >= 0 (--weight), got a missing value")],
)  # fmt: skip
def test_a_bad_weight_is_refused_naming_the_row(capsys, tmp_path, cell, said):
    x, w, label = imbalanced(12)
    rows = [list(r) for r in zip(x, w, label, strict=True)]
    rows[3][1] = cell
    data = write(tmp_path / "d.csv", "x,w,label", rows)
    code, _, err = run(capsys, "train", data, "--target", "label", "--weight", "w",
                       "--out", tmp_path / "m.safetensors")  # fmt: skip
    assert code == ExitCode.USAGE
    assert f"row 4 (line 5), column 'w': {said}" in err


def test_weight_column_must_be_a_column_and_not_the_target(capsys, tmp_path):
    x, w, label = imbalanced(12)
    data = write(tmp_path / "d.csv", "x,w,label", zip(x, w, label, strict=True))
    out = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "train", data, "--target", "label", "--weight", "v",
                       "--out", out)  # fmt: skip
    assert code == ExitCode.USAGE and "--weight: no column 'v'; columns are" in err
    code, _, err = run(capsys, "train", data, "--target", "w", "--weight", "w",
                       "--out", out)  # fmt: skip
    assert code == ExitCode.USAGE and "--weight: 'w' is the target" in err
    code, _, err = run(capsys, "train", data, "--target", "x", "--class-weight",
                       "balanced", "--drop", "label", "--out", out)  # fmt: skip
    assert code == ExitCode.USAGE and "--class-weight: a regression" in err


def _table_metrics(out: str) -> dict:
    """The metric rows of a printed metrics table: label -> first number."""
    import re

    found = {}
    for line in out.splitlines():
        m = re.match(r"\W*([A-Za-z][\w ²]*?)\s+│\s+(-?[\d.]+(?:e-?\d+)?)", line)
        if m:
            found[m.group(1).strip()] = float(m.group(2))
    return found


@pytest.mark.parametrize("command", ["evaluate", "predict"])
def test_evaluate_weighs_rows_as_training_did(capsys, tmp_path, command):
    """Oracle: weighted_metrics of all rows at once, with the model's class
    weights times the --weight column, on the same predictions."""
    from chainrule.data.metrics import weighted_metrics
    from chainrule.data.prepare import prepare_from_metadata
    from chainrule.data.tables import load_table

    x, w, label = imbalanced(n=60, seed=3)
    data = write(tmp_path / "d.csv", "x,w,label", zip(x, w, label, strict=True))
    model = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "train", data, "--target", "label", "--epochs", "5",
                       "--class-weight", "balanced", "--weight", "w",
                       "--out", model)  # fmt: skip
    assert code == ExitCode.OK, err
    argv = [command, model, data] + (
        ["--out", tmp_path / "p.csv"] * (command == "predict")
    )
    code, out, err = run(capsys, *argv)
    assert code == ExitCode.OK, err
    net, meta = load_with_metadata(model)
    d = prepare_from_metadata(load_table(data), meta, 1, 2, with_targets=True)
    true = d.y.argmax(axis=1)
    by_class = np.array(list(meta["training"]["class_weights"].values()))
    want = weighted_metrics(true, net.forward(d.X), by_class[true] * w,
                            classification=True)  # fmt: skip
    got = _table_metrics(out + err)
    assert got["weighted accuracy"] == pytest.approx(
        want["weighted_accuracy"], abs=1e-6
    )
    assert got["weighted log loss"] == pytest.approx(
        want["weighted_log_loss"], rel=1e-5
    )
    unweighted = weighted_metrics(true, net.forward(d.X), np.ones(60),
                                  classification=True)  # fmt: skip
    assert want["weighted_log_loss"] != pytest.approx(unweighted["weighted_log_loss"])


def test_evaluate_says_when_the_weight_column_is_absent(capsys, tmp_path):
    x, w, label = imbalanced(n=30)
    data = write(tmp_path / "d.csv", "x,w,label", zip(x, w, label, strict=True))
    bare = write(tmp_path / "b.csv", "x,label", zip(x, label, strict=True))
    model = tmp_path / "m.safetensors"
    assert run(capsys, "train", data, "--target", "label", "--epochs", "2",
               "--weight", "w", "--out", model)[0] == ExitCode.OK  # fmt: skip
    code, out, err = run(capsys, "evaluate", model, bare)
    assert code == ExitCode.OK, err
    assert "no column 'w' (the model's --weight); the metrics are not weighted" in err
    assert "weighted" not in out
